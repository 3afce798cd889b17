import './testing/env';
import { createLogger } from '../../core/src/index';
import { startTestStore } from '../../core/src/testing/dynalite';
import { type IngestHandler, createIngestHandler } from './handler';
import {
  FIXTURE_DEVICE,
  FIXTURE_KEY_ID,
  captureMetricLines,
  lambdaContext,
  makeEvent,
} from './testing/events';

const NOW = new Date('2026-01-31T08:20:00.000Z');
let harness: Awaited<ReturnType<typeof startTestStore>>;
let handler: IngestHandler;

beforeAll(async () => {
  harness = await startTestStore('ingest-heartbeats');
  handler = createIngestHandler({
    client: harness.client,
    tableName: harness.tableName,
    config: { deviceKeys: { [FIXTURE_KEY_ID]: FIXTURE_DEVICE } },
    logger: createLogger({ service: 'ingest', level: 'silent' }),
    now: () => NOW,
  });
});

afterAll(async () => {
  harness.client.destroy();
  await harness.dynamo.close();
});

const heartbeat = (changes: Record<string, unknown> = {}) => ({
  deviceId: FIXTURE_DEVICE,
  runId: 'run-0815',
  startedAt: '2026-01-31T08:15:00Z',
  finishedAt: '2026-01-31T08:15:04Z',
  outcome: 'partial',
  collectorVersion: '0.1.0',
  sensors: [
    { sensorId: 'dht22-a', room: 'Kitchen', status: 'ok', rejections: {} },
    { sensorId: 'dht11-b', room: 'Living Room', status: 'read_failed', rejections: { out_of_range: 2 } },
  ],
  spool: { depth: 12, dropped: 0 },
  ...changes,
});

async function send(body: unknown) {
  const event = makeEvent('v2', { body: JSON.stringify(body), path: '/heartbeats' });
  const result = await handler(event, lambdaContext());
  return { status: result.statusCode, json: JSON.parse(result.body) };
}

describe('POST /heartbeats', () => {
  it('keeps the last run and sensor statuses', async () => {
    const response = await send(heartbeat());

    expect(response).toEqual({ status: 200, json: { accepted: true, latest: true, repeated: false } });
    const [run] = await harness.store.listDeviceRuns();
    expect(run).toEqual({
      deviceId: 'pi-kitchen',
      runId: 'run-0815',
      startedAt: '2026-01-31T08:15:00Z',
      finishedAt: '2026-01-31T08:15:04Z',
      outcome: 'partial',
      collectorVersion: '0.1.0',
      spool: { depth: 12, dropped: 0 },
      receivedAt: '2026-01-31T08:20:00.000Z',
    });
    const statuses = await harness.store.listSensorStatuses();
    expect(statuses.map((status) => [status.sensorId, status.status])).toEqual([
      ['dht11-b', 'read_failed'],
      ['dht22-a', 'ok'],
    ]);
  });

  it('emits run, status and rejection metrics once per run', async () => {
    const body = heartbeat({ runId: 'run-0816', finishedAt: '2026-01-31T08:16:00Z' });

    const first = await captureMetricLines(() => send(body));
    const repeat = await captureMetricLines(() => send(body));

    const names = first.metrics.map((line) => line.m).filter((name) => name.startsWith('hometemp.heartbeat'));
    expect(names.sort()).toEqual([
      'hometemp.heartbeat.rejections',
      'hometemp.heartbeat.runs',
      'hometemp.heartbeat.sensor_status',
      'hometemp.heartbeat.sensor_status',
      'hometemp.heartbeat.spool_depth',
    ]);
    const broken = first.metrics.find(
      (line) => line.m === 'hometemp.heartbeat.sensor_status' && line.t.includes('status:read_failed'),
    );
    expect(broken?.t).toEqual(expect.arrayContaining(['sensor:dht11-b', 'room:living_room']));
    expect(repeat.result.json).toEqual({ accepted: true, latest: true, repeated: true });
    expect(repeat.metrics.filter((line) => line.m.startsWith('hometemp.heartbeat'))).toEqual([]);
  });

  it('ignores a run older than the stored one', async () => {
    const response = await send(heartbeat({ runId: 'run-0700', finishedAt: '2026-01-31T07:00:00Z', startedAt: '2026-01-31T06:59:00Z' }));

    expect(response.json).toEqual({ accepted: true, latest: false, repeated: false });
    const [run] = await harness.store.listDeviceRuns();
    expect(run?.runId).toBe('run-0816');
  });

  it('answers 403 for another device', async () => {
    const response = await send(heartbeat({ deviceId: 'pi-attic' }));

    expect(response.status).toBe(403);
    expect(response.json.error).toBe(
      'this API key belongs to device "pi-kitchen" and cannot report for device "pi-attic"',
    );
  });

  it('rejects a room with hidden characters', async () => {
    const sensors = [
      { sensorId: 'dht22-a', room: 'Att\u0000ic\n\u202e<script>', status: 'ok', rejections: {} },
      { sensorId: 'dht22-b', room: 'Hall\u202e', status: 'ok', rejections: {} },
    ];

    const response = await send(heartbeat({ runId: 'run-hidden', sensors }));

    expect(response.status).toBe(400);
    expect(response.json.problems).toEqual([
      {
        path: 'sensors.0.room',
        message: 'must not contain control characters, but has U+0000 at position 4',
      },
      {
        path: 'sensors.1.room',
        message:
          'must not contain invisible characters such as bidi overrides, zero-width spaces or Hangul fillers, but has U+202E at position 5',
      },
    ]);
  });

  it('rejects an unsafe run id', async () => {
    const response = await send(heartbeat({ runId: 'run 1\n<b>' }));

    expect(response.status).toBe(400);
    expect(response.json.problems).toEqual([
      {
        path: 'runId',
        message: 'must be 1-64 characters of letters, digits, ".", "_", ":" or "-", such as a UUID',
      },
    ]);
  });

  it('answers 400 listing each problem', async () => {
    const response = await send(
      heartbeat({ outcome: 'great', finishedAt: '2026-01-31T08:14:00Z', spool: { depth: -1, dropped: 0 } }),
    );
    const reversed = await send(heartbeat({ finishedAt: '2026-01-31T08:14:00Z' }));

    expect(response.status).toBe(400);
    expect(response.json.problems.map((problem: { path: string }) => problem.path)).toEqual([
      'outcome',
      'spool.depth',
    ]);
    expect(reversed.json.problems).toEqual([
      { path: 'finishedAt', message: 'must not be before startedAt 2026-01-31T08:15:00Z' },
    ]);
  });
});
