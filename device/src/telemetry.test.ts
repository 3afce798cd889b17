import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliResult, buildTestBundle, runCli, writeTestConfig } from './testing/collector-cli';
import {
  type FakeDogStatsD,
  type FakeTraceAgent,
  type ReceivedSpan,
  startFakeDogStatsD,
  startFakeTraceAgent,
} from './testing/fake-agent';
import { type FakeIngest, startFakeIngest } from './testing/fake-ingest';
import { closedPort } from './testing/closed-port';

// dd-trace initialises once per process, so every case runs the real CLI bundle as a child.
let bundle: string;
beforeAll(async () => {
  bundle = await buildTestBundle();
});

let ingest: FakeIngest;
beforeEach(async () => {
  ingest = await startFakeIngest();
});
afterEach(async () => {
  await ingest.close();
});

const SENSORS = [
  { id: 'kitchen', room: 'Living Room', type: 'dht22', driver: 'fake' },
  // A DHT11 reads 0-50 °C, so every sample of 60 °C is rejected as out of range.
  { id: 'garage', room: 'Garage', type: 'dht11', driver: 'fake', fake: { temperature: 60, humidity: 40 } },
];

function collectorConfig(datadog: Record<string, unknown>) {
  return writeTestConfig({
    deviceId: 'pi-test',
    endpoint: ingest.endpoint,
    apiKey: 'test-key',
    stateDir: join(mkdtempSync(join(tmpdir(), 'hometemp-telemetry-')), 'state'),
    sensors: SENSORS,
    datadog: { agentHost: '127.0.0.1', ...datadog },
  });
}

const logLines = (result: CliResult) =>
  result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

describe('collector telemetry with an Agent', () => {
  let agent: FakeTraceAgent;
  let statsd: FakeDogStatsD;
  let result: CliResult;
  let spans: ReceivedSpan[];

  beforeEach(async () => {
    agent = await startFakeTraceAgent();
    statsd = await startFakeDogStatsD();
    const config = collectorConfig({ traceAgentPort: agent.port, dogstatsdPort: statsd.port, tracing: true });
    result = await runCli(bundle, ['run', '--config', config], { exitWithinMs: 20_000 });
    spans = agent.spans;
  });
  afterEach(async () => {
    await agent.close();
    await statsd.close();
  });

  it('sends the run, read and POST spans', () => {
    const summary = spans.map((span) => `${span.name} ${span.resource}`).sort();

    expect(result.code).toBe(1);
    expect(summary).toEqual([
      'collector.run pi-test',
      'http.request POST /heartbeats',
      'http.request POST /readings',
      'sensor.read garage',
      'sensor.read kitchen',
    ]);
    expect(agent.requests).toContain('PUT /v0.4/traces');
  });

  it('nests every span under the run span', () => {
    const root = spans.find((span) => span.name === 'collector.run')!;
    const children = spans.filter((span) => span !== root);

    expect(root.parent_id).toBe(0n);
    expect(children).toHaveLength(4);
    for (const child of children) {
      expect(child.trace_id).toBe(root.trace_id);
      expect(child.parent_id).toBe(root.span_id);
      expect(child.service).toBe('hometemp-collector');
    }
  });

  it('tags spans with device, sensor and status', () => {
    const root = spans.find((span) => span.name === 'collector.run')!;
    const garage = spans.find((span) => span.resource === 'garage')!;
    const readings = spans.find((span) => span.resource === 'POST /readings')!;

    expect(root.meta.device).toBe('pi-test');
    expect(root.meta.version).toBe('0.1.0');
    expect(garage.meta.sensor).toBe('garage');
    expect(garage.meta.room).toBe('Garage');
    expect(garage.meta['sensor.status']).toBe('rejected');
    expect(readings.meta['http.method']).toBe('POST');
    expect(readings.meta['http.url']).toBe(`${ingest.endpoint}/readings`);
    expect(readings.meta['http.status_code']).toBe('200');
  });

  it('sends the trace context to ingest', () => {
    const root = spans.find((span) => span.name === 'collector.run')!;
    const posts = ['/readings', '/heartbeats'].map((path) => ({
      span: spans.find((span) => span.resource === `POST ${path}`)!,
      request: ingest.requests.find((request) => request.path === path)!,
    }));

    for (const { span, request } of posts) {
      expect(request.headers['x-datadog-trace-id']).toBe(root.trace_id.toString());
      expect(request.headers['x-datadog-parent-id']).toBe(span.span_id.toString());
      // W3C: 128-bit trace id (the low 64 bits are Datadog's), then the POST span as parent.
      const traceparent = String(request.headers.traceparent);
      expect(traceparent.slice(19, 35)).toBe(root.trace_id.toString(16).padStart(16, '0'));
      expect(traceparent.slice(36, 52)).toBe(span.span_id.toString(16).padStart(16, '0'));
      expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    }
  });

  it('sends the DogStatsD metrics of docs/metrics.md', async () => {
    await statsd.received(4);
    const lines = statsd.metrics.map((metric) =>
      metric.name === 'hometemp.collector.run_duration'
        ? `${metric.name}|${metric.type}|${metric.tags.join(',')}`
        : `${metric.name}:${metric.value}|${metric.type}|${metric.tags.join(',')}`,
    );

    expect(statsd.invalid).toEqual([]);
    expect(lines.sort()).toEqual([
      'hometemp.collector.readings_sent:1|c|device:pi-test,sensor:kitchen,room:living_room',
      'hometemp.collector.rejections:3|c|device:pi-test,sensor:garage,room:garage,reason:out_of_range',
      'hometemp.collector.run_duration|d|device:pi-test',
      'hometemp.collector.spool_depth:0|g|device:pi-test',
    ]);
  });

  it('logs the run id and trace id', () => {
    const root = spans.find((span) => span.name === 'collector.run')!;
    const lines = logLines(result);
    const runIds = new Set(lines.map((line) => line.run_id));

    expect(lines.map((line) => line.message)).toEqual(['sensor read', 'sensor gave no usable reading', 'run finished']);
    expect(runIds.size).toBe(1);
    for (const line of lines) expect(line.trace_id).toBe(root.trace_id.toString());
  });
});

