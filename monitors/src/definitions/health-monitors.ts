import type { Site, SiteDevice } from '../../../core/src/index';
import { buildMessage } from './messages';
import { baseTags, deviceFilter } from './sensor-monitors';
import { allOf, toTagValue, windowOf } from './tags';
import type { Cadence, GeneratorOptions, MonitorDefinition, MonitorOptionsDefinition } from './types';

// Lambda metrics from the AWS integration reach Datadog through CloudWatch about 10-15 minutes
// late; evaluating them without a delay would see an empty, healthy-looking window.
const CLOUDWATCH_DELAY_SECONDS = 900;

interface HealthSpec {
  key: string;
  name: string;
  query: string;
  critical: number;
  warning: number;
  cadence: Cadence;
  service: string;
  alert: string;
  warningText: string;
  recovery: string;
  runbook: string;
  evaluationDelay?: number;
}

function healthMonitor(site: Site, options: GeneratorOptions, spec: HealthSpec): MonitorDefinition {
  const monitorOptions: MonitorOptionsDefinition = {
    thresholds: { critical: spec.critical, warning: spec.warning },
    notifyNoData: false,
    requireFullWindow: false,
    renotifyInterval: options.renotifyMinutes,
    renotifyStatuses: ['alert'],
    evaluationDelay: spec.evaluationDelay ?? 0,
    includeTags: true,
    notifyAudit: false,
  };

  return {
    key: spec.key,
    name: `[${site.name}] ${spec.name}`,
    type: 'query alert',
    query: `${spec.query} >= ${spec.critical}`,
    message: buildMessage(site, {
      alert: spec.alert,
      warning: spec.warningText,
      recovery: spec.recovery,
      runbook: spec.runbook,
    }),
    tags: baseTags(site, spec.key, spec.service),
    priority: 3,
    cadence: spec.cadence,
    options: monitorOptions,
  };
}

/**
 * Readings piling up in one Pi's spool for at least two hours: a warning at an hour of readings
 * and critical at a day, counting one reading per sensor of that Pi and run. The depth comes
 * only with the heartbeat, so this monitor catches a spool that grows while heartbeats still get
 * through (ingest rejecting batches). A Pi that cannot reach ingest at all alerts as silent.
 */
function spoolSpec(site: Site, device: SiteDevice): HealthSpec {
  const interval = site.collectionIntervalMinutes;
  const sensors = device.sensors.length;
  const hour = Math.round(60 / interval) * sensors;
  const day = Math.round((24 * 60) / interval) * sensors;
  const id = toTagValue(device.id);

  return {
    key: `collector-spool-growing-${id}`,
    name: `Readings pile up in the spool of Pi ${device.id}`,
    query: `min(${windowOf(Math.max(120, 2 * interval))}):max:hometemp.heartbeat.spool_depth{device:${id}} by {device}`,
    critical: day,
    warning: hour,
    cadence: 'collector',
    service: 'hometemp-collector',
    alert: `Pi ${device.id} contains {{value}} unsent readings, more than a day's worth (${day} for ${sensors} sensor(s)).`,
    warningText: `Pi ${device.id} contains {{value}} unsent readings, more than an hour's worth (${hour} for ${sensors} sensor(s)).`,
    recovery: `Pi ${device.id} is delivering its spool again ({{value}} readings waiting).`,
    runbook: 'Heartbeats get through but readings do not: check the ingest rejections for this Pi and the collector log.',
  };
}

/**
 * Collector health from the heartbeat metrics, over four collection intervals: read failures
 * and failed runs count runs (one point per run).
 */
function collectorSpecs(site: Site): HealthSpec[] {
  const interval = site.collectionIntervalMinutes;
  const window = windowOf(4 * interval);
  const devices = deviceFilter(site);

  return [
    {
      key: 'collector-read-failures',
      name: 'Sensor {{sensor.name}} fails its reads',
      query: `sum(${window}):sum:hometemp.heartbeat.sensor_status{${allOf(devices, 'status:read_failed')}} by {device,sensor,room}`,
      critical: 3,
      warning: 2,
      cadence: 'collector',
      service: 'hometemp-collector',
      alert: 'Sensor {{sensor.name}} in {{room.name}} failed {{value}} of the last 4 runs on Pi {{device.name}}.',
      warningText: 'Sensor {{sensor.name}} in {{room.name}} failed {{value}} of the last 4 runs on Pi {{device.name}}.',
      recovery: 'Sensor {{sensor.name}} in {{room.name}} reads again ({{value}} failed runs).',
      runbook: 'A DHT sensor that keeps failing needs its wiring, pull-up resistor or 3.3 V supply checked.',
    },
    {
      key: 'collector-runs-failing',
      name: 'Collector runs fail on Pi {{device.name}}',
      query: `sum(${window}):sum:hometemp.heartbeat.runs{${allOf(devices, 'outcome:failed')}} by {device}`,
      critical: 3,
      warning: 2,
      cadence: 'collector',
      service: 'hometemp-collector',
      alert: '{{value}} of the last 4 collector runs failed on Pi {{device.name}}.',
      warningText: '{{value}} of the last 4 collector runs failed on Pi {{device.name}}.',
      recovery: 'Collector runs on Pi {{device.name}} succeed again.',
      runbook: 'Read the collector log on the Pi: `journalctl -u hometemp-collector`.',
    },
    ...site.devices.map((device) => spoolSpec(site, device)),
  ];
}

