import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../core/src/index';
import type { Clock } from './clock';
import { parseConfig } from './config';
import type { SensorDriver } from './drivers/driver';
import { createFakeDriver } from './drivers/fake';
import { runCollector } from './run';
import { noMetrics, noTracing } from './telemetry';
import { type FakeIngest, startFakeIngest } from './testing/fake-ingest';

let ingest: FakeIngest;
beforeEach(async () => {
  ingest = await startFakeIngest();
});
afterEach(async () => {
  await ingest.close();
});

const silent = createLogger({ service: 'device', level: 'silent' });

function makeConfig(overrides: Record<string, unknown> = {}) {
  const text = JSON.stringify({
    deviceId: 'pi-test',
    endpoint: ingest.endpoint,
    apiKey: 'test-key',
    stateDir: mkdtempSync(join(tmpdir(), 'hometemp-run-')),
    sensors: [
      { id: 'kitchen', room: 'Kitchen', type: 'dht22', driver: 'fake' },
      { id: 'hall', room: 'Hall', type: 'dht22', driver: 'fake' },
    ],
    delivery: { timeoutSeconds: 1, retries: 3, batchSize: 100 },
    deadlineSeconds: 10,
    ...overrides,
  });
  return parseConfig(text, { source: 'test.json', env: {} });
}

function makeClock(startMs: number, bootId = 'boot-1'): Clock & { ms: number; uptime: number; boot: string } {
  const clock = {
    ms: startMs,
    uptime: 60_000,
    boot: bootId,
    now: () => clock.ms,
    uptimeMs: () => clock.uptime,
    bootId: () => clock.boot,
    synchronised: () => undefined,
  };
  return clock;
}

const fakeDrivers = (temperature = 21) =>
  new Map<string, SensorDriver | Error>([
    ['kitchen', createFakeDriver({ temperature, humidity: 40, valid: true })],
    ['hall', createFakeDriver({ temperature: temperature + 1, humidity: 50, valid: true })],
  ]);

const run = (config: ReturnType<typeof makeConfig>, clock: Clock, drivers = fakeDrivers()) =>
  runCollector({
    config, logger: silent, clock, tracing: noTracing, metrics: noMetrics, drivers, version: '0.1.0',
    sleep: async () => {}, random: () => 0.5,
  });

describe('runCollector', () => {
  it('stores every reading once through failures and recovery', async () => {
    const config = makeConfig();
    const clock = makeClock(Date.UTC(2026, 5, 1, 12));
    ingest.script.push(
      { status: 503, headers: { 'retry-after': '0' } },
      'stall',
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 500 },
    );

    const first = await run(config, clock);
    clock.ms += 15 * 60_000;
    const second = await run(config, clock);

    expect(first.problems).toEqual(['delivery stopped: ingest returned HTTP 500 after 4 tries']);
    expect(ingest.requests.filter((request) => request.path === '/readings')).toHaveLength(5);
    expect(ingest.heartbeats.map((heartbeat) => heartbeat.outcome)).toEqual(['partial', 'ok']);
    expect(first.exitCode).toBe(1);
    expect(first.heartbeat.spool.depth).toBe(2);
    expect(second.exitCode).toBe(0);
    expect(second.heartbeat.spool.depth).toBe(0);
    expect([...ingest.stored.values()].map((reading) => `${reading.sensorId} ${reading.takenAt}`).sort()).toEqual([
      'hall 2026-06-01T12:00:00.000Z',
      'hall 2026-06-01T12:15:00.000Z',
      'kitchen 2026-06-01T12:00:00.000Z',
      'kitchen 2026-06-01T12:15:00.000Z',
    ]);
  });

  it('moves readings rejected by ingest aside', async () => {
    const config = makeConfig();
    const clock = makeClock(Date.UTC(2026, 5, 1, 12));
    ingest.script.push({
      status: 400,
      body: { problems: [{ path: 'readings.0.room', message: 'must not contain control characters' }] },
    });

    const report = await run(config, clock);

    expect(report.rejectedByServer).toBe(1);
    expect(report.heartbeat.spool.depth).toBe(0);
    expect([...ingest.stored.values()].map((reading) => reading.sensorId)).toEqual(['hall']);
  });

  it('keeps readings when the API key is refused', async () => {
    const config = makeConfig({ apiKey: 'wrong-key' });

    const report = await run(config, makeClock(Date.UTC(2026, 5, 1, 12)));

    expect(report.exitCode).toBe(1);
    expect(report.heartbeat.spool.depth).toBe(2);
    expect(report.problems).toContain(
      'delivery stopped: ingest rejected the request (HTTP 403): Forbidden; check apiKey and deviceId',
    );
  });

  it('sends a heartbeat when every sensor fails', async () => {
    const config = makeConfig();
    const broken = new Map<string, SensorDriver | Error>([
      ['kitchen', createFakeDriver({ temperature: 0, humidity: 0, valid: false })],
      ['hall', new Error('no GPIO access')],
    ]);

    const report = await run(config, makeClock(Date.UTC(2026, 5, 1, 12)), broken);

    expect(report.heartbeat.outcome).toBe('failed');
    expect(ingest.heartbeats.map((heartbeat) => heartbeat.sensors.map((sensor) => sensor.status))).toEqual([
      ['read_failed', 'misconfigured'],
    ]);
    expect(ingest.heartbeats[0]?.sensors[0]?.rejections).toEqual({ invalid: 5 });
  });

  it('lets one of two runs started together proceed', async () => {
    const config = makeConfig();
    const clock = makeClock(Date.UTC(2026, 5, 1, 12));

    const results = await Promise.allSettled([run(config, clock), run(config, clock)]);

    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason.name).toBe('LockHeldError');
  });

  it('ends at the deadline when a sensor never answers', async () => {
    const config = makeConfig({ deadlineSeconds: 10 });
    const drivers = new Map<string, SensorDriver | Error>([
      ['kitchen', createFakeDriver({ temperature: 20, humidity: 40, valid: true })],
      ['hall', { minIntervalMs: 0, firstAnswerStale: false, read: () => new Promise(() => {}) }],
    ]);

    const report = await run(config, makeClock(Date.UTC(2026, 5, 1, 12)), drivers);

    expect(report.exitCode).toBe(5);
    expect(report.heartbeat.sensors.map((sensor) => sensor.status)).toEqual(['ok', 'read_failed']);
    expect([...ingest.stored.values()].map((reading) => reading.sensorId)).toEqual(['kitchen']);
    expect(ingest.heartbeats).toHaveLength(1);
  });

  it('stamps readings taken with a wrong clock once it is right', async () => {
    const config = makeConfig();
    const clock = makeClock(Date.UTC(1970, 0, 1, 0, 2));

    const wrong = await run(config, clock);
    // NTP sets the clock; 5 minutes of uptime have passed since the first run.
    clock.ms = Date.UTC(2026, 5, 1, 12);
    clock.uptime += 5 * 60_000;
    const right = await run(config, clock);

    expect(wrong.heartbeat.spool.depth).toBe(2);
    expect(right.heartbeat.spool.depth).toBe(0);
    expect([...ingest.stored.values()].map((reading) => `${reading.sensorId} ${reading.takenAt}`).sort()).toEqual([
      'hall 2026-06-01T11:55:00.000Z',
      'hall 2026-06-01T12:00:00.000Z',
      'kitchen 2026-06-01T11:55:00.000Z',
      'kitchen 2026-06-01T12:00:00.000Z',
    ]);
  });

  it('drops readings of a wrong clock from before a reboot', async () => {
    const config = makeConfig();
    const clock = makeClock(Date.UTC(1970, 0, 1, 0, 2));

    await run(config, clock);
    clock.ms = Date.UTC(2026, 5, 1, 12);
    clock.boot = 'boot-2';
    const report = await run(config, clock);

    expect(report.heartbeat.spool.dropped).toBe(2);
    expect(report.problems).toContain('2 readings taken with a wrong clock before a reboot were dropped');
    expect(ingest.stored.size).toBe(2);
  });
});

