import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createLogger, readingId } from '../../core/src/index';
import type { Clock } from './clock';
import { parseConfig } from './config';
import type { SensorDriver } from './drivers/driver';
import { createFakeDriver } from './drivers/fake';
import { runCollector } from './run';
import { type Metrics, noMetrics, noTracing } from './telemetry';
import { type FakeIngest, startFakeIngest } from './testing/fake-ingest';

let ingest: FakeIngest;
beforeEach(async () => {
  ingest = await startFakeIngest();
});
afterEach(async () => {
  await ingest.close();
});

const silent = createLogger({ service: 'device', level: 'silent' });
const NOW = Date.UTC(2026, 5, 1, 12);

function makeConfig(overrides: Record<string, unknown> = {}) {
  const text = JSON.stringify({
    deviceId: 'pi-attic',
    endpoint: ingest.endpoint,
    apiKey: 'test-key',
    stateDir: mkdtempSync(join(tmpdir(), 'hometemp-run-')),
    sensors: [{ id: 'kitchen', room: 'Kitchen', type: 'dht22', driver: 'fake' }],
    delivery: { timeoutSeconds: 1, retries: 3, batchSize: 100 },
    deadlineSeconds: 20,
    ...overrides,
  });
  return parseConfig(text, { source: 'test.json', env: {} });
}

const clock: Clock = { now: () => NOW, uptimeMs: () => 60_000, bootId: () => 'boot-1', synchronised: () => undefined };

const run = (config: ReturnType<typeof makeConfig>, metrics: Metrics = noMetrics) =>
  runCollector({
    config, logger: silent, clock, tracing: noTracing, metrics, version: '0.1.0',
    drivers: new Map<string, SensorDriver | Error>([
      ['kitchen', createFakeDriver({ temperature: 21, humidity: 40, valid: true })],
    ]),
    sleep: async () => {}, random: () => 0.5,
  });

const spooled = (sensorId: string, deviceId = 'pi-attic') => ({
  deviceId, sensorId, room: 'Attic', takenAt: '2026-06-01T11:00:00.000Z', temperature: 18, humidity: 55,
});

const readLines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line));

