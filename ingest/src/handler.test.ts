import './testing/env';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createLogger } from '../../core/src/index';
import { startTestStore } from '../../core/src/testing/dynalite';
import { type IngestHandler, createIngestHandler } from './handler';
import {
  type EventVersion,
  FIXTURE_DEVICE,
  FIXTURE_KEY_ID,
  captureLogs,
  captureMetricLines,
  lambdaContext,
  makeEvent,
} from './testing/events';

let harness: Awaited<ReturnType<typeof startTestStore>>;
let handler: IngestHandler;
const logs = captureLogs();
const NOW = new Date('2026-01-31T08:20:00.000Z');

beforeAll(async () => {
  harness = await startTestStore('ingest-handler');
  handler = createIngestHandler({
    client: harness.client,
    tableName: harness.tableName,
    config: { deviceKeys: { [FIXTURE_KEY_ID]: FIXTURE_DEVICE, 'k-attic': 'pi-attic' } },
    logger: createLogger({ service: 'ingest', destination: logs.stream }),
    now: () => NOW,
  });
});

afterAll(async () => {
  harness.client.destroy();
  await harness.dynamo.close();
});

const reading = (sensorId: string, minute: number, changes: Record<string, unknown> = {}) => ({
  deviceId: FIXTURE_DEVICE,
  sensorId,
  room: 'Kitchen',
  takenAt: `2026-01-31T08:${String(minute).padStart(2, '0')}:00Z`,
  temperature: 21.5,
  humidity: 45,
  ...changes,
});

const batch = (...readings: unknown[]) => JSON.stringify({ readings });

async function post(version: EventVersion, body: string | null, changes = {}) {
  const result = await handler(makeEvent(version, { body, ...changes }), lambdaContext());
  return { status: result.statusCode, headers: result.headers, json: JSON.parse(result.body) };
}

async function storedTakenAt(sensorId: string): Promise<string[]> {
  const readings = await harness.store.queryReadings(
    { deviceId: FIXTURE_DEVICE, sensorId },
    { from: new Date('2000-01-01T00:00:00Z'), to: new Date('2100-01-01T00:00:00Z') },
  );
  return readings.map((stored) => stored.takenAt);
}

