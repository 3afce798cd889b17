import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Reading } from '../../core/src/index';
import { type HttpOptions, parseRetryAfter, sendBatch } from './delivery';
import { noTracing } from './telemetry';

// A server that answers every request with one fixed status, content type, body and headers.
let answer: { status: number; type: string; body: string; headers?: Record<string, string> } = {
  status: 200, type: 'text/html', body: '<html>dashboard</html>',
};
let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(answer.status, { 'content-type': answer.type, ...answer.headers });
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

describe('sendBatch Retry-After', () => {
  it('stops on an overflowing Retry-After', async () => {
    answer = { status: 503, type: 'application/json', body: '{}', headers: { 'retry-after': '99999999999999999999' } };
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
    };

    const result = await sendBatch([reading], { ...options(), retries: 3, sleep });

    expect(result).toEqual({
      kind: 'failed',
      reason: 'ingest returned HTTP 503 with Retry-After of 86400 s or more, past the run deadline; stopped after 1 try',
    });
    expect(sleeps).toEqual([]);
  });

  it('waits a Retry-After within the deadline', async () => {
    answer = { status: 429, type: 'application/json', body: '{}', headers: { 'retry-after': '2' } };
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
    };

    const result = await sendBatch([reading], { ...options(), retries: 1, sleep });

    expect(result).toEqual({ kind: 'failed', reason: 'ingest returned HTTP 429 after 2 tries' });
    expect(sleeps).toEqual([2000]);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 5, 1, 12);

  it.each([
    ['3600', 3_600_000],
    ['0', 0],
    ['99999999999999999999', 86_400_000],
    ['Mon, 01 Jun 2026 12:00:30 GMT', 30_000],
    ['Mon, 01 Jun 2026 11:00:00 GMT', 0],
    ['Fri, 31 Dec 9999 23:59:59 GMT', 86_400_000],
  ])('reads %s as %d ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it('caps a 400-digit delay at one day', () => {
    expect(parseRetryAfter('9'.repeat(400), now)).toBe(86_400_000);
  });

  it.each([['soon'], ['-5'], ['1.5']])('ignores %s', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });

  it('ignores a missing header', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
