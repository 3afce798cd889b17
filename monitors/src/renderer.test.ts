import { renderApplyResult, slackSummary } from './renderer';

const empty = { applied: [], failed: [], notAttempted: [] };
const result = {
  monitors: { ...empty, applied: [{ action: 'create' as const, key: 'hot', name: '[home] Attic is too hot', id: 7 }] },
  downtimes: {
    ...empty,
    applied: [{ action: 'delete' as const, key: 'downtime-xmas', name: '[home] downtime-xmas', id: 'a1' }],
  },
  dashboards: empty,
};

describe('renderApplyResult', () => {
  it('says cancel for a removed downtime', () => {
    expect(renderApplyResult(result)).toBe(
      [
        'Applied 2 change(s):',
        '  create monitor [home] Attic is too hot (id 7)',
        '  cancel downtime [home] downtime-xmas (id a1)',
      ].join('\n'),
    );
  });
});

describe('slackSummary', () => {
  it('says cancel for a removed downtime', () => {
    expect(slackSummary('home', result)).toEqual([
      [
        'hometemp monitors for *home*: 2 applied, 0 failed, 0 not attempted.',
        '• create monitor: [home] Attic is too hot',
        '• cancel downtime: [home] downtime-xmas',
      ].join('\n'),
    ]);
  });
});
