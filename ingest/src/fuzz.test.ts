import './testing/env';
import { createLogger, readingId, readingSchema } from '../../core/src/index';
import { startTestStore } from '../../core/src/testing/dynalite';
import { type IngestHandler, createIngestHandler } from './handler';
import { FIXTURE_DEVICE, FIXTURE_KEY_ID, captureMetricLines, lambdaContext, makeEvent } from './testing/events';

// A fixed seed keeps every run identical, so a failure can be replayed.
const SEED = 20260131;
const CASES = 2400;
const NOW = new Date('2026-01-31T12:00:00.000Z');

let harness: Awaited<ReturnType<typeof startTestStore>>;
let handler: IngestHandler;

beforeAll(async () => {
  harness = await startTestStore('ingest-fuzz');
  handler = createIngestHandler({
    client: harness.client,
    tableName: harness.tableName,
    config: { deviceKeys: { [FIXTURE_KEY_ID]: FIXTURE_DEVICE, 'k-attic': 'pi-attic' } },
    logger: createLogger({ service: 'ingest', level: 'silent' }),
    now: () => NOW,
  });
});

afterAll(async () => {
  harness.client.destroy();
  await harness.dynamo.close();
});

function mulberry32(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const integer = (max: number) => Math.floor(random() * max);

const ROOMS = ['Kitchen', 'Küche', 'Salle de bain', 'Детская', '寝室', 'Attic 🌡', 'Living Room'];

function validReading() {
  const minute = integer(60 * 24 * 10);
  return {
    deviceId: FIXTURE_DEVICE,
    sensorId: pick(['fz-a', 'fz-b', 'fz_c-1']),
    room: pick(ROOMS),
    takenAt: new Date(NOW.getTime() - minute * 60_000).toISOString(),
    temperature: Math.round((random() * 60 - 10) * 1000) / 1000,
    humidity: Math.round(random() * 1000) / 10,
  };
}

const WRONG_VALUES: unknown[] = [
  null, true, 0, -1, 1e308, -1e308, '21.5', '21,5', '', [], {}, [21.5], { value: 21 },
  'x'.repeat(300), '\u0000', '\u202e\u0007', 'NaN', 'Infinity', '2026-01-31', '2026-01-31T08:00:00+02:00',
];
const FIELDS = ['deviceId', 'sensorId', 'room', 'takenAt', 'temperature', 'humidity'] as const;

/** Builds a reading broken in one way that the reading contract rejects. */
function malformedReading(): Record<string, unknown> {
  const reading: Record<string, unknown> = validReading();
  const field = pick(FIELDS);
  switch (integer(5)) {
    case 0:
      delete reading[field];
      break;
    case 1:
      // defineProperty makes `__proto__` an own key, as JSON.parse would.
      Object.defineProperty(reading, pick(['colour', '__proto__', 'constructor', 'id', 'Temperature']), {
        value: 1,
        enumerable: true,
      });
      break;
    case 2: {
      const wrong = pick(WRONG_VALUES);
      // Numbers of the right type are not wrong for measurement fields: use a string instead.
      reading[field] =
        typeof wrong === 'number' && (field === 'temperature' || field === 'humidity') ? String(wrong) : wrong;
      if (reading[field] === reading.deviceId && field === 'deviceId') reading[field] = null;
      break;
    }
    case 3:
      reading[pick(['sensorId', 'room'])] = `a\u0000${'\u0001'.repeat(integer(4))}b`;
      break;
    default:
      reading.sensorId = pick(['UPPER', '-leading', 'sp ace', 'ü', 'a'.repeat(64)]);
  }
  return reading;
}

/** Builds a reading that passes the contract but is out of range or out of time. */
function rejectedReading() {
  const reading = validReading();
  switch (integer(4)) {
    case 0:
      return { ...reading, temperature: pick([80.1, -40.1, 1e300, -273.15]) };
    case 1:
      return { ...reading, humidity: pick([100.1, -0.1, 1e200]) };
    case 2:
      return { ...reading, takenAt: pick(['1970-01-01T00:00:00Z', '2000-06-01T12:00:00Z', '2018-12-31T23:59:59Z']) };
    default:
      return { ...reading, takenAt: pick(['2026-01-31T12:10:00Z', '2099-01-01T00:00:00Z']) };
  }
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

function malformedBodyText(): string {
  switch (integer(12)) {
    case 0:
      return pick(['', ' ', 'null', '0', '"readings"', 'true', '[]', '{}', '{"readings":null}', '{"readings":{}}']);
    case 1:
      return pick(['{"readings":[', '{readings:[]}', "{'readings':[]}", '{"readings":[NaN]}', '{"readings":[Infinity]}']);
    case 2:
      return `{"readings":${nested(1 + integer(5000))}}`;
    case 3:
      return nested(1 + integer(20000));
    case 4:
      return JSON.stringify({ readings: [] });
    case 5:
      return JSON.stringify({ readings: Array.from({ length: 101 + integer(50) }, validReading) });
    case 6:
      return JSON.stringify({ readings: [validReading()], extra: pick([1, 'x', null]) });
    case 7:
      return `{"readings":[{"deviceId":"pi-kitchen","sensorId":"fz-a","room":"K","takenAt":"2026-01-31T08:00:00Z","temperature":1e400,"humidity":50}]}`;
    case 8:
      return JSON.stringify({ readings: [validReading(), ...Array.from({ length: 1 + integer(3) }, malformedReading)] });
    case 9:
      return String.fromCharCode(...Array.from({ length: 1 + integer(200) }, () => integer(0xd800)));
    case 10:
      return JSON.stringify({ readings: [malformedReading()] });
    default:
      return JSON.stringify({ Readings: [validReading()] });
  }
}

type Expectation = { kind: 'reject-request' } | { kind: 'ok'; valid: ReturnType<typeof validReading>[]; rejected: number };

interface FuzzCase {
  event: unknown;
  expect: Expectation;
}

function eventCase(): FuzzCase {
  const reject = { kind: 'reject-request' } as const;
  const body = JSON.stringify({ readings: [validReading()] });
  const version = pick(['v1', 'v2'] as const);
  switch (integer(10)) {
    case 0:
      return { event: pick([null, undefined, 0, 'event', [], {}, { requestContext: null }]), expect: reject };
    case 1:
      return { event: makeEvent(version, { body, method: pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'post']) }), expect: reject };
    case 2:
      return { event: makeEvent(version, { body, path: pick(['/', '/reading', '/readings/', '/READINGS', '/readings/../admin', '/heartbeat', '/%00']) }), expect: reject };
    case 3:
      return { event: makeEvent(version, { body, apiKeyId: pick([null, '', 'k-unknown', '__proto__', 'constructor']) }), expect: reject };
    case 4:
      return { event: makeEvent(version, { body, headers: { 'content-type': pick([undefined, 'text/plain', 'application/xml', 'application/jsonp', 'multipart/form-data']) } }), expect: reject };
    case 5: {
      const event = makeEvent(version, { body }) as unknown as Record<string, unknown>;
      event.body = 'not base64!!';
      event.isBase64Encoded = true;
      return { event, expect: reject };
    }
    case 6:
      return { event: makeEvent(version, { body: `{"readings":[],"pad":"${'x'.repeat(70_000)}"}`, base64: random() < 0.5 }), expect: reject };
    case 7: {
      const event = makeEvent(version, { body }) as unknown as Record<string, unknown>;
      event[pick(['headers', 'requestContext', 'body'])] = pick([42, 'x', [], null]);
      return { event, expect: reject };
    }
    case 8:
      return {
        event: makeEvent(version, { body: JSON.stringify({ readings: [{ ...validReading(), deviceId: pick(['pi-attic', 'pi-other', 'PI-KITCHEN']) }] }) }),
        expect: reject,
      };
    default:
      return { event: makeEvent(version, { body: JSON.stringify({ readings: [validReading()] }), apiKeyId: 'k-attic' }), expect: reject };
  }
}

