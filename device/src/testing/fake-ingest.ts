import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Heartbeat, Reading } from '../../../core/src/index';
import { batchSchema, describeIssues, heartbeatSchema, readingId } from '../../../core/src/index';

/** A scripted answer: `stall` never answers; otherwise the status, headers and body to send. */
export type ScriptedAnswer = 'stall' | { status: number; headers?: Record<string, string>; body?: unknown };

export interface FakeIngest {
  endpoint: string;
  /** Readings stored, by reading id; a reading sent twice is stored once. */
  stored: Map<string, Reading>;
  heartbeats: Heartbeat[];
  /** Headers of every request, in order. */
  requests: Array<{ path: string; headers: IncomingMessage['headers'] }>;
  /** Answers used, in order, before the normal behaviour for POST /readings. */
  script: ScriptedAnswer[];
  /** Reading ids answered as rejected with this reason. */
  rejectIds: Map<string, string>;
  close(): Promise<void>;
}

/**
 * Starts an ingest stand-in on 127.0.0.1 that validates bodies with the same core schemas as
 * the real handler and answers in its format.
 */
export async function startFakeIngest(apiKey = 'test-key'): Promise<FakeIngest> {
  const fake: Omit<FakeIngest, 'endpoint' | 'close'> = {
    stored: new Map(),
    heartbeats: [],
    requests: [],
    script: [],
    rejectIds: new Map(),
  };
  const stalled = new Set<ServerResponse>();
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    fake.requests.push({ path: request.url ?? '', headers: request.headers });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    if (request.headers['x-api-key'] !== apiKey) return send(403, { message: 'Forbidden' });
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(400, { problems: [{ path: '(body)', message: 'must be JSON' }] });
    }
    if (request.url === '/heartbeats') {
      const parsed = heartbeatSchema.safeParse(body);
      if (!parsed.success) return send(400, { problems: describeIssues(parsed.error) });
      fake.heartbeats.push(parsed.data);
      return send(202, { accepted: true });
    }
    if (request.url !== '/readings') return send(404, { message: 'Not Found' });
    const scripted = fake.script.shift();
    if (scripted === 'stall') {
      stalled.add(response);
      return;
    }
    if (scripted) return send(scripted.status, scripted.body ?? {}, scripted.headers);
    const parsed = batchSchema.safeParse(body);
    if (!parsed.success) return send(400, { problems: describeIssues(parsed.error) });
    let storedCount = 0;
    let duplicates = 0;
    const rejected: Array<{ id: string; reason: string }> = [];
    for (const reading of parsed.data.readings) {
      const id = readingId(reading);
      const reason = fake.rejectIds.get(id);
      if (reason) rejected.push({ id, reason });
      else if (fake.stored.has(id)) duplicates++;
      else {
        fake.stored.set(id, reading);
        storedCount++;
      }
    }
    send(200, { stored: storedCount, duplicates, rejected });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    ...fake,
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const response of stalled) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
