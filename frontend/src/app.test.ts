import { Writable } from 'node:stream';
import { createLogger, readingSchema } from '../../core/src/index';
import { startTestStore } from '../../core/src/testing/dynalite';
import { createApp } from './app';

const NOW = new Date('2026-01-31T12:00:00.000Z');
const HOSTILE_ROOM = '<img src=x onerror=alert(1)>';

let harness: Awaited<ReturnType<typeof startTestStore>>;
let app: ReturnType<typeof createApp>;
const logLines: Record<string, unknown>[] = [];

const reading = (
  sensor: { deviceId: string; sensorId: string; room: string },
  takenAt: string,
  temperature: number,
  humidity: number,
) => readingSchema.parse({ ...sensor, takenAt, temperature, humidity });

const captureLogs = () =>
  createLogger({
    service: 'frontend',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  });

beforeAll(async () => {
  harness = await startTestStore();
  const hall = { deviceId: 'pi-hall', sensorId: 'dht22', room: 'Hall' };
  // Every 5 minutes from 10:00 to 11:55: 24 readings, the latest 5 minutes before NOW.
  const hallReadings = Array.from({ length: 24 }, (_, index) =>
    reading(
      hall,
      new Date(Date.UTC(2026, 0, 31, 10, index * 5)).toISOString(),
      20 + (index % 4) / 10,
      40 + index,
    ),
  );
  await harness.store.putReadings(hallReadings);
  await harness.store.putReadings([
    reading(
      { deviceId: 'pi-attic', sensorId: 'dht11', room: HOSTILE_ROOM },
      '2026-01-31T10:00:00.000Z',
      31,
      30,
    ),
  ]);
  app = createApp({ store: harness.store, logger: captureLogs(), now: () => NOW });
});

afterAll(async () => {
  await harness.dynamo.close();
});

