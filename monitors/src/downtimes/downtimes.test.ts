import { loadExampleSite } from '../../fixtures/load';
import { createDatadogApis } from '../api';
import type { DatadogApis } from '../api';
import { UnsafePruneError } from '../sync';
import { FakeDatadog } from '../testing/fake-datadog';
import { generateDowntimes } from './definitions';
import { localTimeToUtc } from './local-time';
import { applyDowntimePlan, fetchDowntimePlan } from './sync';

const site = loadExampleSite();
const BEFORE_RENOVATION = new Date('2026-02-01T00:00:00Z');

describe('generateDowntimes', () => {
  it('mutes a room through its sensors', () => {
    const [renovation] = generateDowntimes(site);

    expect(renovation!.key).toBe('downtime-attic-renovation');
    expect(renovation!.attributes.scope).toBe('sensor:(attic-dht11)');
    expect(renovation!.attributes.monitorIdentifier).toEqual({ monitorTags: ['managed-by:hometemp', 'site:home'] });
    expect(renovation!.attributes.message).toBe(
      'Attic insulation work: the sensor is unplugged\n\nmanaged-by:hometemp site:home hometemp-id:downtime-attic-renovation',
    );
  });

  it('converts a one-off to UTC instants', () => {
    const [renovation] = generateDowntimes(site);

    expect(renovation!.attributes.schedule).toEqual({
      start: new Date('2026-03-02T07:00:00Z'),
      end: new Date('2026-03-06T17:00:00Z'),
    });
    expect(renovation!.attributes.displayTimezone).toBe('Europe/Berlin');
  });

  it('keeps a recurrence in local time', () => {
    const weekly = generateDowntimes(site)[1]!;

    expect(weekly.attributes.scope).toBe('*');
    expect(weekly.attributes.schedule).toEqual({
      timezone: 'Europe/Berlin',
      recurrences: [{ rrule: 'FREQ=WEEKLY;BYDAY=SU', duration: '30m', start: '2026-01-04T04:00' }],
    });
  });

  it('mutes a device and its sensors', () => {
    const changed = structuredClone(site);
    changed.downtimes = [
      { id: 'move', reason: 'Moving the Pi', rooms: ['Bedroom'], devices: ['pi-attic'], start: '2026-05-01T10:00:00', end: '2026-05-01T12:00:00', timezone: 'UTC' },
    ];

    const [move] = generateDowntimes(changed);

    expect(move!.attributes.scope).toBe('device:(pi-attic) OR sensor:(bedroom-dht22 OR attic-dht11)');
  });
});

