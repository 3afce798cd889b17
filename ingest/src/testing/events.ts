import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Context } from 'aws-lambda';
import type { ProxyEvent } from '../event';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
const cache = new Map<string, ProxyEvent>();

/** The API Gateway API key id the fixtures carry, and the device it is mapped to in tests. */
export const FIXTURE_KEY_ID = 'k7x2p9q4r1';
export const FIXTURE_DEVICE = 'pi-kitchen';

export type EventVersion = 'v1' | 'v2';

/** Returns a fresh copy of a fixture event from `ingest/fixtures/`, safe to edit. */
export function loadEvent(name: string): ProxyEvent {
  let event = cache.get(name);
  if (!event) {
    event = JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as ProxyEvent;
    cache.set(name, event);
  }
  return structuredClone(event);
}

export interface EventChanges {
  body?: string | null;
  base64?: boolean;
  method?: string;
  path?: string;
  /** Header values to set; `undefined` removes the header. */
  headers?: Record<string, string | undefined>;
  apiKeyId?: string | null;
}

/** Builds a real-shaped proxy event of either version with a body and optional changes. */
export function makeEvent(version: EventVersion, changes: EventChanges = {}): ProxyEvent {
  const event = loadEvent(`apigw-${version}-post-readings`) as Record<string, any>;
  const body = changes.body === undefined ? null : changes.body;
  event.body = body !== null && changes.base64 ? Buffer.from(body, 'utf8').toString('base64') : body;
  event.isBase64Encoded = Boolean(changes.base64);
  for (const [name, value] of Object.entries(changes.headers ?? {})) {
    for (const existing of Object.keys(event.headers)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete event.headers[existing];
    }
    if (value !== undefined) event.headers[name] = value;
  }

  if (version === 'v1') {
    if (changes.method) event.httpMethod = changes.method;
    if (changes.path) event.path = changes.path;
    if (changes.apiKeyId !== undefined) event.requestContext.identity.apiKeyId = changes.apiKeyId;
  } else {
    if (changes.method) event.requestContext.http.method = changes.method;
    if (changes.path) event.rawPath = changes.path;
    if (changes.apiKeyId !== undefined) event.requestContext.authorizer.lambda.apiKeyId = changes.apiKeyId;
  }
  return event as ProxyEvent;
}

/** A Lambda context as the runtime passes it, for handlers invoked in-process. */
export function lambdaContext(requestId = 'a1b2c3d4-0000-4000-8000-000000000001'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'hometemp-ingest',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:hometemp-ingest',
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/hometemp-ingest',
    logStreamName: '2026/01/31/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A pino destination that keeps each JSON line, for assertions on logs. */
export function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { stream, lines, raw };
}

/** One metric line as datadog-lambda-js writes it to stdout with `DD_FLUSH_TO_LOG=true`. */
export interface MetricLine {
  e: number;
  m: string;
  t: string[];
  v: number;
}

/**
 * Collects the metric lines datadog-lambda-js writes to stdout while `run` executes. Other
 * output passes through unchanged.
 */
export async function captureMetricLines<T>(run: () => Promise<T>) {
  const metrics: MetricLine[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = String(chunk);
    if (text.startsWith('{"e":')) {
      for (const line of text.split('\n').filter(Boolean)) metrics.push(JSON.parse(line) as MetricLine);
      return true;
    }
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    const result = await run();
    return { result, metrics };
  } finally {
    process.stdout.write = write;
  }
}