describe('runCollector sensor flags', () => {
  it('flags a sensor stuck on one value', async () => {
    const config = makeConfig({ stuckAfterHours: 1 });
    const clock = makeClock(Date.UTC(2026, 5, 1, 12));
    const statuses: string[][] = [];

    for (let index = 0; index < 3; index++) {
      const report = await run(config, clock);
      statuses.push(report.heartbeat.sensors.map((sensor) => sensor.status));
      clock.ms += 30 * 60_000;
    }

    expect(statuses).toEqual([['ok', 'ok'], ['ok', 'ok'], ['stuck', 'stuck']]);
    expect(ingest.heartbeats.map((heartbeat) => heartbeat.outcome)).toEqual(['ok', 'ok', 'partial']);
    expect(ingest.stored.size).toBe(6);
  });

  it('stores the raw value beside the calibrated one', async () => {
    const sensors = [
      { id: 'kitchen', room: 'Kitchen', type: 'dht22', driver: 'fake', offset: { temperature: -1.5, humidity: 2 } },
    ];
    const config = makeConfig({ sensors });
    const drivers = new Map<string, SensorDriver | Error>([
      ['kitchen', createFakeDriver({ temperature: 21, humidity: 40, valid: true })],
    ]);

    await run(config, makeClock(Date.UTC(2026, 5, 1, 12)), drivers);

    expect([...ingest.stored.values()]).toEqual([
      {
        deviceId: 'pi-test',
        sensorId: 'kitchen',
        room: 'Kitchen',
        takenAt: '2026-06-01T12:00:00.000Z',
        temperature: 19.5,
        humidity: 42,
        raw: { temperature: 21, humidity: 40 },
      },
    ]);
  });
});

describe('parseConfig', () => {
  it('names every invalid field', () => {
    const text = JSON.stringify({
      deviceId: 'Pi One',
      endpoint: 'ftp://x',
      sensors: [{ id: 'a', room: 'Hall', type: 'dht33', driver: 'dht' }],
    });

    expect(() => parseConfig(text, { source: '/etc/hometemp/collector.json', env: {} })).toThrow(
      [
        '/etc/hometemp/collector.json is invalid:',
        '  deviceId: must be 1-63 characters of a-z, 0-9, "-" or "_", starting with a letter or digit',
        '  endpoint: must be an http(s) URL such as https://abc.execute-api.eu-west-1.amazonaws.com/prod',
        '  sensors.0.type: must be "dht11" or "dht22"',
      ].join('\n'),
    );
  });
});