describe('localTimeToUtc', () => {
  it('applies summer and winter offsets', () => {
    expect(localTimeToUtc('2026-07-01T12:00:00', 'Europe/Berlin').toISOString()).toBe('2026-07-01T10:00:00.000Z');
    expect(localTimeToUtc('2026-01-01T12:00', 'America/New_York').toISOString()).toBe('2026-01-01T17:00:00.000Z');
  });

  it('moves a skipped spring time forward', () => {
    expect(localTimeToUtc('2026-03-29T02:30:00', 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});

describe('downtime sync against a fake Datadog', () => {
  let fake: FakeDatadog;
  let apis: DatadogApis;

  beforeEach(async () => {
    fake = new FakeDatadog();
    const url = await fake.start();
    apis = createDatadogApis({ apiUrl: url, apiKey: fake.apiKey, appKey: fake.appKey }, { sleep: async () => {} });
  });

  afterEach(async () => {
    await fake.stop();
  });

  const plan = (downtimes = generateDowntimes(site), now = BEFORE_RENOVATION) => fetchDowntimePlan(apis, 'home', downtimes, now);
  const statuses = () => [...fake.downtimes.downtimes.values()].map((downtime) => downtime.attributes.canceled === null);

  it('creates both and then shows no changes', async () => {
    const first = await plan();
    const result = await applyDowntimePlan(apis, first, { prune: false, declaredCount: 2 });
    const again = await plan();

    expect(first.entries.map((entry) => `${entry.action} ${entry.key}`)).toEqual(['create downtime-attic-renovation', 'create downtime-weekly-power-cycle']);
    expect(result.failed).toEqual([]);
    expect(again.entries.map((entry) => entry.action)).toEqual(['unchanged', 'unchanged']);
    const stored = [...fake.downtimes.downtimes.values()][1]!;
    expect(stored.attributes.schedule.recurrences).toEqual([{ duration: '30m', rrule: 'FREQ=WEEKLY;BYDAY=SU', start: '2026-01-04T04:00' }]);
    expect(stored.attributes.schedule.current_downtime).toEqual({ start: '2026-01-04T03:00:00+00:00', end: '2026-01-04T03:30:00+00:00' });
  });

  it('lists field changes for a longer mute', async () => {
    await applyDowntimePlan(apis, await plan(), { prune: false, declaredCount: 2 });
    const longer = structuredClone(site);
    longer.downtimes[1]!.recurrence!.durationMinutes = 120;

    const changed = await plan(generateDowntimes(longer));
    const result = await applyDowntimePlan(apis, changed, { prune: false, declaredCount: 2 });

    expect(changed.entries[1]).toMatchObject({
      action: 'update',
      changes: [{ field: 'schedule.recurrences.0.duration', before: '30m', after: '2h' }],
    });
    expect(result.applied.map((item) => `${item.action} ${item.key}`)).toEqual(['update downtime-weekly-power-cycle']);
    expect((await plan(generateDowntimes(longer))).entries.map((entry) => entry.action)).toEqual(['unchanged', 'unchanged']);
  });

  it('cancels an undeclared one only with prune', async () => {
    await applyDowntimePlan(apis, await plan(), { prune: false, declaredCount: 2 });
    const fewer = generateDowntimes(site).slice(1);

    const pending = await plan(fewer);
    const withoutPrune = await applyDowntimePlan(apis, pending, { prune: false, declaredCount: 1 });
    const pruned = await applyDowntimePlan(apis, pending, { prune: true, declaredCount: 1 });
    const after = await plan(fewer);

    expect(pending.pruneCandidates).toBe(1);
    expect(withoutPrune.applied).toEqual([]);
    expect(pruned.applied.map((item) => `${item.action} ${item.key}`)).toEqual(['delete downtime-attic-renovation']);
    // Datadog keeps the cancelled downtime, listed with status canceled, and sync ignores it.
    expect(fake.downtimes.downtimes.size).toBe(2);
    expect(statuses()).toEqual([false, true]);
    expect(after.entries.map((entry) => `${entry.action} ${entry.key}`)).toEqual(['unchanged downtime-weekly-power-cycle']);
  });

  it('creates again after a cancel in the UI', async () => {
    await applyDowntimePlan(apis, await plan(), { prune: false, declaredCount: 2 });
    const [first] = fake.downtimes.downtimes.keys();
    fake.downtimes.route('DELETE', new URL(`http://127.0.0.1/api/v2/downtime/${first}`), undefined);

    const again = await plan();

    expect(again.entries.map((entry) => `${entry.action} ${entry.key}`)).toEqual(['create downtime-attic-renovation', 'unchanged downtime-weekly-power-cycle']);
  });

  it('never touches a downtime it does not own', async () => {
    const foreign = fake.downtimes.seed({ scope: 'env:prod', monitor_identifier: { monitor_tags: ['*'] }, message: 'Office move' });
    const otherSite = fake.downtimes.seed({
      scope: '*',
      monitor_identifier: { monitor_tags: ['site:cabin'] },
      message: 'Winter\n\nmanaged-by:hometemp site:cabin hometemp-id:downtime-winter',
    });

    const pending = await plan();
    await applyDowntimePlan(apis, pending, { prune: true, declaredCount: 2 });

    expect(pending.managedCount).toBe(0);
    expect(fake.downtimes.downtimes.get(foreign.id)!.attributes.canceled).toBeNull();
    expect(fake.downtimes.downtimes.get(otherSite.id)!.attributes.canceled).toBeNull();
    expect(fake.downtimes.downtimes.size).toBe(4);
  });

  it('rejects cancelling every managed downtime', async () => {
    await applyDowntimePlan(apis, await plan(), { prune: false, declaredCount: 2 });
    const renamed = generateDowntimes(site).map((downtime) => ({ ...downtime, key: `${downtime.key}-2` }));

    const pending = await plan(renamed);

    await expect(applyDowntimePlan(apis, pending, { prune: true, declaredCount: 2 })).rejects.toThrow(
      new UnsafePruneError('prune rejected: it would cancel all 2 managed downtimes while the site declares 2 others. Check the downtime ids in the site description; to replace them, run sync --apply first to create the new ones, then sync --apply --prune.'),
    );
    expect(statuses()).toEqual([true, true]);
  });

  it('cancels all when the site declares none', async () => {
    await applyDowntimePlan(apis, await plan(), { prune: false, declaredCount: 2 });

    const result = await applyDowntimePlan(apis, await plan([]), { prune: true, declaredCount: 0 });

    expect(result.applied).toHaveLength(2);
    expect(statuses()).toEqual([false, false]);
  });

  it('skips a one-off that is already over', async () => {
    const later = await plan(generateDowntimes(site), new Date('2026-04-01T00:00:00Z'));

    expect(later.entries.map((entry) => `${entry.action} ${entry.key}`)).toEqual(['create downtime-weekly-power-cycle']);
    expect(later.expired).toEqual(['[home] Downtime attic-renovation: Attic insulation work: the sensor is unplugged']);
  });

  it('skips a recurrence whose UNTIL has passed', async () => {
    const ended = generateDowntimes(site).slice(1);
    const schedule = ended[0]!.attributes.schedule as { recurrences: { rrule: string }[] };
    schedule.recurrences[0]!.rrule = 'FREQ=WEEKLY;BYDAY=SU;UNTIL=20260110';

    const later = await plan(ended, new Date('2026-04-01T00:00:00Z'));

    expect(later.entries).toEqual([]);
    expect(later.expired).toHaveLength(1);
  });

  it('reports Datadog rejecting an RRULE with DTSTART', async () => {
    const broken = generateDowntimes(site).slice(1);
    const schedule = broken[0]!.attributes.schedule as { recurrences: { rrule: string }[] };
    schedule.recurrences[0]!.rrule = 'DTSTART=20260104T040000;FREQ=WEEKLY';

    const result = await applyDowntimePlan(apis, await plan(broken), { prune: false, declaredCount: 1 });

    expect(result.failed.map((item) => item.error)).toEqual(['400: invalid rrule: DTSTART=20260104T040000;FREQ=WEEKLY']);
    expect(fake.downtimes.downtimes.size).toBe(0);
  });
});
