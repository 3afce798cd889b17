import { loadExampleSite } from '../../fixtures/load';
import { checkDefinitions } from '../checks';
import { generateMonitors } from './generate';

const site = loadExampleSite();
const monitors = generateMonitors(site);
const byKey = (key: string) => {
  const monitor = monitors.find((candidate) => candidate.key === key);
  if (!monitor) throw new Error(`no monitor ${key}`);
  return monitor;
};

describe('generateMonitors', () => {
  it('declares one monitor per concern and room', () => {
    expect(monitors.map((monitor) => monitor.key)).toEqual([
      'pi-silent',
      'sensor-silent',
      'room-living_room-too-hot',
      'room-living_room-too-cold',
      'room-living_room-too-humid',
      'room-bedroom-too-hot',
      'room-bedroom-too-cold',
      'room-bedroom-too-humid',
      'room-attic-too-hot',
      'room-attic-too-cold',
      'room-attic-too-humid',
      'collector-read-failures',
      'collector-runs-failing',
      'collector-spool-growing-pi-living',
      'collector-spool-growing-pi-bedroom',
      'collector-spool-growing-pi-attic',
      'ingest-rejections',
      'ingest-errors',
      'ingest-lambda-errors',
      'ingest-lambda-throttles',
      'ingest-latency',
      'frontend-error-rate',
      'frontend-latency',
    ]);
  });

  it('passes every local check', () => {
    expect(checkDefinitions(monitors, site.collectionIntervalMinutes)).toEqual([]);
  });

  it('sizes the silent-sensor monitor to the interval', () => {
    const monitor = byKey('sensor-silent');

    expect(monitor.query).toBe(
      'sum(last_1h):count:hometemp.temperature{device IN (pi-living,pi-bedroom,pi-attic)} by {device,sensor,room} < 0',
    );
    expect(monitor.options).toEqual({
      thresholds: { critical: 0 },
      notifyNoData: true,
      noDataTimeframe: 60,
      requireFullWindow: false,
      renotifyInterval: 0,
      evaluationDelay: 0,
      includeTags: true,
      notifyAudit: false,
      newGroupDelay: 0,
    });
    expect(monitor.name).toBe(
      '[home] Sensor {{sensor.name}} in {{room.name}} sent no reading for 60 minutes (4 collection intervals)',
    );
  });

  it('alerts on silence through no-data only', () => {
    for (const key of ['pi-silent', 'sensor-silent']) {
      const monitor = byKey(key);
      expect(monitor.query.endsWith(' < 0')).toBe(true);
      expect(monitor.options.notifyNoData).toBe(true);
      expect(monitor.message).not.toContain('{{#is_alert}}');
      expect(monitor.message).toContain('{{#is_no_data}}');
    }
  });

  it('counts distributions without as_count', () => {
    expect(byKey('collector-read-failures').query).toBe(
      'sum(last_1h):sum:hometemp.heartbeat.sensor_status{device IN (pi-living,pi-bedroom,pi-attic) AND status:read_failed} by {device,sensor,room} >= 3',
    );
    expect(byKey('ingest-rejections').query).toBe(
      'sum(last_1h):sum:hometemp.ingest.readings{device IN (pi-living,pi-bedroom,pi-attic) AND outcome:rejected} by {device} >= 8',
    );
    expect(byKey('ingest-errors').query).toBe('sum(last_15m):sum:hometemp.ingest.requests{outcome:unavailable} >= 5');
    expect(byKey('ingest-lambda-throttles').query).toBe('sum(last_15m):sum:aws.lambda.throttles{functionname:hometemp-ingest}.as_count() >= 10');
  });

  it('watches heartbeats for a silent Pi', () => {
    expect(byKey('pi-silent').query).toBe(
      'sum(last_1h):sum:hometemp.heartbeat.runs{device IN (pi-living,pi-bedroom,pi-attic)} by {device} < 0',
    );
  });

  it('alerts on temperature only when every reading is past', () => {
    const window = generateMonitors({ ...site, collectionIntervalMinutes: 10 });
    const hot = window.find((monitor) => monitor.key === 'room-attic-too-hot')!;

    expect(hot.query).toBe('min(last_30m):avg:hometemp.temperature{room:attic AND device IN (pi-attic)} by {sensor} >= 40');
  });

  it('keeps the warning on the right side per direction', () => {
    const hot = byKey('room-living_room-too-hot');
    const cold = byKey('room-living_room-too-cold');

    expect(hot.query).toBe('min(last_45m):avg:hometemp.temperature{room:living_room AND device IN (pi-living)} by {sensor} >= 29');
    expect(hot.options.thresholds).toEqual({ critical: 29, warning: 26, criticalRecovery: 28, warningRecovery: 25 });
    expect(cold.query).toBe('max(last_45m):avg:hometemp.temperature{room:living_room AND device IN (pi-living)} by {sensor} <= 14');
    expect(cold.options.thresholds).toEqual({ critical: 14, warning: 17, criticalRecovery: 15, warningRecovery: 18 });
    expect(hot.options.renotifyInterval).toBe(120);
    expect(hot.options.renotifyStatuses).toEqual(['alert']);
  });

  it('requires humidity to stay high for hours', () => {
    expect(byKey('room-attic-too-humid').query).toBe(
      'min(last_6h):avg:hometemp.humidity{room:attic AND device IN (pi-attic)} by {sensor} >= 85',
    );
  });

  it('routes critical and warning to their channels', () => {
    expect(byKey('room-bedroom-too-cold').message).toBe(
      [
        '{{#is_alert}}Bedroom is at or below the critical 13 °C on sensor {{sensor.name}}; the highest recent reading was {{value}} °C.',
        'Every reading of the last 3 collection intervals was past the threshold. @slack-hometemp-critical{{/is_alert}}',
        '{{#is_warning}}Bedroom is at or below the warning 16 °C on sensor {{sensor.name}}; the highest recent reading was {{value}} °C.',
        'Every reading of the last 3 collection intervals was past the threshold. @slack-hometemp-warning{{/is_warning}}',
        '{{#is_recovery}}Bedroom is back to {{value}} °C on sensor {{sensor.name}}. @slack-hometemp-critical @slack-hometemp-warning{{/is_recovery}}',
      ].join('\n'),
    );
  });

  it('tags ownership, site, service and room', () => {
    expect(byKey('room-attic-too-hot').tags).toEqual([
      'managed-by:hometemp',
      'hometemp-id:room-attic-too-hot',
      'site:home',
      'service:hometemp-ingest',
      'team:home',
      'room:attic',
    ]);
  });

  it('uses the Lambda and APM metric names', () => {
    expect(byKey('ingest-lambda-errors').query).toBe(
      'sum(last_15m):sum:aws.lambda.enhanced.errors{functionname:hometemp-ingest} >= 5',
    );
    expect(byKey('ingest-lambda-throttles').options.evaluationDelay).toBe(900);
    expect(byKey('frontend-error-rate').query).toBe(
      'sum(last_15m):sum:trace.hono.request.errors{service:hometemp-frontend}.as_count() / sum:trace.hono.request.hits{service:hometemp-frontend}.as_count() >= 0.05',
    );
    expect(byKey('frontend-latency').query).toBe('avg(last_15m):p95:trace.hono.request{service:hometemp-frontend} >= 2');
  });

  it('scopes rooms and collectors by the site devices', () => {
    const cabin = generateMonitors({
      ...site,
      name: 'cabin',
      devices: [{ id: 'cabin-pi', sensors: [{ id: 'cabin-dht22', type: 'dht22', room: 'Living room' }] }],
    });
    const hot = cabin.find((monitor) => monitor.key === 'room-living_room-too-hot')!;
    const failing = cabin.find((monitor) => monitor.key === 'collector-runs-failing')!;

    expect(hot.query).toBe('min(last_45m):avg:hometemp.temperature{room:living_room AND device IN (cabin-pi)} by {sensor} >= 29');
    expect(failing.query).toBe('sum(last_1h):sum:hometemp.heartbeat.runs{device IN (cabin-pi) AND outcome:failed} by {device} >= 3');
  });

  it('sizes spool thresholds by sensor count', () => {
    const twoSensors = generateMonitors({
      ...site,
      devices: [
        ...site.devices.slice(0, 2),
        { id: 'pi-attic', sensors: [site.devices[2]!.sensors[0]!, { id: 'attic-dht22', type: 'dht22', room: 'Attic' }] },
      ],
    });
    const spool = twoSensors.find((monitor) => monitor.key === 'collector-spool-growing-pi-attic')!;

    expect(spool.query).toBe('min(last_2h):max:hometemp.heartbeat.spool_depth{device:pi-attic} by {device} >= 192');
    expect(spool.options.thresholds).toEqual({ critical: 192, warning: 8 });
    expect(spool.name).toBe('[home] Readings pile up in the spool of Pi pi-attic');
  });

  it('keeps spool warning below critical at 60 minutes', () => {
    const hourly = generateMonitors({ ...site, collectionIntervalMinutes: 60 });
    const spool = hourly.find((monitor) => monitor.key === 'collector-spool-growing-pi-living')!;

    expect(spool.options.thresholds).toEqual({ critical: 24, warning: 1 });
  });

  it('scopes ingest and frontend by the deployment', () => {
    const deployed = generateMonitors({ ...site, deployment: { ingestFunctionName: 'cabin-ingest', frontendService: 'cabin-frontend', env: 'prod' } });
    const query = (key: string) => deployed.find((monitor) => monitor.key === key)!.query;

    expect(query('ingest-lambda-errors')).toBe('sum(last_15m):sum:aws.lambda.enhanced.errors{functionname:cabin-ingest} >= 5');
    expect(query('frontend-latency')).toBe('avg(last_15m):p95:trace.hono.request{service:cabin-frontend AND env:prod} >= 2');
  });

  it('passes local checks at 60 minutes', () => {
    const slow = generateMonitors({ ...site, collectionIntervalMinutes: 60 });

    expect(checkDefinitions(slow, 60)).toEqual([]);
  });

  it('scales windows with a 5-minute interval', () => {
    const fast = generateMonitors({ ...site, collectionIntervalMinutes: 5 });
    const silent = fast.find((monitor) => monitor.key === 'sensor-silent')!;

    expect(silent.query.startsWith('sum(last_20m):')).toBe(true);
    expect(silent.options.noDataTimeframe).toBe(20);
    expect(checkDefinitions(fast, 5)).toEqual([]);
  });
});