describe('collector telemetry without an Agent', () => {
  it('exits by itself when no Agent listens', async () => {
    const port = await closedPort();
    const config = collectorConfig({ traceAgentPort: port, dogstatsdPort: port, tracing: true });

    const result = await runCli(bundle, ['run', '--config', config], { exitWithinMs: 10_000 });

    expect(result.code).toBe(1);
    expect(ingest.stored.size).toBe(1);
    expect(ingest.heartbeats.map((heartbeat) => heartbeat.outcome)).toEqual(['partial']);
    expect(ingest.requests[0]?.headers['x-datadog-trace-id']).toMatch(/^\d+$/);
  });

  it('skips the tracer when no Agent is named', async () => {
    const config = writeTestConfig({
      deviceId: 'pi-test',
      endpoint: ingest.endpoint,
      apiKey: 'test-key',
      stateDir: join(mkdtempSync(join(tmpdir(), 'hometemp-telemetry-')), 'state'),
      sensors: SENSORS,
    });

    const result = await runCli(bundle, ['run', '--config', config], { exitWithinMs: 10_000 });

    expect(result.code).toBe(1);
    expect(ingest.requests.map((request) => request.headers.traceparent)).toEqual([undefined, undefined]);
  });

  it('sends no trace headers with tracing off', async () => {
    const config = collectorConfig({ tracing: false, dogstatsdPort: await closedPort() });

    const result = await runCli(bundle, ['run', '--config', config], { exitWithinMs: 10_000 });

    expect(result.code).toBe(1);
    expect(ingest.requests.map((request) => request.headers['x-datadog-trace-id'])).toEqual([undefined, undefined]);
    expect(logLines(result).every((line) => line.trace_id === undefined)).toBe(true);
  });
});
