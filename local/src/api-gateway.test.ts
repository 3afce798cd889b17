import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createLogger } from '../../core/src/index';
import { createApiGateway } from './api-gateway';

const device = { deviceId: 'pi-attic', apiKey: 'k'.repeat(32), apiKeyId: 'local-pi-attic' };
const received: APIGatewayProxyEvent[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  const logger = createLogger({ service: 'local', level: 'silent' });
  ({ server } = createApiGateway({
    devices: [device],
    logger,
    handler: async (event) => {
      received.push(event);
      return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
    },
  }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('local API gateway', () => {
  it('rejects a request without a key', async () => {
    const response = await fetch(`${url}/readings`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Forbidden' });
  });

  it('rejects an unknown key', async () => {
    const response = await fetch(`${url}/readings`, {
      method: 'POST',
      headers: { 'x-api-key': 'not-a-key-of-any-device' },
      body: '{}',
    });

    expect(response.status).toBe(403);
  });

  it('passes bytes that are not UTF-8 as base64', async () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);

    await fetch(`${url}/readings`, {
      method: 'POST',
      headers: { 'x-api-key': device.apiKey, 'content-type': 'application/json' },
      body,
    });

    const event = received.at(-1)!;
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe('e//+fQ==');
  });

  it('passes a REST proxy event with the key identity', async () => {
    const response = await fetch(`${url}/readings?dry=1`, {
      method: 'POST',
      headers: { 'X-Api-Key': device.apiKey, 'Content-Type': 'application/json' },
      body: '{"readings":[]}',
    });

    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ ok: true });
    const event = received.at(-1)!;
    expect(event.httpMethod).toBe('POST');
    expect(event.path).toBe('/readings');
    expect(event.body).toBe('{"readings":[]}');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.headers['Content-Type']).toBe('application/json');
    expect(event.multiValueHeaders['Content-Type']).toEqual(['application/json']);
    expect(event.queryStringParameters).toEqual({ dry: '1' });
    expect(event.requestContext.identity.apiKeyId).toBe('local-pi-attic');
    expect(event.requestContext.identity.apiKey).toBe(device.apiKey);
    expect(event.requestContext.stage).toBe('local');
  });
});
