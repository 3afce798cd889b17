import { loadExampleSite } from '../fixtures/load';
import { createDatadogApis } from './api';
import type { DatadogApis } from './api';
import { generateMonitors } from './definitions/generate';
import { hasChanges } from './plan';
import { applyPlan, fetchPlan, UnsafePruneError, ValidationRejectedError } from './sync';
import { FakeDatadog } from './testing/fake-datadog';

const site = loadExampleSite();
const declared = generateMonitors(site);

let fake: FakeDatadog;
let apis: DatadogApis;
let sleeps: number[];

async function startFake(options: ConstructorParameters<typeof FakeDatadog>[0] = {}) {
  fake = new FakeDatadog(options);
  const url = await fake.start();
  sleeps = [];
  apis = createDatadogApis(
    { apiUrl: url, apiKey: fake.apiKey, appKey: fake.appKey },
    { backoffMs: 1000, sleep: async (ms) => { sleeps.push(ms); fake.advance(ms); } },
  );
}

const actions = (plan: Awaited<ReturnType<typeof fetchPlan>>) =>
  plan.entries.map((entry) => `${entry.action} ${entry.key}`);

afterEach(async () => {
  await fake.stop();
});

describe('sync against a fake Datadog', () => {
  beforeEach(async () => {
    await startFake();
  });

  it('plans a create for every monitor on an empty account', async () => {
    const plan = await fetchPlan(apis, declared, { adopt: false });

    expect(plan.entries.filter((entry) => entry.action === 'create')).toHaveLength(23);
    expect(hasChanges(plan, false)).toBe(true);
    expect(fake.monitors.size).toBe(0);
  });

  it('shows no changes right after an apply', async () => {
    const result = await applyPlan(apis, await fetchPlan(apis, declared, { adopt: false }), { prune: false });
    const again = await fetchPlan(apis, declared, { adopt: false });

    expect(result.applied).toHaveLength(23);
    expect(result.failed).toEqual([]);
    expect(again.entries.every((entry) => entry.action === 'unchanged')).toBe(true);
    expect(hasChanges(again, true)).toBe(false);
    const stored = [...fake.monitors.values()].find((monitor) => monitor.name === '[home] Attic is too hot')!;
    expect(stored.options.new_host_delay).toBe(300);
    expect(stored.options.no_data_timeframe).toBeUndefined();
  });

  it('lists field-level changes for an edited threshold', async () => {
    await applyPlan(apis, await fetchPlan(apis, declared, { adopt: false }), { prune: false });
    const warmer = structuredClone(site);
    warmer.rooms[2]!.temperature.high = { warning: 36, critical: 41 };

    const plan = await fetchPlan(apis, generateMonitors(warmer), { adopt: false });
    const update = plan.entries.find((entry) => entry.action === 'update')!;

    expect(actions(plan).filter((line) => !line.startsWith('unchanged'))).toEqual(['update room-attic-too-hot']);
    expect(update.changes.map((change) => [change.field, change.before, change.after])).toEqual([
      ['query', 'min(last_45m):avg:hometemp.temperature{room:attic AND device IN (pi-attic)} by {sensor} >= 40', 'min(last_45m):avg:hometemp.temperature{room:attic AND device IN (pi-attic)} by {sensor} >= 41'],
      ['message', expect.stringContaining('critical 40 °C'), expect.stringContaining('critical 41 °C')],
      ['options.thresholds.critical', 40, 41],
      ['options.thresholds.warning', 35, 36],
      ['options.thresholds.critical_recovery', 39, 40],
      ['options.thresholds.warning_recovery', 34, 35],
    ]);
  });

  it('deletes undeclared monitors only with prune', async () => {
    await applyPlan(apis, await fetchPlan(apis, declared, { adopt: false }), { prune: false });
    const fewer = declared.filter((monitor) => monitor.key !== 'frontend-latency');

    const plan = await fetchPlan(apis, fewer, { adopt: false });
    const withoutPrune = await applyPlan(apis, plan, { prune: false });

    expect(plan.pruneCandidates).toBe(1);
    expect(hasChanges(plan, false)).toBe(false);
    expect(withoutPrune.applied).toEqual([]);
    expect(fake.monitors.size).toBe(23);
    const pruned = await applyPlan(apis, plan, { prune: true });
    expect(pruned.applied.map((item) => `${item.action} ${item.key}`)).toEqual(['delete frontend-latency']);
    expect(fake.monitors.size).toBe(22);
  });

  it('rejects a prune of every monitor', async () => {
    await applyPlan(apis, await fetchPlan(apis, declared.slice(0, 2), { adopt: false }), { prune: false });
    const plan = await fetchPlan(apis, [], { adopt: false });

    await expect(applyPlan(apis, plan, { prune: true })).rejects.toThrow(
      new UnsafePruneError('prune rejected: it would delete all 2 managed monitors. If that is intended, delete them in Datadog by hand.'),
    );
    expect(fake.monitors.size).toBe(2);
  });

  it('never touches a monitor it does not own', async () => {
    const foreign = fake.seed({ name: '[home] Attic is too hot', query: 'avg(last_5m):avg:system.load.1{*} > 4', tags: ['team:infra'] });
    const other = fake.seed({ name: 'CPU high', query: 'avg(last_5m):avg:system.cpu.user{*} > 90', tags: [] });

    const plan = await fetchPlan(apis, declared, { adopt: false });
    await applyPlan(apis, plan, { prune: true });

    expect(plan.entries.find((entry) => entry.key === 'room-attic-too-hot')).toMatchObject({ action: 'conflict', id: foreign.id });
    expect(fake.monitors.get(foreign.id)!.query).toBe('avg(last_5m):avg:system.load.1{*} > 4');
    expect(fake.monitors.get(other.id)!.name).toBe('CPU high');
    expect(fake.monitors.size).toBe(24);
  });

  it('adopts a same-name monitor only when asked', async () => {
    const foreign = fake.seed({ name: '[home] Attic is too hot', query: 'avg(last_5m):avg:system.load.1{*} > 4', tags: ['team:infra'] });

    const plan = await fetchPlan(apis, declared, { adopt: true });
    await applyPlan(apis, plan, { prune: false });

    expect(plan.entries.find((entry) => entry.key === 'room-attic-too-hot')!.action).toBe('adopt');
    expect(fake.monitors.get(foreign.id)!.tags).toContain('hometemp-id:room-attic-too-hot');
    expect(fake.monitors.size).toBe(23);
  });

  it('writes nothing when Datadog rejects a definition', async () => {
    const broken = structuredClone(declared);
    broken[2]!.options.thresholds.critical = 30;
    broken[3]!.query = 'avg:hometemp.temperature{*}';

    const plan = await fetchPlan(apis, broken, { adopt: false });
    const error: ValidationRejectedError = await applyPlan(apis, plan, { prune: false }).catch((caught) => caught);

    expect(error).toBeInstanceOf(ValidationRejectedError);
    expect(error.rejections).toEqual([
      { key: 'room-living_room-too-hot', name: '[home] Living room is too hot', errors: ['Alert threshold (30.0) does not match that used in the query (29.0).'] },
      { key: 'room-living_room-too-cold', name: '[home] Living room is too cold', errors: ["The value provided for parameter 'query' is invalid: avg:hometemp.temperature{*}"] },
    ]);
    expect(fake.monitors.size).toBe(0);
  });

  it('validates each definition once per run', async () => {
    const plan = await fetchPlan(apis, declared, { adopt: false });
    await applyPlan(apis, plan, { prune: false });

    expect(fake.requests.filter((request) => request.path === '/api/v1/monitor/validate')).toHaveLength(23);
    expect(fake.monitors.size).toBe(23);
  });

  it('reports a partial failure exactly', async () => {
    // All three creates of the first monitor fail, each followed by a lookup that finds none.
    fake.failNext('POST', /^\/api\/v1\/monitor$/, 500, 3);

    const result = await applyPlan(apis, await fetchPlan(apis, declared.slice(0, 3), { adopt: false }), { prune: false });

    expect(result.failed).toEqual([{ action: 'create', key: 'pi-silent', name: declared[0]!.name, id: undefined, error: '500: Internal Server Error' }]);
    expect(result.applied.map((item) => item.key)).toEqual(['sensor-silent', 'room-living_room-too-hot']);
    expect(sleeps).toEqual([]);
    const creates = fake.requests.filter((request) => request.method === 'POST' && request.path === '/api/v1/monitor');
    expect(creates).toHaveLength(5);
  });
});

describe('rate limits', () => {
  it('waits for the reset once no request remains', async () => {
    await startFake({ rateLimit: 2, ratePeriodSeconds: 10 });

    const plan = await fetchPlan(apis, declared.slice(0, 2), { adopt: false });

    expect(actions(plan)).toEqual(['create pi-silent', 'create sensor-silent']);
    // A list, two name lookups and two validations: the limit of 2 runs out twice.
    expect(sleeps).toEqual([10000, 10000]);
    expect(fake.requests.filter((request) => request.method === 'GET')).toHaveLength(3);
    expect(fake.requests.filter((request) => request.path === '/api/v1/monitor/validate')).toHaveLength(2);
  });

  it('retries a 429 after X-RateLimit-Reset seconds', async () => {
    await startFake({ rateLimit: 100, ratePeriodSeconds: 10 });
    fake.failNext('GET', /^\/api\/v1\/monitor$/, 429, 1);

    const plan = await fetchPlan(apis, [], { adopt: false });

    expect(plan.entries).toEqual([]);
    expect(sleeps).toEqual([10000]);
  });
});
