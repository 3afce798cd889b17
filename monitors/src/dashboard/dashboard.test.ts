import { loadExampleSite } from '../../fixtures/load';
import { createDatadogApis } from '../api';
import type { DatadogApis } from '../api';
import { UnsafePruneError } from '../sync';
import { FakeDatadog } from '../testing/fake-datadog';
import { generateDashboard } from './definition';
import { applyDashboardPlan, fetchDashboardPlan } from './sync';

const site = loadExampleSite();
const declared = [generateDashboard(site)];

describe('generateDashboard', () => {
  const { dashboard } = generateDashboard(site);
  const definitions = dashboard.widgets.map((widget) => widget.definition as { type: string; title?: string; widgets?: { definition: { q?: string; requests?: { q: string }[] } }[] });

  it('shows monitors, rooms, sensors and health', () => {
    expect(definitions.map((definition) => `${definition.type}: ${definition.title}`)).toEqual([
      'manage_status: Monitors',
      'group: Living room',
      'group: Bedroom',
      'group: Attic',
      'query_table: Sensors: readings in the time range and latest temperature',
      'group: Collectors',
      'group: Ingest',
    ]);
  });

  it('filters the monitor list by ownership', () => {
    expect((definitions[0] as { query?: string }).query).toBe('tag:"managed-by:hometemp" tag:"site:home"');
  });

  it('queries a room by its tag value', () => {
    const queries = definitions[1]!.widgets!.map((widget) => widget.definition.requests![0]!.q);

    expect(queries).toEqual(['avg:hometemp.temperature{room:living_room AND device IN (pi-living)} by {sensor}', 'avg:hometemp.humidity{room:living_room AND device IN (pi-living)} by {sensor}']);
  });

  it('uses the metric names ingest emits', () => {
    const queries = [definitions[5]!, definitions[6]!].flatMap((group) => group.widgets!.map((widget) => widget.definition.requests![0]!.q));

    expect(queries).toEqual([
      'sum:hometemp.heartbeat.runs{device IN (pi-living,pi-bedroom,pi-attic)} by {outcome}',
      'sum:hometemp.heartbeat.sensor_status{device IN (pi-living,pi-bedroom,pi-attic)} by {sensor,status}',
      'max:hometemp.heartbeat.spool_depth{device IN (pi-living,pi-bedroom,pi-attic)} by {device}',
      'sum:hometemp.ingest.requests{*} by {outcome}',
      'sum:hometemp.ingest.readings{device IN (pi-living,pi-bedroom,pi-attic) AND outcome:rejected} by {reason}',
      'p95:hometemp.ingest.lag{device IN (pi-living,pi-bedroom,pi-attic)} by {device}',
    ]);
  });

  it('ends the description with the ownership line', () => {
    expect(dashboard.description!.split('\n\n').at(-1)).toBe('managed-by:hometemp site:home hometemp-id:overview');
  });
});