describe('GET /health', () => {
  it('returns ok', async () => {
    const response = await app.request('/health');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('GET /api/sensors', () => {
  it('lists sensors with latest reading and age', async () => {
    const response = await app.request('/api/sensors');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      sensors: [
        {
          deviceId: 'pi-attic',
          sensorId: 'dht11',
          room: HOSTILE_ROOM,
          latest: {
            deviceId: 'pi-attic',
            sensorId: 'dht11',
            room: HOSTILE_ROOM,
            takenAt: '2026-01-31T10:00:00.000Z',
            temperature: 31,
            humidity: 30,
          },
          ageSeconds: 7200,
          stale: true,
        },
        {
          deviceId: 'pi-hall',
          sensorId: 'dht22',
          room: 'Hall',
          latest: {
            deviceId: 'pi-hall',
            sensorId: 'dht22',
            room: 'Hall',
            takenAt: '2026-01-31T11:55:00.000Z',
            temperature: 20.3,
            humidity: 63,
          },
          ageSeconds: 300,
          stale: false,
        },
      ],
    });
  });
});

describe('GET /api/sensors/:deviceId/:sensorId/readings', () => {
  const path = '/api/sensors/pi-hall/dht22/readings';

  it('returns the last 24 h raw by default', async () => {
    const response = await app.request(path);

    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.sensor).toEqual({ deviceId: 'pi-hall', sensorId: 'dht22', room: 'Hall' });
    expect(body.from).toBe('2026-01-30T12:00:00.000Z');
    expect(body.to).toBe('2026-01-31T12:00:00.000Z');
    expect(body.readingCount).toBe(24);
    expect(body.bucketSeconds).toBeNull();
    expect(body.points).toHaveLength(24);
    expect(body.points[23]).toEqual({
      time: '2026-01-31T11:55:00.000Z',
      count: 1,
      temperature: { min: 20.3, mean: 20.3, max: 20.3 },
      humidity: { min: 63, mean: 63, max: 63 },
    });
  });

  it('downsamples to maxPoints buckets', async () => {
    const query = 'from=2026-01-31T10:00:00Z&to=2026-01-31T12:00:00Z&maxPoints=5';

    const response = await app.request(`${path}?${query}`);

    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.readingCount).toBe(24);
    expect(body.bucketSeconds).toBe(1800);
    expect(body.points.map((point: { time: string }) => point.time)).toEqual([
      '2026-01-31T10:00:00.000Z',
      '2026-01-31T10:30:00.000Z',
      '2026-01-31T11:00:00.000Z',
      '2026-01-31T11:30:00.000Z',
    ]);
    expect(body.points[0]).toEqual({
      time: '2026-01-31T10:00:00.000Z',
      count: 6,
      temperature: { min: 20, mean: 20.12, max: 20.3 },
      humidity: { min: 40, mean: 42.5, max: 45 },
    });
  });

  it('accepts a time offset in from and to', async () => {
    const query = 'from=2026-01-31T12:50:00%2B01:00&to=2026-01-31T13:00:00%2B01:00';

    const response = await app.request(`${path}?${query}`);

    const body = await response.json();
    expect(body.from).toBe('2026-01-31T11:50:00.000Z');
    expect(body.readingCount).toBe(2);
  });

  it('accepts an offset whose + was not encoded', async () => {
    const query = 'from=2026-01-31T12:50:00+01:00&to=2026-01-31T13:00:00.000+01:00';

    const response = await app.request(`${path}?${query}`);

    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.from).toBe('2026-01-31T11:50:00.000Z');
    expect(body.to).toBe('2026-01-31T12:00:00.000Z');
    expect(body.readingCount).toBe(2);
  });

  it('accepts maxPoints with leading zeros', async () => {
    const response = await app.request(`${path}?maxPoints=007`);

    expect(response.status).toBe(200);
    expect((await response.json()).bucketSeconds).toBe(21_600);
  });

  it.each([
    [
      'from=yesterday',
      [{ path: 'from', message: 'must be an ISO 8601 time such as 2026-01-31T08:15:00Z' }],
    ],
    [
      'from=2026-01-31T12:00:00Z&to=2026-01-31T11:00:00Z',
      [{ path: 'from', message: 'must be before "to"' }],
    ],
    [
      'from=2025-12-01T00:00:00Z&to=2026-01-31T00:00:00Z',
      [{ path: 'from', message: 'must be at most 31 days before "to"' }],
    ],
    ['maxPoints=1', [{ path: 'maxPoints', message: 'must be at least 2' }]],
    ['maxPoints=5000', [{ path: 'maxPoints', message: 'must be at most 2000' }]],
    ...['ten', '0x10', '1e3', '%2010', '10.5', '-5', ''].map((value) => [
      `maxPoints=${value}`,
      [{ path: 'maxPoints', message: 'must be a whole number in decimal digits, such as 500' }],
    ]),
    [
      'from=2026-01-31T12:50:00 01',
      [{ path: 'from', message: 'must be an ISO 8601 time such as 2026-01-31T08:15:00Z' }],
    ],
    ['form=2026-01-31T10:00:00Z', [{ path: '(query)', message: 'Unrecognized key: "form"' }]],
  ])('rejects ?%s with 400', async (query, problems) => {
    const response = await app.request(`${path}?${query}`);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid query parameters', problems });
  });

  it('rejects an invalid device id with 400', async () => {
    const response = await app.request('/api/sensors/Pi%20Hall/dht22/readings');

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid path parameters',
      problems: [
        {
          path: 'deviceId',
          message:
            'must be 1-63 characters of a-z, 0-9, "-" or "_", starting with a letter or digit',
        },
      ],
    });
  });

  it('returns 404 for a sensor that never reported', async () => {
    const response = await app.request('/api/sensors/pi-hall/dht11/readings');

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error:
        'sensor pi-hall/dht11 not found: it has never reported. GET /api/sensors lists the sensors that have.',
    });
  });
});

describe('overview page', () => {
  it('shows a card per sensor', async () => {
    const response = await app.request('/');

    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<h2 class="room">Hall</h2>');
    expect(page).toMatch(/<span class="temperature"\s*>20.3<span class="unit">°C<\/span>/);
    expect(page).toContain('>5 min ago</time');
    expect(page).toContain('2 sensors, 1 stale');
  });

  it('escapes a hostile room name', async () => {
    const page = await (await app.request('/')).text();

    expect(page).toContain('<h2 class="room">&lt;img src=x onerror=alert(1)&gt;</h2>');
    expect(page).not.toContain('<img');
  });

  it('marks the stale card', async () => {
    const page = await (await app.request('/')).text();

    expect(page).toMatch(/class="card stale"\s+href="\/sensors\/pi-attic\/dht11"/);
    expect(page).toContain('<span class="badge">stale</span>');
    expect(page).toContain('>2 h ago</time');
  });

  it('explains an empty table', async () => {
    const empty = await startTestStore();
    const emptyApp = createApp({ store: empty.store, logger: captureLogs(), now: () => NOW });

    const page = await (await emptyApp.request('/')).text();
    await empty.dynamo.close();

    expect(page).toContain('No sensor has reported yet.');
    expect(page).not.toContain('class="cards"');
  });

  it('sends a strict content security policy', async () => {
    const response = await app.request('/');

    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
  });
});