describe.each<EventVersion>(['v1', 'v2'])('POST /readings, %s event', (version) => {
  const sensor = `good-${version}`;

  it('stores a valid batch and answers the counts', async () => {
    const response = await post(version, batch(reading(sensor, 0), reading(sensor, 5)));

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ stored: 2, duplicates: 0, rejected: [], late: 0, conflicts: [] });
    expect(await storedTakenAt(sensor)).toEqual([
      '2026-01-31T08:00:00.000Z',
      '2026-01-31T08:05:00.000Z',
    ]);
  });

  it('reads a base64-encoded body', async () => {
    const response = await post(version, batch(reading(`b64-${version}`, 1)), { base64: true });

    expect(response.status).toBe(200);
    expect(response.json.stored).toBe(1);
  });

  it('counts a retried batch as duplicates', async () => {
    const body = batch(reading(`retry-${version}`, 2), reading(`retry-${version}`, 2));

    const first = await post(version, body);
    const second = await post(version, body);

    expect(first.json).toMatchObject({ stored: 1, duplicates: 1 });
    expect(second.json).toMatchObject({ stored: 0, duplicates: 2, conflicts: [] });
    expect(await storedTakenAt(`retry-${version}`)).toEqual(['2026-01-31T08:02:00.000Z']);
  });

  it('accepts header names in any case', async () => {
    const response = await post(version, batch(reading(`case-${version}`, 3)), {
      headers: { 'Content-Type': undefined, 'CONTENT-TYPE': 'Application/JSON; charset=utf-8' },
    });

    expect(response.status).toBe(200);
  });

  it.each([
    ['invalid JSON', '{"readings": [', '(body)'],
    ['a temperature as a string', batch(reading('bad', 4, { temperature: '21.5' })), 'readings.0.temperature'],
    ['a decimal comma', batch(reading('bad', 4, { humidity: '45,5' })), 'readings.0.humidity'],
    ['an empty batch', batch(), 'readings'],
    ['101 readings', JSON.stringify({ readings: Array.from({ length: 101 }, (_, i) => reading('bad', i % 60, { sensorId: `s${i}` })) }), 'readings'],
    ['an array body', '[]', '(body)'],
  ])('answers 400 for %s and stores nothing', async (_case, body, path) => {
    const response = await post(version, body);

    expect(response.status).toBe(400);
    const paths = (response.json.problems ?? [{ path: '(body)' }]).map((p: { path: string }) => p.path);
    expect(paths).toContain(path);
    expect(typeof (response.json.error as string)).toBe('string');
    expect(await storedTakenAt('bad')).toEqual([]);
  });

  it('lists every problem of an invalid batch', async () => {
    const response = await post(
      version,
      batch(reading('bad', 5, { temperature: null }), reading('bad', 6, { takenAt: '2026-01-31 08:06' })),
    );

    expect(response.status).toBe(400);
    expect(response.json.problems.map((p: { path: string }) => p.path)).toEqual([
      'readings.0.temperature',
      'readings.1.takenAt',
    ]);
  });

  it('answers 403 for readings of another device', async () => {
    const response = await post(version, batch(reading('foreign', 7, { deviceId: 'pi-attic' })));

    expect(response.status).toBe(403);
    expect(response.json.error).toBe(
      'this API key belongs to device "pi-kitchen" and cannot write readings of device "pi-attic"',
    );
    expect(await storedTakenAt('foreign')).toEqual([]);
  });

  it('answers 403 without a mapped API key id', async () => {
    const missing = await post(version, batch(reading('nokey', 8)), { apiKeyId: null });
    const unknown = await post(version, batch(reading('nokey', 8)), { apiKeyId: 'k-unknown' });

    expect(missing.status).toBe(403);
    expect(missing.json.error).toBe(
      'the request carries no API key id; send the device API key in x-api-key',
    );
    expect(unknown.status).toBe(403);
    expect(unknown.json.error).toBe('this API key is not registered to any device');
  });

  it('answers 415 for a body that is not JSON', async () => {
    const response = await post(version, batch(reading('ctype', 9)), {
      headers: { 'content-type': 'text/plain' },
    });

    expect(response.status).toBe(415);
    expect(response.json.error).toBe('Content-Type must be application/json, got "text/plain"');
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await post(version, `{"readings":[],"pad":"${'x'.repeat(70_000)}"}`, {
      base64: true,
    });

    expect(response.status).toBe(413);
    expect(response.json.error).toBe(
      'the request body is larger than 65536 bytes; send at most 100 readings per batch',
    );
  });

  it('answers 404 for another path and 405 for another method', async () => {
    const notFound = await post(version, batch(reading('route', 10)), { path: '/reading' });
    const notAllowed = await post(version, batch(reading('route', 10)), { method: 'PUT' });

    expect(notFound.status).toBe(404);
    expect(notFound.json.error).toBe('no route for /reading; use POST /readings or POST /heartbeats');
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.headers.allow).toBe('POST');
  });
});