describe('dashboard sync against a fake Datadog', () => {
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

  const plan = (dashboards = declared, adopt = false) => fetchDashboardPlan(apis, 'home', dashboards, { adopt });
  const stored = () => [...fake.dashboards.dashboards.values()];

  it('creates it and then shows no changes', async () => {
    const result = await applyDashboardPlan(apis, await plan(), { prune: false });
    const again = await plan();

    expect(result.applied.map((item) => `${item.action} ${item.key} ${item.id}`)).toEqual(['create overview 000-000-001']);
    expect(again.entries.map((entry) => `${entry.action} ${entry.key}`)).toEqual(['unchanged overview']);
    expect(stored()[0]!.url).toBe('/dashboard/000-000-001/home-hometemp-rooms-sensors-and-pipeline-health');
    expect(stored()[0]!.widgets[1].definition.widgets[0].id).toBe(1000002);
  });

  it('shows a widget edited in the UI as drift', async () => {
    await applyDashboardPlan(apis, await plan(), { prune: false });
    stored()[0]!.widgets[0].definition.title = 'My monitors';
    stored()[0]!.widgets.push({ id: 5, definition: { type: 'note', content: 'hello' } });

    const drift = await plan();

    expect(drift.entries[0]!.action).toBe('update');
    expect(drift.entries[0]!.changes).toEqual([
      { field: 'widgets[note]', before: undefined, after: undefined, note: 'removed' },
      { field: 'widgets[manage_status "Monitors"].definition.title', before: 'My monitors', after: 'Monitors' },
    ]);
  });

  it('updates it after a threshold-free change', async () => {
    await applyDashboardPlan(apis, await plan(), { prune: false });
    const renamed = structuredClone(site);
    renamed.rooms[2]!.name = 'Loft';
    renamed.devices[2]!.sensors[0]!.room = 'Loft';
    renamed.downtimes = [];

    const changed = await plan([generateDashboard(renamed)]);
    const result = await applyDashboardPlan(apis, changed, { prune: false });

    expect(changed.entries[0]!.changes.map((change) => change.field)).toEqual([
      'widgets[group "Loft"].definition.title',
      'widgets[group "Loft"].definition.widgets[timeseries "Temperature (°C) by sensor"].definition.requests.0.q',
      'widgets[group "Loft"].definition.widgets[timeseries "Relative humidity (%RH) by sensor"].definition.requests.0.q',
    ]);
    expect(result.applied.map((item) => item.action)).toEqual(['update']);
    expect((await plan([generateDashboard(renamed)])).entries[0]!.action).toBe('unchanged');
  });

  it('shows a removed room as one group', async () => {
    await applyDashboardPlan(apis, await plan(), { prune: false });
    const smaller = structuredClone(site);
    smaller.rooms.splice(1, 1);
    smaller.devices[1]!.sensors[0]!.room = 'Living room';

    const changed = await plan([generateDashboard(smaller)]);

    expect(changed.entries[0]!.changes).toEqual([
      { field: 'widgets[group "Bedroom"]', before: undefined, after: undefined, note: 'removed' },
      {
        field: 'widgets[group "Living room"].definition.widgets[timeseries "Temperature (°C) by sensor"].definition.requests.0.q',
        before: 'avg:hometemp.temperature{room:living_room AND device IN (pi-living)} by {sensor}',
        after: 'avg:hometemp.temperature{room:living_room AND device IN (pi-living,pi-bedroom)} by {sensor}',
      },
      {
        field: 'widgets[group "Living room"].definition.widgets[timeseries "Relative humidity (%RH) by sensor"].definition.requests.0.q',
        before: 'avg:hometemp.humidity{room:living_room AND device IN (pi-living)} by {sensor}',
        after: 'avg:hometemp.humidity{room:living_room AND device IN (pi-living,pi-bedroom)} by {sensor}',
      },
    ]);
  });

  it('shows added widgets and a new order', async () => {
    await applyDashboardPlan(apis, await plan(), { prune: false });
    const reordered = structuredClone(site);
    reordered.rooms.reverse();
    reordered.rooms.push({ ...structuredClone(site.rooms[0]!), name: 'Kitchen' });
    reordered.devices[0]!.sensors.push({ id: 'kitchen-dht22', type: 'dht22', room: 'Kitchen' });

    const changed = await plan([generateDashboard(reordered)]);

    expect(changed.entries[0]!.changes.filter((change) => change.note !== undefined || change.field === 'widgets order')).toEqual([
      { field: 'widgets[group "Kitchen"]', before: undefined, after: undefined, note: 'added' },
      {
        field: 'widgets order',
        before: ['manage_status "Monitors"', 'group "Living room"', 'group "Bedroom"', 'group "Attic"', 'query_table "Sensors: readings in the time range and latest temperature"', 'group "Collectors"', 'group "Ingest"'],
        after: ['manage_status "Monitors"', 'group "Attic"', 'group "Bedroom"', 'group "Living room"', 'query_table "Sensors: readings in the time range and latest temperature"', 'group "Collectors"', 'group "Ingest"'],
      },
    ]);
  });

  it('reports a same-title dashboard as a conflict', async () => {
    const foreign = fake.dashboards.seed({ title: declared[0]!.dashboard.title, description: 'made by hand' });

    const pending = await plan();
    const result = await applyDashboardPlan(apis, pending, { prune: true });

    expect(pending.entries.map((entry) => `${entry.action} ${entry.id}`)).toEqual([`conflict ${foreign.id}`]);
    expect(result.applied).toEqual([]);
    expect(fake.dashboards.dashboards.get(foreign.id)!.description).toBe('made by hand');
  });

  it('adopts a same-title dashboard when asked', async () => {
    const foreign = fake.dashboards.seed({ title: declared[0]!.dashboard.title, description: 'made by hand' });

    await applyDashboardPlan(apis, await plan(declared, true), { prune: false });

    expect(fake.dashboards.dashboards.get(foreign.id)!.description).toContain('hometemp-id:overview');
    expect((await plan()).entries.map((entry) => `${entry.action} ${entry.id}`)).toEqual([`unchanged ${foreign.id}`]);
  });

  it('leaves other dashboards alone', async () => {
    const other = fake.dashboards.seed({ title: 'Kubernetes', description: 'team dashboard' });
    const cabin = fake.dashboards.seed({ title: '[cabin] hometemp', description: 'managed-by:hometemp site:cabin hometemp-id:overview' });

    await applyDashboardPlan(apis, await plan(), { prune: true });

    expect(fake.dashboards.dashboards.get(other.id)!.title).toBe('Kubernetes');
    expect(fake.dashboards.dashboards.get(cabin.id)!.title).toBe('[cabin] hometemp');
    expect(fake.dashboards.dashboards.size).toBe(3);
  });

  it('deletes a stale dashboard only with prune', async () => {
    await applyDashboardPlan(apis, await plan(), { prune: false });
    const stale = fake.dashboards.seed({ title: 'old', description: 'managed-by:hometemp site:home hometemp-id:old-overview' });

    const pending = await plan();
    const withoutPrune = await applyDashboardPlan(apis, pending, { prune: false });
    const pruned = await applyDashboardPlan(apis, pending, { prune: true });

    expect(withoutPrune.applied).toEqual([]);
    expect(pruned.applied.map((item) => `${item.action} ${item.key}`)).toEqual(['delete old-overview']);
    expect(fake.dashboards.dashboards.has(stale.id)).toBe(false);
  });

  it('rejects deleting every managed dashboard', async () => {
    await applyDashboardPlan(apis, await plan(), { prune: false });
    const renamed = [{ ...declared[0]!, key: 'overview-2' }];

    const pending = await plan(renamed);

    await expect(applyDashboardPlan(apis, pending, { prune: true })).rejects.toThrow(
      new UnsafePruneError('prune rejected: it would delete all 1 managed dashboards. If that is intended, delete them in Datadog by hand.'),
    );
  });

  it('reports Datadog rejecting a widget', async () => {
    const broken = structuredClone(declared);
    const room = broken[0]!.dashboard.widgets[1]!.definition as { widgets: { definition: { requests: unknown[] } }[] };
    room.widgets[0]!.definition.requests = [];

    const result = await applyDashboardPlan(apis, await plan(broken), { prune: false });

    expect(result.failed.map((item) => item.error)).toEqual(['400: widgets[1].definition.widgets[0].definition.requests must not be empty']);
    expect(fake.dashboards.dashboards.size).toBe(0);
  });

  it('pages through many dashboards', async () => {
    for (let index = 0; index < 150; index++) fake.dashboards.seed({ title: `team ${index}` });
    await applyDashboardPlan(apis, await plan(), { prune: false });

    const again = await plan();

    expect(again.entries.map((entry) => entry.action)).toEqual(['unchanged']);
    expect(fake.requests.filter((request) => request.method === 'GET' && request.path === '/api/v1/dashboard')).toHaveLength(4);
  });
});