function generateCase(): FuzzCase {
  const roll = random();
  if (roll < 0.3) return eventCase();
  const version = pick(['v1', 'v2'] as const);
  const base64 = random() < 0.3;
  if (roll < 0.75) {
    return { event: makeEvent(version, { body: malformedBodyText(), base64 }), expect: { kind: 'reject-request' } };
  }
  const valid = Array.from({ length: integer(5) }, validReading);
  const rejected = Array.from({ length: valid.length === 0 ? 1 + integer(3) : integer(3) }, rejectedReading);
  const body = JSON.stringify({ readings: [...valid, ...rejected].sort(() => random() - 0.5) });
  return { event: makeEvent(version, { body, base64 }), expect: { kind: 'ok', valid, rejected: rejected.length } };
}

describe('ingest fuzz', () => {
  it(`answers ${CASES} malformed inputs without a 5xx`, async () => {
    const cases = Array.from({ length: CASES }, generateCase);
    const expectedIds = new Set<string>();
    const failures: string[] = [];

    const { metrics } = await captureMetricLines(async () => {
      for (const [index, fuzzCase] of cases.entries()) {
        const result = await handler(fuzzCase.event as never, lambdaContext());
        const body = JSON.parse(result.body) as Record<string, unknown>;
        const where = `case ${index} (${String(result.statusCode)}): ${result.body.slice(0, 200)}`;

        if (fuzzCase.expect.kind === 'reject-request') {
          const hasReason = typeof body.error === 'string' && body.error.length > 0;
          if (result.statusCode < 400 || result.statusCode >= 500 || !hasReason) failures.push(where);
          continue;
        }
        const valid = fuzzCase.expect.valid.map((reading) => readingSchema.parse(reading));
        for (const reading of valid) expectedIds.add(readingId(reading));
        const counted = Number(body.stored) + Number(body.duplicates);
        const rejected = (body.rejected as unknown[] | undefined)?.length;
        if (result.statusCode !== 200 || counted !== valid.length || rejected !== fuzzCase.expect.rejected) {
          failures.push(where);
        }
      }
    });

    expect(failures).toEqual([]);
    expect(cases.filter((fuzzCase) => fuzzCase.expect.kind === 'ok').length).toBe(609);
    expect(expectedIds.size).toBe(1193);
    expect(metrics.filter((line) => line.t.includes('outcome:error'))).toEqual([]);
    const stored = new Set<string>();
    for (const sensor of await harness.store.listSensors()) {
      const readings = await harness.store.queryReadings(sensor, {
        from: new Date('1970-01-01T00:00:00Z'),
        to: new Date('2100-01-01T00:00:00Z'),
      });
      for (const reading of readings) stored.add(readingId(reading));
    }
    expect(stored.size).toBe(expectedIds.size);
    expect([...stored].sort()).toEqual([...expectedIds].sort());
  }, 120_000);
});
