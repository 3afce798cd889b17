import { loadExampleSite } from '../fixtures/load';
import { checkDefinitions, distributionsWithModifier, parseQuery } from './checks';
import { generateMonitors } from './definitions/generate';
import type { MonitorDefinition } from './definitions/types';

const site = loadExampleSite();
const hot = () => structuredClone(generateMonitors(site).find((monitor) => monitor.key === 'room-attic-too-hot')!);
const silent = () => structuredClone(generateMonitors(site).find((monitor) => monitor.key === 'sensor-silent')!);

describe('parseQuery', () => {
  it('reads window, comparator and threshold', () => {
    expect(parseQuery('min(last_3h):avg:hometemp.humidity{room:attic AND device IN (pi-attic)} by {sensor} >= 85')).toEqual({
      windowMinutes: 180,
      comparator: '>=',
      threshold: 85,
    });
  });
});

describe('distributionsWithModifier', () => {
  it('finds as_count on hometemp and enhanced Lambda metrics', () => {
    expect(distributionsWithModifier('sum(last_1h):sum:hometemp.ingest.readings{outcome:rejected} by {device}.as_count() >= 8')).toEqual(['hometemp.ingest.readings']);
    expect(distributionsWithModifier('sum(last_15m):sum:aws.lambda.enhanced.errors{functionname:f}.as_rate() >= 5')).toEqual(['aws.lambda.enhanced.errors']);
  });

  it('accepts as_count on APM and CloudWatch counts', () => {
    expect(distributionsWithModifier('sum(last_15m):sum:trace.hono.request.errors{service:f}.as_count() / sum:trace.hono.request.hits{service:f}.as_count() >= 0.05')).toEqual([]);
    expect(distributionsWithModifier('sum(last_15m):sum:aws.lambda.throttles{functionname:f}.as_count() >= 10')).toEqual([]);
  });
});

describe('checkDefinitions', () => {
  it.each<[string, () => MonitorDefinition, string, string]>([
    [
      'critical differs from the query',
      () => { const m = hot(); m.options.thresholds.critical = 41; return m; },
      'options.thresholds.critical',
      'is 41 but the query compares with 40; they must be equal',
    ],
    [
      'critical missing',
      () => { const m = hot(); delete (m.options.thresholds as { critical?: number }).critical; return m; },
      'options.thresholds.critical',
      'is missing; every monitor needs a critical threshold',
    ],
    [
      'warning past critical when too hot',
      () => { const m = hot(); m.options.thresholds.warning = 42; m.options.thresholds.warningRecovery = 41; return m; },
      'options.thresholds.warning',
      'is 42; with ">=" it must be below the critical 40',
    ],
    [
      'recovery past critical',
      () => { const m = hot(); m.options.thresholds.criticalRecovery = 40; return m; },
      'options.thresholds.criticalRecovery',
      'is 40; with ">=" it must be below the critical 40',
    ],
    [
      'a window shorter than two intervals',
      () => { const m = silent(); m.query = m.query.replace('last_1h', 'last_20m'); return m; },
      'query',
      'evaluates the last 20 minutes, which holds fewer than 2 readings at one every 15 minutes; use at least 30 minutes',
    ],
    [
      'a no-data timeframe shorter than the gaps',
      () => { const m = silent(); m.options.noDataTimeframe = 30; return m; },
      'options.noDataTimeframe',
      'is 30 minutes; it must cover the 60-minute window and at least 3 collection intervals (45 minutes), or normal gaps between readings raise no-data alerts',
    ],
    [
      'a full window required',
      () => { const m = silent(); m.options.requireFullWindow = true; return m; },
      'options.requireFullWindow',
      'is true, but readings arrive only every 15 minutes, so a full window would rarely exist; set it to false',
    ],
    [
      'no managed tag',
      () => { const m = hot(); m.tags = m.tags.filter((tag) => tag !== 'managed-by:hometemp'); return m; },
      'tags',
      'must contain managed-by:hometemp',
    ],
    [
      'no recovery section',
      () => { const m = hot(); m.message = m.message.replace(/\{\{#is_recovery\}\}.*\{\{\/is_recovery\}\}/s, ''); return m; },
      'message',
      'has no {{#is_recovery}} section',
    ],
    [
      'as_count on a distribution',
      () => { const m = hot(); m.query = m.query.replace('by {sensor}', 'by {sensor}.as_count()'); return m; },
      'query',
      'applies .as_count() or .as_rate() to the distribution metric hometemp.temperature; these modifiers apply to count and rate metrics only, so remove it',
    ],
  ])('reports %s', (_case, build, field, message) => {
    const definition = build();

    expect(checkDefinitions([definition], 15)).toEqual([{ monitor: definition.name, field, message }]);
  });

  it('reports the warning side for too cold', () => {
    const cold = structuredClone(generateMonitors(site).find((monitor) => monitor.key === 'room-attic-too-cold')!);
    cold.options.thresholds.warning = 1;
    cold.options.thresholds.warningRecovery = 2;

    expect(checkDefinitions([cold], 15)).toEqual([
      { monitor: '[home] Attic is too cold', field: 'options.thresholds.warning', message: 'is 1; with "<=" it must be above the critical 2' },
    ]);
  });

  it('reports every problem together', () => {
    const broken = hot();
    broken.options.thresholds.critical = 41;
    broken.options.thresholds.warning = 45;

    expect(checkDefinitions([broken, broken], 15).map((problem) => problem.field)).toEqual([
      'options.thresholds.critical',
      'options.thresholds.warning',
      'key',
      'name',
      'options.thresholds.critical',
      'options.thresholds.warning',
    ]);
  });
});
