import './testing/env';
import net from 'node:net';
import { startTestStore } from '../../core/src/testing/dynalite';
import { loadConfig } from './config';
import { handler } from './lambda';
import { captureMetricLines, lambdaContext, makeEvent } from './testing/events';

let harness: Awaited<ReturnType<typeof startTestStore>>;
const connections: string[] = [];
const rejections: unknown[] = [];
const originalConnect = net.Socket.prototype.connect;
const onRejection = (reason: unknown) => rejections.push(reason);

beforeAll(async () => {
  harness = await startTestStore('ingest-lambda');
  process.env.INGEST_TABLE = harness.tableName;
  process.env.INGEST_DYNAMODB_ENDPOINT = harness.dynamo.endpoint;
  process.env.INGEST_DEVICE_KEYS = JSON.stringify({ k7x2p9q4r1: 'pi-kitchen' });
  process.env.INGEST_LOG_LEVEL = 'silent';
  process.on('unhandledRejection', onRejection);
  // Records where every socket goes and lets the connection proceed unchanged.
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    // Node passes `[options, callback]` as one array argument on its internal path.
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const target = typeof first === 'object' && first !== null ? (first as { host?: string; path?: string }) : {};
    connections.push(String(target.host ?? target.path ?? args[1] ?? 'no host given'));
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
});

afterAll(async () => {
  net.Socket.prototype.connect = originalConnect;
  process.off('unhandledRejection', onRejection);
  harness.client.destroy();
  await harness.dynamo.close();
});

describe('Lambda handler outside Lambda', () => {
  it('serves 100 invocations without leaving loopback', async () => {
    const start = Date.now() - 60_000;

    const { result: statuses, metrics } = await captureMetricLines(async () => {
      const seen: number[] = [];
      for (let index = 0; index < 100; index++) {
        const takenAt = new Date(start + index * 1000).toISOString();
        const body = JSON.stringify({
          readings: [{ deviceId: 'pi-kitchen', sensorId: 'loop', room: 'Kitchen', takenAt, temperature: 20, humidity: 40 }],
        });
        const result = await handler(makeEvent(index % 2 ? 'v1' : 'v2', { body }), lambdaContext());
        seen.push(result.statusCode);
      }
      return seen;
    });
    await new Promise((resolve) => setImmediate(resolve));

    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(metrics.filter((line) => line.m === 'hometemp.temperature')).toHaveLength(100);
    expect(rejections).toEqual([]);
    expect(connections.length).toBeGreaterThan(0);
    expect(connections.filter((host) => host !== '127.0.0.1')).toEqual([]);
  });
});

describe('loadConfig', () => {
  it('lists every problem in one error', () => {
    expect(() =>
      loadConfig({ INGEST_DEVICE_KEYS: '{"k1":"Pi Kitchen"}', INGEST_MAX_BODY_BYTES: '12kb' }),
    ).toThrow(
      'invalid ingest configuration: INGEST_TABLE is not set; set it to the DynamoDB table name; ' +
        'must be 1-63 characters of a-z, 0-9, "-" or "_", starting with a letter or digit; ' +
        'INGEST_MAX_BODY_BYTES must be a whole number',
    );
  });

  it('rejects device keys that are not JSON', () => {
    expect(() => loadConfig({ INGEST_TABLE: 'hometemp', INGEST_DEVICE_KEYS: 'k1=pi' })).toThrow(
      'INGEST_DEVICE_KEYS is not valid JSON; set it to JSON such as {"<apiKeyId>":"<deviceId>"}',
    );
  });

  it('fills defaults', () => {
    const config = loadConfig({ INGEST_TABLE: 'hometemp', INGEST_DEVICE_KEYS: '{"k1":"pi-kitchen"}' });

    expect(config.maxBodyBytes).toBe(65536);
    expect(config.maxFutureSeconds).toBe(300);
    expect(config.metricMaxAgeSeconds).toBe(3000);
    expect(config.earliestReading.toISOString()).toBe('2019-01-01T00:00:00.000Z');
    expect(Object.isFrozen(config)).toBe(true);
  });
});
