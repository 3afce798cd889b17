import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Heartbeat, Reading } from '../../../core/src/index';
import { batchSchema, describeIssues, heartbeatSchema, readingId } from '../../../core/src/index';

/** A scripted response: `stall` never responds; otherwise the status, headers and body to send. */
export type ScriptedAnswer = 'stall' | { status: number; headers?: Record<string, string>; body?: unknown };

export interface FakeIngest {
  endpoint: string;
  /** Readings stored, by reading id; a reading sent twice is stored once. */
  stored: Map<string, Reading>;
  heartbeats: Heartbeat[];
  /** Headers of every request, in order. */
  requests: Array<{ path: string; headers: IncomingMessage['headers'] }>;
  /** Responses used, in order, before the normal behaviour for POST /readings. */
  script: ScriptedAnswer[];
  /** Reading ids that the fake rejects with this reason. */
  rejectIds: Map<string, string>;
  close(): Promise<void>;
}

/** Ingest's default `INGEST_METRIC_MAX_AGE_SECONDS`: older stored readings count as `late`. */
const METRIC_MAX_AGE_MS = 3000 * 1000;

/**
 * Starts an ingest stand-in on 127.0.0.1 that validates bodies with the same core schemas as
 * the real handler and responds in its format: `{stored, duplicates, rejected, late, conflicts}`
 * for readings and `{accepted, latest, repeated}` for heartbeats.
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
  // The newest heartbeat's finishedAt per device, and every run id seen, as ingest's store keeps.
  const latestFinishedAt = new Map<string, string>();
  const runIds = new Set<string>();
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
      const heartbeat = parsed.data;
      fake.heartbeats.push(heartbeat);
      const repeated = runIds.has(`${heartbeat.deviceId}\n${heartbeat.runId}`);
      runIds.add(`${heartbeat.deviceId}\n${heartbeat.runId}`);
      const newest = latestFinishedAt.get(heartbeat.deviceId);
      const latest = newest === undefined || Date.parse(heartbeat.finishedAt) >= Date.parse(newest);
      if (latest) latestFinishedAt.set(heartbeat.deviceId, heartbeat.finishedAt);
      return send(200, { accepted: true, latest, repeated });
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
    const receivedAtMs = Date.now();
    let storedCount = 0;
    let duplicates = 0;
    let late = 0;
    const conflicts: string[] = [];
    const rejected: Array<{ id: string; reason: string }> = [];
    for (const reading of parsed.data.readings) {
      const id = readingId(reading);
      const reason = fake.rejectIds.get(id);
      const earlier = fake.stored.get(id);
      if (reason) rejected.push({ id, reason });
      else if (earlier) {
        duplicates++;
        // The first stored values win; a repeat with other values is listed, as ingest does.
        if (JSON.stringify(earlier) !== JSON.stringify(reading)) conflicts.push(id);
      } else {
        fake.stored.set(id, reading);
        storedCount++;
        if (receivedAtMs - Date.parse(reading.takenAt) > METRIC_MAX_AGE_MS) late++;
      }
    }
    send(200, { stored: storedCount, duplicates, rejected, late, conflicts });
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