function ingestSpecs(site: Site, options: GeneratorOptions): HealthSpec[] {
  const fn = `functionname:${options.ingestFunctionName}`;
  const devices = deviceFilter(site);

  return [
    {
      key: 'ingest-rejections',
      name: 'Ingest rejects readings from Pi {{device.name}}',
      query: `sum(last_1h):sum:hometemp.ingest.readings{${allOf(devices, 'outcome:rejected')}} by {device}`,
      critical: 8,
      warning: 1,
      cadence: 'service',
      service: 'hometemp-ingest',
      alert: 'Ingest rejected {{value}} readings from Pi {{device.name}} in the last hour.',
      warningText: 'Ingest rejected {{value}} readings from Pi {{device.name}} in the last hour.',
      recovery: 'Ingest accepts the readings of Pi {{device.name}} again.',
      runbook: 'The `reason` tag of `hometemp.ingest.readings` says why; a collector and ingest on different contract versions is the usual cause.',
    },
    {
      key: 'ingest-errors',
      name: 'Ingest cannot store readings',
      // NOTE: ingest tags this metric with route and outcome only, so it counts every ingest
      // deployment in the organization; a functionname or site tag from ingest would scope it.
      query: 'sum(last_15m):sum:hometemp.ingest.requests{outcome:unavailable}',
      critical: 5,
      warning: 1,
      cadence: 'service',
      service: 'hometemp-ingest',
      alert: 'Ingest answered {{value}} requests with 503 in the last 15 minutes: DynamoDB did not accept the writes.',
      warningText: 'Ingest answered {{value}} requests with 503 in the last 15 minutes.',
      recovery: 'Ingest stores readings again.',
      runbook: 'Collectors keep unsent readings in their spool; check DynamoDB throttling and the Lambda log.',
    },
    {
      key: 'ingest-lambda-errors',
      name: 'Ingest Lambda invocations fail',
      query: `sum(last_15m):sum:aws.lambda.enhanced.errors{${fn}}`,
      critical: 5,
      warning: 1,
      cadence: 'service',
      service: 'hometemp-ingest',
      alert: 'The ingest Lambda failed {{value}} invocations in the last 15 minutes.',
      warningText: 'The ingest Lambda failed {{value}} invocations in the last 15 minutes.',
      recovery: 'The ingest Lambda runs without errors again.',
      runbook: 'Open the Lambda\'s traces in APM (service hometemp-ingest).',
    },
    {
      key: 'ingest-lambda-throttles',
      name: 'Ingest Lambda is throttled',
      query: `sum(last_15m):sum:aws.lambda.throttles{${fn}}.as_count()`,
      critical: 10,
      warning: 1,
      cadence: 'service',
      service: 'hometemp-ingest',
      evaluationDelay: CLOUDWATCH_DELAY_SECONDS,
      alert: 'AWS throttled {{value}} ingest invocations in the last 15 minutes.',
      warningText: 'AWS throttled {{value}} ingest invocations in the last 15 minutes.',
      recovery: 'The ingest Lambda is no longer throttled.',
      runbook: 'Check the account\'s concurrency limit and the function\'s reserved concurrency.',
    },
    {
      key: 'ingest-latency',
      name: 'Ingest Lambda is slow',
      query: `avg(last_15m):p95:aws.lambda.enhanced.duration{${fn}}`,
      critical: 3,
      warning: 1,
      cadence: 'service',
      service: 'hometemp-ingest',
      alert: 'The 95th percentile of ingest invocations took {{value}} s over 15 minutes.',
      warningText: 'The 95th percentile of ingest invocations took {{value}} s over 15 minutes.',
      recovery: 'Ingest invocations are fast again ({{value}} s).',
      runbook: 'Slow DynamoDB writes or cold starts: compare with `aws.lambda.enhanced.init_duration`.',
    },
  ];
}

/**
 * Frontend errors and latency from its APM trace metrics, which Datadog names after the span:
 * `trace.<span>.errors`, `trace.<span>.hits` and the latency distribution `trace.<span>`.
 */
function frontendSpecs(options: GeneratorOptions): HealthSpec[] {
  const scope = `{${allOf(`service:${options.frontendService}`, ...(options.env === undefined ? [] : [`env:${options.env}`]))}}`;
  const span = `trace.${options.frontendSpanName}`;

  return [
    {
      key: 'frontend-error-rate',
      name: 'Frontend requests fail',
      query: `sum(last_15m):sum:${span}.errors${scope}.as_count() / sum:${span}.hits${scope}.as_count()`,
      critical: 0.05,
      warning: 0.01,
      cadence: 'service',
      service: options.frontendService,
      alert: 'The frontend failed {{value}} of its requests (as a fraction) in the last 15 minutes.',
      warningText: 'The frontend failed {{value}} of its requests (as a fraction) in the last 15 minutes.',
      recovery: 'Frontend requests succeed again.',
      runbook: 'Open the failing traces in APM (service hometemp-frontend).',
    },
    {
      key: 'frontend-latency',
      name: 'Frontend is slow',
      query: `avg(last_15m):p95:${span}${scope}`,
      critical: 2,
      warning: 1,
      cadence: 'service',
      service: options.frontendService,
      alert: 'The 95th percentile of frontend requests took {{value}} s over 15 minutes.',
      warningText: 'The 95th percentile of frontend requests took {{value}} s over 15 minutes.',
      recovery: 'Frontend requests are fast again ({{value}} s).',
      runbook: 'Long chart ranges should be served from the hourly and daily aggregates.',
    },
  ];
}

/** Collector, ingest and frontend health monitors. */
export function healthMonitors(site: Site, options: GeneratorOptions): MonitorDefinition[] {
  return [...collectorSpecs(site), ...ingestSpecs(site, options), ...frontendSpecs(options)].map((spec) =>
    healthMonitor(site, options, spec),
  );
}
