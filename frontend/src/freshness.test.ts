import { describeFreshness, formatAge } from './freshness';

describe('formatAge', () => {
  it.each([
    [0, 'just now'],
    [59_999, 'just now'],
    [60_000, '1 min ago'],
    [59 * 60_000 + 59_999, '59 min ago'],
    [60 * 60_000, '1 h ago'],
    [47 * 3_600_000 + 3_599_999, '47 h ago'],
    [48 * 3_600_000, '2 d ago'],
    [-120_000, 'in the future (check the device clock)'],
  ])('formats %i ms as "%s"', (ageMs, expected) => {
    expect(formatAge(ageMs)).toBe(expected);
  });
});

describe('describeFreshness', () => {
  const now = new Date('2026-01-31T12:00:00.000Z');

  it('rates a recent reading fresh', () => {
    expect(describeFreshness('2026-01-31T11:50:00.000Z', now, 45 * 60_000)).toEqual({
      ageSeconds: 600,
      stale: false,
      label: '10 min ago',
    });
  });

  it('rates a reading at the limit fresh', () => {
    expect(describeFreshness('2026-01-31T11:15:00.000Z', now, 45 * 60_000).stale).toBe(false);
  });

  it('rates an older reading stale', () => {
    expect(describeFreshness('2026-01-31T11:14:59.000Z', now, 45 * 60_000)).toEqual({
      ageSeconds: 2701,
      stale: true,
      label: '45 min ago',
    });
  });
});
