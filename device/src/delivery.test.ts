import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Reading } from '../../core/src/index';
import { type HttpOptions, sendBatch } from './delivery';
import { noTracing } from './telemetry';

// A server that answers every request with one fixed status, content type and body.
let answer = { status: 200, type: 'text/html', body: '<html>dashboard</html>' };
let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(answer.status, { 'content-type': answer.type });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const reading: Reading = {
  deviceId: 'pi-attic', sensorId: 'attic', room: 'Attic', takenAt: '2026-06-01T11:00:00.000Z',
  temperature: 18, humidity: 55,
};

const options = (): HttpOptions => ({
  endpoint, apiKey: 'test-key', timeoutMs: 1000, retries: 0, signal: new AbortController().signal,
  remainingMs: () => 10_000, sleep: async () => {}, random: () => 0.5, tracing: noTracing,
});

describe('sendBatch', () => {
  it('fails on a 200 that is not ingest JSON', async () => {
    answer = { status: 200, type: 'text/html', body: '<html>dashboard</html>' };

    const result = await sendBatch([reading], options());

    expect(result).toEqual({
      kind: 'failed',
      reason: `${endpoint}/readings returned HTTP 200 but not ingest's response (<html>dashboard</html>); check endpoint`,
    });
  });

  it('fails on a 200 JSON without the counts', async () => {
    answer = { status: 200, type: 'application/json', body: '{"ok":true}' };

    const result = await sendBatch([reading], options());

    expect(result.kind).toBe('failed');
  });

  it('keeps a batch on a 400 without problems', async () => {
    answer = { status: 400, type: 'application/json', body: '{"error":"body must be JSON"}' };

    const result = await sendBatch([reading], options());

    expect(result).toEqual({
      kind: 'failed',
      reason: `${endpoint}/readings returned HTTP 400 without ingest's problem list ({"error":"body must be JSON"}); check endpoint`,
    });
  });

  it('shows the message of a 403', async () => {
    answer = {
      status: 403,
      type: 'application/json',
      body: JSON.stringify({ error: 'this API key belongs to device "pi-attic" and cannot write readings of device "pi-old"' }),
    };

    const result = await sendBatch([reading], options());

    expect(result).toEqual({
      kind: 'failed',
      reason:
        'ingest rejected the request (HTTP 403): this API key belongs to device "pi-attic" and cannot write readings of device "pi-old"; check apiKey and deviceId',
    });
  });

  it('moves aside the readings a problem list names', async () => {
    answer = {
      status: 400,
      type: 'application/json',
      body: JSON.stringify({ error: 'invalid batch', problems: [{ path: 'readings.0.room', message: 'must not be empty' }] }),
    };

    const result = await sendBatch([reading], options());

    expect(result).toEqual({
      kind: 'invalid',
      rejected: [{ reading, reason: 'HTTP 400: readings.0.room: must not be empty' }],
      retry: [],
    });
  });
});