describe('sensor page', () => {
  it('renders the chart panels for 24 h', async () => {
    const response = await app.request('/sensors/pi-hall/dht22');

    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<h1 class="room">Hall</h1>');
    expect(page).toContain(
      'data-range="24h"\n        data-ranges="{&quot;24h&quot;:86400000,&quot;7d&quot;:604800000}"',
    );
    expect(page).toContain('<figure class="chart" data-chart="temperature">');
    expect(page).toContain('<script src="/assets/uPlot.iife.min.js" defer></script>');
  });

  it('selects 7 d from the query', async () => {
    const page = await (await app.request('/sensors/pi-hall/dht22?range=7d')).text();

    expect(page).toContain('data-range="7d"\n        data-ranges=');
    expect(page).toMatch(/data-range="7d"\s+aria-current="true"\s*>7 d<\/a/);
  });

  it('rejects an unknown range with 400', async () => {
    const response = await app.request('/sensors/pi-hall/dht22?range=1y');

    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      'This address is not valid: range must be one of 24h, 7d.',
    );
  });

  it('rejects an invalid sensor id with 400', async () => {
    const response = await app.request('/sensors/pi-hall/DHT%2022');

    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      'This address is not valid: sensorId must be 1-63 characters of a-z, 0-9, &quot;-&quot; or &quot;_&quot;, starting with a letter or digit.',
    );
  });

  it('returns 404 for an unknown sensor', async () => {
    const response = await app.request('/sensors/pi-hall/nothing');

    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Sensor pi-hall / nothing has never reported.');
  });
});

describe('wrong methods', () => {
  it.each([
    ['DELETE', '/api/sensors'],
    ['POST', '/api/sensors/pi-hall/dht22/readings'],
  ])('returns JSON 405 for %s %s', async (method, path) => {
    const response = await app.request(path, { method });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(await response.json()).toEqual({
      error: `${method} is not allowed on ${path}; use GET`,
    });
  });

  it('returns an HTML 405 for pages', async () => {
    const overview = await app.request('/', { method: 'POST' });
    const sensorPage = await app.request('/sensors/pi-hall/dht22', { method: 'PATCH' });
    const asset = await app.request('/assets/app.css', { method: 'DELETE' });
    const health = await app.request('/health', { method: 'PUT' });

    expect(overview.status).toBe(405);
    expect(overview.headers.get('allow')).toBe('GET, HEAD');
    expect(await overview.text()).toContain('POST is not allowed on /; use GET.');
    expect(sensorPage.status).toBe(405);
    expect(asset.status).toBe(405);
    expect(health.status).toBe(405);
  });

  it('still answers HEAD', async () => {
    const response = await app.request('/api/sensors', { method: 'HEAD' });

    expect(response.status).toBe(200);
  });

  it('returns 404 for an unknown path', async () => {
    const response = await app.request('/api/rooms', { method: 'POST' });

    expect(response.status).toBe(404);
    expect(response.headers.get('allow')).toBeNull();
  });
});

describe('unknown paths', () => {
  it('returns JSON 404 under /api', async () => {
    const response = await app.request('/api/rooms');

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no endpoint at GET /api/rooms' });
  });

  it('returns an HTML 404 elsewhere', async () => {
    const response = await app.request('/rooms');

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(await response.text()).toContain('There is no page at this address.');
  });
});

describe('assets', () => {
  it('serves uPlot from node_modules', async () => {
    const response = await app.request('/assets/uPlot.iife.min.js');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toContain('uPlot');
  });

  it('returns 304 for an unchanged asset', async () => {
    const first = await app.request('/assets/app.css');
    const etag = first.headers.get('etag') ?? '';

    const second = await app.request('/assets/app.css', { headers: { 'if-none-match': etag } });

    expect(etag).not.toBe('');
    expect(second.status).toBe(304);
  });

  it('returns 404 for an unknown asset', async () => {
    const response = await app.request('/assets/evil.js');

    expect(response.status).toBe(404);
  });
});

describe('request log', () => {
  it('logs one line per request', async () => {
    logLines.length = 0;

    const response = await app.request('/health');

    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toMatchObject({
      level: 'info',
      service: 'frontend',
      message: 'request served',
      method: 'GET',
      path: '/health',
      status: 200,
      request_id: response.headers.get('x-request-id'),
    });
  });
});

describe('store outage', () => {
  it('returns 503 with Retry-After', async () => {
    const broken = await startTestStore();
    await broken.dynamo.close();
    const brokenApp = createApp({ store: broken.store, logger: captureLogs(), now: () => NOW });
    logLines.length = 0;

    const response = await brokenApp.request('/api/sensors');

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(await response.json()).toEqual({
      error: 'The readings store is unavailable. Try again in 30 seconds.',
    });
    expect(logLines[0]).toMatchObject({
      level: 'error',
      message: 'request failed',
      path: '/api/sensors',
    });
    expect(logLines[0]?.error).toMatchObject({ name: 'StoreReadError' });
  });
});
