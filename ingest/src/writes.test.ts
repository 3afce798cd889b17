import './testing/env';
import {
  type Aggregate,
  ReadingStore,
  createDocumentClient,
  createLogger,
  ensureTable,
} from '../../core/src/index';
import { type LocalDynamo, startDynalite } from '../../core/src/testing/dynalite';
import { type IngestHandler, createIngestHandler } from './handler';
import { type FaultyDynamo, startFaultyDynamo } from './testing/faulty-dynamodb';
import {
  FIXTURE_DEVICE,
  FIXTURE_KEY_ID,
  captureMetricLines,
  lambdaContext,
  makeEvent,
} from './testing/events';

const NOW = new Date('2026-01-31T12:00:00.000Z');
const TABLE = 'ingest-writes';
const silent = createLogger({ service: 'ingest', level: 'silent' });

let dynamo: LocalDynamo;
let faulty: FaultyDynamo;
let store: ReadingStore;
let handler: IngestHandler;
const clients: { destroy(): void }[] = [];

beforeAll(async () => {
  dynamo = await startDynalite();
  faulty = await startFaultyDynamo(dynamo.endpoint);
  const direct = createDocumentClient({ endpoint: dynamo.endpoint });
  clients.push(direct);
  await ensureTable(direct, TABLE);
  store = new ReadingStore(direct, TABLE);
  handler = makeHandler();
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await faulty.close();
  await dynamo.close();
});

function makeHandler(): IngestHandler {
  const client = createDocumentClient({ endpoint: faulty.endpoint });
  clients.push(client);
  return createIngestHandler({
    store: new ReadingStore(client, TABLE, { backoffBaseMs: 5 }),
    config: { tableName: TABLE, deviceKeys: { [FIXTURE_KEY_ID]: FIXTURE_DEVICE }, retryAfterSeconds: 45 },
    logger: silent,
    now: () => NOW,
  });
}

const reading = (sensorId: string, takenAt: string, temperature: number, humidity = 50) => ({
  deviceId: FIXTURE_DEVICE,
  sensorId,
  room: 'Kitchen',
  takenAt,
  temperature,
  humidity,
});

async function post(readings: unknown[], target = handler) {
  const result = await target(
    makeEvent('v1', { body: JSON.stringify({ readings }) }),
    lambdaContext(),
  );
  return { status: result.statusCode, headers: result.headers, json: JSON.parse(result.body) };
}

async function aggregates(sensorId: string, period: 'hour' | 'day'): Promise<Aggregate[]> {
  return store.queryAggregates({ deviceId: FIXTURE_DEVICE, sensorId }, period, {
    from: new Date('2026-01-01T00:00:00Z'),
    to: new Date('2026-02-01T00:00:00Z'),
  });
}

describe('aggregates', () => {
  it('keeps hourly and daily min, max, mean and count', async () => {
    await post([
      reading('agg', '2026-01-31T08:00:00Z', 20.1, 40),
      reading('agg', '2026-01-31T08:30:00Z', 22.3, 44),
      reading('agg', '2026-01-31T09:10:00Z', 19, 50),
    ]);

    const hours = await aggregates('agg', 'hour');
    const [day] = await aggregates('agg', 'day');

    expect(hours).toHaveLength(2);
    expect(hours[0]).toEqual({
      deviceId: 'pi-kitchen',
      sensorId: 'agg',
      room: 'Kitchen',
      period: 'hour',
      start: '2026-01-31T08:00:00.000Z',
      count: 2,
      temperature: { min: 20.1, max: 22.3, mean: 21.2, sum: 42.4 },
      humidity: { min: 40, max: 44, mean: 42, sum: 84 },
    });
    expect(day?.start).toBe('2026-01-31T00:00:00.000Z');
    expect(day?.count).toBe(3);
    expect(day?.temperature).toEqual({ min: 19, max: 22.3, mean: 20.47, sum: 61.4 });
  });

  it('counts a duplicate once', async () => {
    const first = reading('dup', '2026-01-31T08:00:00Z', 20);

    await post([first, first]);
    await post([first, { ...first, temperature: 30 }]);

    const [hour] = await aggregates('dup', 'hour');
    expect(hour?.count).toBe(1);
    expect(hour?.temperature.max).toBe(20);
  });

  it('puts a late reading in its own bucket', async () => {
    await post([reading('late', '2026-01-31T11:00:00Z', 21)]);

    await post([reading('late', '2026-01-29T03:15:00Z', 15)]);

    const hours = await aggregates('late', 'hour');
    expect(hours.map((hour) => [hour.start, hour.count])).toEqual([
      ['2026-01-29T03:00:00.000Z', 1],
      ['2026-01-31T11:00:00.000Z', 1],
    ]);
    const days = await aggregates('late', 'day');
    expect(days.map((day) => day.start)).toEqual(['2026-01-29T00:00:00.000Z', '2026-01-31T00:00:00.000Z']);
  });

  it('adds a reading replayed after its hour exists', async () => {
    await post([reading('replay', '2026-01-31T10:00:00Z', 20), reading('replay', '2026-01-31T10:20:00Z', 22)]);
    await post([reading('replay', '2026-01-31T10:40:00Z', 27)]);

    await post([reading('replay', '2026-01-31T10:00:00Z', 20), reading('replay', '2026-01-31T10:40:00Z', 27)]);

    const [hour] = await aggregates('replay', 'hour');
    expect(hour?.count).toBe(3);
    expect(hour?.temperature).toEqual({ min: 20, max: 27, mean: 23, sum: 69 });
  });

  it('converges with two handlers writing one hour', async () => {
    const second = makeHandler();
    const minutes = Array.from({ length: 60 }, (_, minute) => minute);
    const atMinute = (minute: number) =>
      reading('race', `2026-01-31T07:${String(minute).padStart(2, '0')}:00Z`, 20 + minute / 10);

    const answers = await Promise.all(
      minutes.map((minute) => post([atMinute(minute)], minute % 2 === 0 ? handler : second)),
    );

    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const [hour] = await aggregates('race', 'hour');
    expect(hour?.count).toBe(60);
    expect(hour?.temperature).toEqual({ min: 20, max: 25.9, mean: 22.95, sum: 1377 });
    const [day] = await aggregates('race', 'day');
    expect(day?.count).toBe(60);
  });
});