describe('runCollector delivery', () => {
  it('keeps the spool when the endpoint is not ingest', async () => {
    const config = makeConfig({ endpoint: `${ingest.endpoint}/prod` });

    const report = await run(config);

    expect(report.exitCode).toBe(1);
    expect(report.heartbeat.spool.depth).toBe(1);
    expect(report.problems[0]).toBe(
      `delivery stopped: ${ingest.endpoint}/prod/readings is not ingest's readings route (HTTP 404: Not Found); check endpoint`,
    );
    expect(existsSync(join(config.stateDir, 'rejected.jsonl'))).toBe(false);
  });

  it('stops at once on a Retry-After past the deadline', async () => {
    const config = makeConfig();
    ingest.script.push({ status: 429, headers: { 'retry-after': '3600' } });

    const report = await run(config);

    expect(report.exitCode).toBe(1);
    expect(report.problems[0]).toBe(
      'delivery stopped: ingest returned HTTP 429 with Retry-After 3600 s, past the run deadline; stopped after 1 try',
    );
    expect(ingest.requests.filter((request) => request.path === '/readings')).toHaveLength(1);
    expect(report.heartbeat.spool.depth).toBe(1);
  });

  it('stops the heartbeat on a long Retry-After', async () => {
    // Every POST, the heartbeat's too, gets 503 with a Retry-After far past the deadline.
    const busy = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '3600' });
        response.end('{"error":"busy"}');
      });
    });
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const config = makeConfig({
      endpoint: `http://127.0.0.1:${(busy.address() as AddressInfo).port}`, deadlineSeconds: 10,
    });

    try {
      const report = await runCollector({
        config, logger: silent, clock, tracing: noTracing, metrics: noMetrics, version: '0.1.0',
        drivers: new Map([['kitchen', createFakeDriver({ temperature: 21, humidity: 40, valid: true })]]),
      });

      expect(report.exitCode).toBe(1);
      expect(report.deadlineReached).toBe(false);
      expect(report.heartbeat.outcome).toBe('partial');
      expect(report.problems).toEqual([
        'delivery stopped: ingest returned HTTP 503 with Retry-After 3600 s, past the run deadline; stopped after 1 try',
        'heartbeat not delivered: ingest returned HTTP 503 with Retry-After 3600 s, past the run deadline; stopped after 1 try',
      ]);
      expect(readLines(join(config.stateDir, 'spool.jsonl'))).toHaveLength(1);
    } finally {
      busy.closeAllConnections();
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });

  it('sets aside spooled readings of another device', async () => {
    const config = makeConfig();
    writeFileSync(join(config.stateDir, 'spool.jsonl'), `${JSON.stringify(spooled('attic', 'pi-old'))}\n`);

    const report = await run(config);

    expect(report.exitCode).toBe(1);
    expect(report.heartbeat.outcome).toBe('partial');
    expect([...ingest.stored.values()].map((reading) => `${reading.deviceId} ${reading.sensorId}`)).toEqual([
      'pi-attic kitchen',
    ]);
    expect(report.problems).toEqual([
      `1 spool line set aside in ${config.stateDir}/rejected.jsonl, the first a reading of device "pi-old", not of the configured "pi-attic"`,
    ]);
    expect(readLines(join(config.stateDir, 'rejected.jsonl')).map((item) => item.reason)).toEqual([
      'a reading of device "pi-old", not of the configured "pi-attic"',
    ]);
  });

  it('sets aside spool lines that are not readings', async () => {
    const config = makeConfig();
    const yesterday = { ...spooled('attic'), takenAt: 'yesterday' };
    const lines = ['{}', 'null', JSON.stringify(yesterday), JSON.stringify(spooled('attic'))];
    writeFileSync(join(config.stateDir, 'spool.jsonl'), `${lines.join('\n')}\n`);

    const report = await run(config);

    expect(report.exitCode).toBe(1);
    expect(report.heartbeat.outcome).toBe('partial');
    expect(report.sent).toBe(2);
    expect(report.heartbeat.spool).toEqual({ depth: 0, dropped: 0 });
    const setAside = readLines(join(config.stateDir, 'rejected.jsonl'));
    expect(setAside.map((item) => item.line)).toEqual(['{}', 'null', JSON.stringify(yesterday)]);
    expect(setAside[0].reason).toBe('not a reading: deviceId: Invalid input: expected string, received undefined; sensorId: Invalid input: expected string, received undefined; room: Invalid input: expected string, received undefined');
    expect(setAside[2].reason).toBe('not a reading: takenAt: must be a UTC ISO 8601 time such as 2026-01-31T08:15:00Z');
  });

  it('ends a run with lines set aside as partial', async () => {
    const config = makeConfig();
    const lines = ['{}', 'null', JSON.stringify(spooled('attic', 'pi-old')), JSON.stringify(spooled('attic'))];
    writeFileSync(join(config.stateDir, 'spool.jsonl'), `${lines.join('\n')}\n{"deviceId":"pi-at`);
    const logLines: Array<Record<string, unknown>> = [];
    const logger = createLogger({
      service: 'device', level: 'info', destination: { write: (line: string) => logLines.push(JSON.parse(line)) },
    });

    const report = await runCollector({
      config, logger, clock, tracing: noTracing, metrics: noMetrics, version: '0.1.0',
      drivers: new Map([['kitchen', createFakeDriver({ temperature: 21, humidity: 40, valid: true })]]),
      sleep: async () => {}, random: () => 0.5,
    });

    expect(report.exitCode).toBe(1);
    expect(report.sent).toBe(2);
    expect(report.heartbeat.outcome).toBe('partial');
    expect(ingest.heartbeats.map((heartbeat) => heartbeat.outcome)).toEqual(['partial']);
    expect(report.problems).toEqual([
      `1 torn or unreadable spool line set aside in ${config.stateDir}/spool.jsonl.torn`,
      `3 spool lines set aside in ${config.stateDir}/rejected.jsonl, the first not a reading: deviceId: Invalid input: expected string, received undefined; sensorId: Invalid input: expected string, received undefined; room: Invalid input: expected string, received undefined`,
    ]);
    const finished = logLines.find((line) => line.message === 'run finished');
    expect(finished?.level).toBe('warn');
    expect(finished?.outcome).toBe('partial');
    expect(finished?.exit_code).toBe(1);
  });

  it('reports readings that ingest rejects', async () => {
    const config = makeConfig();
    const rejected = spooled('attic');
    writeFileSync(join(config.stateDir, 'spool.jsonl'), `${JSON.stringify(rejected)}\n`);
    ingest.rejectIds.set(readingId(rejected), 'out_of_range');
    const counts: string[] = [];
    const metrics: Metrics = {
      ...noMetrics,
      readingSent: (tags, count) => counts.push(`sent ${tags.sensor} ${count}`),
      rejectedByServer: (tags, count) => counts.push(`rejected_by_server ${tags.sensor} ${tags.room} ${count}`),
    };

    const report = await run(config, metrics);

    expect(report.exitCode).toBe(1);
    expect(report.heartbeat.outcome).toBe('partial');
    expect(report.rejectedByServer).toBe(1);
    expect(report.problems).toEqual([
      `ingest rejected 1 reading; moved to ${config.stateDir}/rejected.jsonl with the reasons`,
    ]);
    expect(counts).toEqual(['sent kitchen 1', 'rejected_by_server attic Attic 1']);
    expect(ingest.heartbeats.map((heartbeat) => heartbeat.delivery)).toEqual([{ sent: 1, rejectedByServer: 1 }]);
    expect(readLines(join(config.stateDir, 'rejected.jsonl')).map((item) => item.reason)).toEqual(['out_of_range']);
  });

  it('drops the oldest spooled readings past the cap', async () => {
    const config = makeConfig({ spool: { maxAgeDays: 30, maxReadings: 100 } });
    const lines = Array.from({ length: 101 }, (_, index) =>
      JSON.stringify({ ...spooled('attic'), takenAt: new Date(Date.UTC(2026, 5, 1, 10, 0, index)).toISOString() }));
    writeFileSync(join(config.stateDir, 'spool.jsonl'), `${lines.join('\n')}\n`);
    ingest.script.push({ status: 503 });

    const report = await run({ ...config, delivery: { ...config.delivery, retries: 0 } });

    expect(report.problems[0]).toBe('2 readings past the spool cap were dropped');
    expect(report.heartbeat.spool).toEqual({ depth: 100, dropped: 2 });
    const kept = readLines(join(config.stateDir, 'spool.jsonl'));
    expect(kept).toHaveLength(100);
    expect(kept[0].takenAt).toBe('2026-06-01T10:00:02.000Z');
    expect(kept.at(-1).sensorId).toBe('kitchen');
  });
});
