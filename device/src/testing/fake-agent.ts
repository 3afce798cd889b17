import { type Socket, createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode } from '@msgpack/msgpack';

/** One span as the Agent's v0.4 trace intake receives it; ids are unsigned 64-bit. */
export interface ReceivedSpan {
  trace_id: bigint;
  span_id: bigint;
  parent_id: bigint;
  name: string;
  resource: string;
  service: string;
  error: number;
  meta: Record<string, string>;
  metrics: Record<string, number>;
}

export interface FakeTraceAgent {
  port: number;
  /** Every span of every payload, in arrival order. */
  spans: ReceivedSpan[];
  /** `METHOD path` of every request, including ones the fake does not serve. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Starts a Datadog Agent trace intake on 127.0.0.1 that decodes the msgpack payloads dd-trace
 * sends. A `/v0.4/traces` payload is an array of traces, each an array of span maps. A
 * `/v0.5/traces` payload is a string table, then traces of 12-element span arrays.
 */
export async function startFakeTraceAgent(): Promise<FakeTraceAgent> {
  const spans: ReceivedSpan[] = [];
  const requests: string[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = (request.url ?? '').split('?')[0];
    requests.push(`${request.method} ${path}`);
    if (path !== '/v0.4/traces' && path !== '/v0.5/traces') {
      response.writeHead(404).end();
      return;
    }
    const payload = decode(Buffer.concat(chunks), { useBigInt64: true });
    spans.push(...(path === '/v0.4/traces' ? fromV04(payload) : fromV05(payload)));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"rate_by_service":{}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as AddressInfo).port,
    spans,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function fromV04(payload: unknown): ReceivedSpan[] {
  const traces = payload as Array<Array<Record<string, unknown>>>;
  return traces.flat().map((span) => ({
    trace_id: BigInt(span.trace_id as bigint | number),
    span_id: BigInt(span.span_id as bigint | number),
    parent_id: BigInt(span.parent_id as bigint | number),
    name: String(span.name),
    resource: String(span.resource),
    service: String(span.service),
    error: Number(span.error ?? 0),
    meta: (span.meta ?? {}) as Record<string, string>,
    metrics: Object.fromEntries(
      Object.entries((span.metrics ?? {}) as Record<string, number | bigint>).map(([key, value]) => [key, Number(value)]),
    ),
  }));
}

// v0.5 span layout: service, name, resource, trace_id, span_id, parent_id, start, duration,
// error, meta, metrics, type; every string is an index into the payload's string table.
function fromV05(payload: unknown): ReceivedSpan[] {
  const [strings, traces] = payload as [string[], unknown[][][]];
  const text = (index: unknown) => strings[Number(index)] ?? '';
  const map = (entries: unknown, value: (raw: unknown) => unknown) =>
    Object.fromEntries([...(entries as Map<unknown, unknown>)].map(([key, raw]) => [text(key), value(raw)]));
  return traces.flat().map((span) => ({
    service: text(span[0]),
    name: text(span[1]),
    resource: text(span[2]),
    trace_id: BigInt(span[3] as bigint | number),
    span_id: BigInt(span[4] as bigint | number),
    parent_id: BigInt(span[5] as bigint | number),
    error: Number(span[8]),
    meta: map(new Map(Object.entries(span[9] as object)), text) as Record<string, string>,
    metrics: map(new Map(Object.entries(span[10] as object)), Number) as Record<string, number>,
  }));
}

/** One DogStatsD metric line, parsed: `name:value|type|@rate|#tag:value,...`. */
export interface ReceivedMetric {
  name: string;
  value: number;
  type: string;
  tags: string[];
}

export interface FakeDogStatsD {
  port: number;
  metrics: ReceivedMetric[];
  /** Lines that are not valid DogStatsD metrics. */
  invalid: string[];
  /** Resolves once `count` lines have arrived: a datagram may be read after its sender exited. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

const METRIC_LINE = /^([a-zA-Z][\w.]*):(-?[\d.]+(?:e[-+]?\d+)?)\|(c|g|ms|h|d|s)(?:\|@[\d.]+)?(?:\|#([^|]*))?$/;

/** Starts a DogStatsD listener on 127.0.0.1 over UDP; a datagram may carry several lines. */
export async function startFakeDogStatsD(): Promise<FakeDogStatsD> {
  const metrics: ReceivedMetric[] = [];
  const invalid: string[] = [];
  const socket: Socket = createSocket('udp4');
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const settleWaiters = () => {
    for (const waiter of [...waiters]) {
      if (metrics.length + invalid.length < waiter.count) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  socket.on('message', (message) => {
    for (const line of message.toString('utf8').split('\n')) {
      if (line === '') continue;
      const match = METRIC_LINE.exec(line);
      if (!match) {
        invalid.push(line);
        continue;
      }
      const [, name, value, type, tags] = match;
      metrics.push({ name: name!, value: Number(value), type: type!, tags: tags ? tags.split(',') : [] });
    }
    settleWaiters();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));

  return {
    port: socket.address().port,
    metrics,
    invalid,
    received: (count) =>
      new Promise<void>((resolve) => {
        waiters.push({ count, resolve });
        settleWaiters();
      }),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