describe('DynamoDB faults', () => {
  it('retries unprocessed keys and stores every reading', async () => {
    faulty.inject({ kind: 'unprocessed', operation: 'BatchGetItem', times: 3 });
    const readings = Array.from({ length: 8 }, (_, i) =>
      reading('unprocessed', `2026-01-31T06:0${i}:00Z`, 20 + i),
    );

    const response = await post(readings);

    expect(response.status).toBe(200);
    expect(response.json.stored).toBe(8);
    expect(faulty.faulted.BatchGetItem).toBe(3);
  });

  it('retries throttled writes', async () => {
    const before = faulty.faulted.PutItem ?? 0;
    faulty.inject({ kind: 'throttle', operation: 'PutItem', times: 2 });

    const response = await post([reading('throttled', '2026-01-31T05:00:00Z', 20)]);

    expect(response.status).toBe(200);
    expect(response.json.stored).toBe(1);
    expect((faulty.faulted.PutItem ?? 0) - before).toBe(2);
  });

  it('answers 503 with Retry-After when writes keep failing', async () => {
    faulty.inject({ kind: 'throttle', operation: 'PutItem', times: 1000 });

    const response = await post([reading('failing', '2026-01-31T04:00:00Z', 20)]);
    faulty.clear();

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('45');
    expect(response.json.error).toBe(
      'the readings store is unavailable; nothing of this request was acknowledged, retry later',
    );
    expect(await aggregates('failing', 'hour')).toEqual([]);
  });

  it('emits points for readings stored before a 503', async () => {
    faulty.inject({ kind: 'throttle', operation: 'PutItem', times: 1000, after: 1 });
    const batch = [
      reading('partial', '2026-01-31T11:40:00Z', 20),
      reading('partial', '2026-01-31T11:41:00Z', 21),
    ];

    const failed = await captureMetricLines(() => post(batch));
    faulty.clear();
    const retried = await captureMetricLines(() => post(batch));

    const temperatures = (lines: { m: string }[]) =>
      lines.filter((line) => line.m === 'hometemp.temperature').length;
    expect(failed.result.status).toBe(503);
    expect(temperatures(failed.metrics)).toBe(1);
    expect(retried.result.json).toMatchObject({ stored: 1, duplicates: 1 });
    expect(temperatures(retried.metrics)).toBe(1);
    const sensors = await store.listSensors();
    expect(sensors.find((sensor) => sensor.sensorId === 'partial')?.latest.takenAt).toBe(
      '2026-01-31T11:41:00.000Z',
    );
    expect((await aggregates('partial', 'hour'))[0]?.count).toBe(2);
  });

  it('answers 503 when unprocessed keys never clear', async () => {
    faulty.inject({ kind: 'unprocessed', operation: 'BatchGetItem', times: 6 });

    const response = await post([reading('stuck', '2026-01-31T03:00:00Z', 20)]);

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('45');
  });
});
