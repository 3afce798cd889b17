import path from 'node:path';
import { Writable } from 'node:stream';
import { type LocalStack, startLocalStack } from './stack';

interface SensorJson {
  deviceId: string;
  sensorId: string;
  room: string;
  latest: { takenAt: string; temperature: number; humidity: number };
}

interface ReadingsJson {
  readingCount: number;
  bucketSeconds: number | null;
  points: Array<{ time: string; humidity: { min: number } }>;
}

const RECORDING = path.resolve(__dirname, '../../data/dht11-indoor-2019-09.csv');
const HOUR = 3600_000;
let stack: LocalStack;
const lines: string[] = [];
const metricLines: string[] = [];

beforeAll(async () => {
  // datadog-lambda-js writes metric lines straight to stdout, as it does in Lambda.
  const write = process.stdout.write.bind(process.stdout);
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk);
    if (!text.startsWith('{"e":')) return write(chunk);
    metricLines.push(...text.trim().split('\n'));
    return true;
  });
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).trim().split('\n'));
      done();
    },
  });
  stack = await startLocalStack({
    host: '127.0.0.1',
    dashboardPort: 0,
    apiPort: 0,
    recordingPath: RECORDING,
    backfillDays: 1,
    intervalMs: 1000,
    logLevel: 'info',
    logDestination: destination,
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** Polls until `check` returns a value: the collectors deliver on their own schedule. */
async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('local stack', () => {
  it('shows three simulated sensors with recent readings', async () => {
    const sensors = await eventually(async () => {
      const { sensors: list } = await getJson<{ sensors: SensorJson[] }>(
        `${stack.dashboardUrl}/api/sensors`,
      );
      const recent = list.filter((sensor) => Date.now() - Date.parse(sensor.latest.takenAt) < HOUR);
      return recent.length === 3 ? list : undefined;
    });

    expect(sensors.map((sensor) => sensor.room).sort()).toEqual(['Attic', 'Bedroom', 'Living room']);
    for (const sensor of sensors) {
      expect(sensor.latest.temperature).toBeGreaterThanOrEqual(19);
      expect(sensor.latest.temperature).toBeLessThanOrEqual(24);
    }
  });

  it('backfills a day of recorded history', async () => {
    const to = new Date();
    const from = new Date(to.getTime() - 25 * HOUR);

    const body = await eventually(async () => {
      const page = await getJson<ReadingsJson>(
        `${stack.dashboardUrl}/api/sensors/pi-attic/attic-dht11/readings?from=${from.toISOString()}&to=${to.toISOString()}&maxPoints=2000`,
      );
      const span = page.points.length
        ? Date.parse(page.points.at(-1)!.time) - Date.parse(page.points[0]!.time)
        : 0;
      return span > 23 * HOUR ? page : undefined;
    });

    // One backfilled reading per 5 minutes for a day, plus the live ones.
    expect(body.readingCount).toBeGreaterThanOrEqual(288);
    expect(body.bucketSeconds).toBeNull();
    // The recording's impossible humidities (6 % and 10 % from a DHT11) never reach the chart.
    expect(body.points.every((point) => point.humidity.min >= 20)).toBe(true);
  });

  it('rejects a key that is not a device key', async () => {
    const response = await fetch(`${stack.apiUrl}/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'guessed-key-000000000000' },
      body: JSON.stringify({ readings: [] }),
    });

    expect(response.status).toBe(403);
  });

  it('rejects readings of another device', async () => {
    const living = stack.devices.find((device) => device.deviceId === 'pi-living')!;
    const takenAt = new Date(Date.now() - 60_000).toISOString();

    const response = await fetch(`${stack.apiUrl}/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': living.apiKey },
      body: JSON.stringify({
        readings: [
          { deviceId: 'pi-attic', sensorId: 'attic-dht11', room: 'Attic', takenAt, temperature: 35, humidity: 50 },
        ],
      }),
    });

    expect(response.status).toBe(403);
    const { sensors } = await getJson<{ sensors: SensorJson[] }>(`${stack.dashboardUrl}/api/sensors`);
    expect(sensors.find((sensor) => sensor.deviceId === 'pi-attic')?.latest.temperature).not.toBe(35);
  });

  it('serves the overview with a card per room', async () => {
    const response = await fetch(`${stack.dashboardUrl}/`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain('Living room');
    expect(html).toContain('Bedroom');
    expect(html).toContain('Attic');
  });

  it('never logs a device API key', () => {
    const log = lines.join('\n');

    expect(lines.length).toBeGreaterThan(10);
    for (const device of stack.devices) expect(log).not.toContain(device.apiKey);
  });

  it('writes ingest metrics to the log with low-cardinality tags', () => {
    const temperatures = metricLines
      .map((line) => JSON.parse(line) as { m: string; t: string[] })
      .filter((metric) => metric.m === 'hometemp.temperature');

    expect(temperatures.length).toBeGreaterThan(0);
    expect(temperatures[0]!.t.filter((tag) => !tag.startsWith('dd_lambda_layer:')).sort()).toEqual(
      expect.arrayContaining(['env:local', 'service:hometemp-ingest']),
    );
    expect(temperatures.flatMap((metric) => metric.t)).not.toContain('');
  });
});