describe('reading checks', () => {
  it('rejects out-of-range, future and 1970 readings and stores the rest', async () => {
    const body = batch(
      reading('checks', 0, { temperature: 95 }),
      reading('checks', 1, { takenAt: '2026-01-31T08:30:00Z' }),
      reading('checks', 2, { takenAt: '1970-01-01T00:00:00Z' }),
      reading('checks', 3, { humidity: -0.5 }),
      reading('checks', 4),
    );

    const response = await post('v1', body);

    expect(response.status).toBe(200);
    expect(response.json.stored).toBe(1);
    expect(response.json.rejected.map((r: { reason: string }) => r.reason)).toEqual([
      'out_of_range',
      'in_future',
      'before_epoch',
      'out_of_range',
    ]);
    expect(response.json.rejected[0]).toEqual({
      id: 'eb1e11c20689507ba6a605f2',
      reason: 'out_of_range',
      message: 'temperature 95 °C is outside the physical range -40 to 80 °C',
    });
    expect(await storedTakenAt('checks')).toEqual(['2026-01-31T08:04:00.000Z']);
  });

  it('rejects raw values out of range', async () => {
    const body = batch(
      reading('raw', 0, { raw: { temperature: 500, humidity: 45 } }),
      reading('raw', 1, { raw: { temperature: 21.5, humidity: -7 } }),
      reading('raw', 2, { raw: { temperature: 80, humidity: 100 } }),
    );

    const response = await post('v1', body);

    expect(response.status).toBe(200);
    expect(response.json.stored).toBe(1);
    const rejected = response.json.rejected as { reason: string; message: string }[];
    expect(rejected.map((rejection) => [rejection.reason, rejection.message])).toEqual([
      ['out_of_range', 'raw temperature 500 °C is outside the physical range -40 to 80 °C'],
      ['out_of_range', 'raw humidity -7 %RH is outside the physical range 0 to 100 %RH'],
    ]);
    expect(await storedTakenAt('raw')).toEqual(['2026-01-31T08:02:00.000Z']);
  });

  it('stores values at the sensor resolution', async () => {
    await post('v1', batch(reading('resolution', 0, { temperature: 21.299999999999997 })));

    const { Item } = await harness.client.send(
      new GetCommand({
        TableName: harness.tableName,
        Key: { pk: 'S#pi-kitchen#resolution', sk: 'R#2026-01-31T08:00:00.000Z' },
      }),
    );
    expect(Item?.temperature).toBe(21.3);
  });

  it('keeps the first values of a repeated id and reports the conflict', async () => {
    await post('v1', batch(reading('conflict', 0, { temperature: 20 })));

    const response = await post('v1', batch(reading('conflict', 0, { temperature: 25 })));

    expect(response.json).toMatchObject({
      stored: 0,
      duplicates: 1,
      conflicts: ['dcaed81d39b29a02369ac40c'],
    });
    const [stored] = await harness.store.queryReadings(
      { deviceId: FIXTURE_DEVICE, sensorId: 'conflict' },
      { from: new Date('2026-01-31T08:00:00Z'), to: new Date('2026-01-31T08:00:00Z') },
    );
    expect(stored?.temperature).toBe(20);
  });
});

describe('logs and metrics', () => {
  it('logs the request and trace ids but never the API key', async () => {
    logs.lines.length = 0;

    await post('v1', batch(reading('logged', 0)));

    const served = logs.lines.find((line) => line.message === 'request served');
    expect(served?.request_id).toBe('c6af9ac6-7b61-11e6-9a41-93e8deadbeef');
    expect(served?.trace_id).toBe('1234567890123456789');
    expect(served?.status).toBe(200);
    expect(logs.raw.join('\n')).not.toContain('Zx9yW8vU7tS6rQ5pO4nM3lK2jI1hG0fEdCbA9876');
  });

  it('writes one metric line per stored reading and none for duplicates', async () => {
    const body = batch(reading('metrics', 0), reading('metrics', 1), reading('metrics', 2));

    const first = await captureMetricLines(() => post('v1', body));
    const second = await captureMetricLines(() => post('v1', body));

    const named = (lines: typeof first.metrics, name: string) => lines.filter((line) => line.m === name);
    expect(named(first.metrics, 'hometemp.temperature')).toHaveLength(3);
    expect(named(first.metrics, 'hometemp.humidity')).toHaveLength(3);
    expect(named(second.metrics, 'hometemp.temperature')).toHaveLength(0);
    expect(named(first.metrics, 'hometemp.temperature')[0]).toMatchObject({
      e: 1769846400,
      v: 21.5,
      t: expect.arrayContaining(['device:pi-kitchen', 'sensor:metrics', 'room:kitchen']),
    });
    const duplicates = named(second.metrics, 'hometemp.ingest.readings')[0];
    expect(duplicates?.v).toBe(3);
    expect(duplicates?.t).toEqual(expect.arrayContaining(['outcome:duplicate']));
  });

  it('counts old readings as late instead of emitting them', async () => {
    const old = reading('late', 0, { takenAt: '2026-01-31T06:00:00Z' });

    const { result, metrics } = await captureMetricLines(() => post('v1', batch(old)));

    expect(result.json).toMatchObject({ stored: 1, late: 1 });
    expect(metrics.filter((line) => line.m === 'hometemp.temperature')).toHaveLength(0);
    const late = metrics.find((line) => line.m === 'hometemp.ingest.readings');
    expect(late?.t).toEqual(expect.arrayContaining(['outcome:late']));
  });
});
