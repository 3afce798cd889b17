import type { Reading } from '../../core/src/index';
import { readingId } from '../../core/src/reading';
import { postJson } from './http-post';
import type { Tracing } from './telemetry';

export interface HttpOptions {
  endpoint: string;
  apiKey: string;
  timeoutMs: number;
  /** Retries of one request inside the run, after the first try. */
  retries: number;
  /** Aborts at the run deadline. */
  signal: AbortSignal;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  random(): number;
  tracing: Tracing;
}

/** The outcome of POSTing one batch to ingest. */
export type BatchResult =
  | { kind: 'accepted'; delivered: Reading[]; rejected: Array<{ reading: Reading; reason: string }> }
  | { kind: 'invalid'; rejected: Array<{ reading: Reading; reason: string }>; retry: Reading[] }
  | { kind: 'too_large' }
  | { kind: 'failed'; reason: string };

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;

/**
 * POSTs one batch to `<endpoint>/readings` and interprets the response. Network errors, timeouts,
 * 408, 429 and 5xx are retried with backoff and jitter (429 and 503 after their Retry-After);
 * other 4xx move the named readings aside with the server's reason, except 401/403 (a wrong key
 * is a config problem, so the readings stay in the spool) and 413 (the caller splits the batch).
 */
export async function sendBatch(readings: Reading[], options: HttpOptions): Promise<BatchResult> {
  const response = await postWithRetries('/readings', { readings }, options);
  if ('failed' in response) return { kind: 'failed', reason: response.failed };
  const { status, body } = response;

  if (status >= 200 && status < 300) return interpretAccepted(readings, body);
  if (status === 401 || status === 403) {
    return { kind: 'failed', reason: `ingest refused the API key (HTTP ${status}); check apiKey` };
  }
  if (status === 413) return { kind: 'too_large' };
  if (isRetryableStatus(status)) {
    return { kind: 'failed', reason: `ingest returned HTTP ${status} after ${options.retries + 1} tries` };
  }

  return interpretInvalid(readings, status, body);
}

/** POSTs a heartbeat; returns undefined when ingest took it, or the reason it did not. */
export async function sendHeartbeat(heartbeat: unknown, options: HttpOptions): Promise<string | undefined> {
  const response = await postWithRetries('/heartbeats', heartbeat, options);
  if ('failed' in response) return response.failed;
  if (response.status >= 200 && response.status < 300) return undefined;

  return `ingest returned HTTP ${response.status} to the heartbeat: ${JSON.stringify(response.body).slice(0, 200)}`;
}

type PostOutcome = { status: number; body: unknown } | { failed: string };

async function postWithRetries(path: string, payload: unknown, options: HttpOptions): Promise<PostOutcome> {
  let last: PostOutcome = { failed: 'not sent before the run deadline' };
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    if (options.signal.aborted) break;
    const { response, retryAfterMs } = await postOnce(path, payload, options);
    last = response;
    const retryable = 'failed' in response || isRetryableStatus(response.status);
    if (!retryable || attempt === options.retries) break;
    const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt) * options.random();
    await options.sleep(retryAfterMs ?? backoff, options.signal);
  }

  return last;
}

async function postOnce(
  path: string,
  payload: unknown,
  options: HttpOptions,
): Promise<{ response: PostOutcome; retryAfterMs?: number }> {
  const url = `${options.endpoint.replace(/\/+$/, '')}${path}`;
  return options.tracing.span('http.request', { resource: `POST ${path}`, tags: { 'http.method': 'POST', 'http.url': url } }, async (span) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-api-key': options.apiKey,
    };
    span.inject(headers);
    const timeout = AbortSignal.timeout(options.timeoutMs);
    try {
      const response = await postJson(url, JSON.stringify(payload), {
        headers,
        signal: AbortSignal.any([options.signal, timeout]),
      });
      span.setTag('http.status_code', response.status);
      const retryAfter = response.headers['retry-after'];

      return {
        response: { status: response.status, body: parseJson(response.body) },
        retryAfterMs: parseRetryAfter(retryAfter ?? null, Date.now()),
      };
    } catch (error) {
      const reason = timeout.aborted
        ? `no response from ${url} within ${options.timeoutMs} ms`
        : options.signal.aborted
          ? `POST ${url} abandoned at the run deadline`
          : `POST ${url} failed: ${describeRequestError(error)}`;
      span.setTag('error.message', reason);

      return { response: { failed: reason } };
    }
  });
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Reads Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or bad. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);

  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function interpretAccepted(readings: Reading[], body: unknown): BatchResult {
  const rejectedList = Array.isArray((body as { rejected?: unknown })?.rejected)
    ? ((body as { rejected: Array<{ id?: unknown; reason?: unknown }> }).rejected)
    : [];
  const reasons = new Map(rejectedList.map((item) => [String(item.id), String(item.reason)]));
  const delivered: Reading[] = [];
  const rejected: Array<{ reading: Reading; reason: string }> = [];
  for (const reading of readings) {
    const reason = reasons.get(idOf(reading));
    if (reason === undefined) delivered.push(reading);
    else rejected.push({ reading, reason });
  }

  return { kind: 'accepted', delivered, rejected };
}

function interpretInvalid(readings: Reading[], status: number, body: unknown): BatchResult {
  const problems = Array.isArray((body as { problems?: unknown })?.problems)
    ? (body as { problems: Array<{ path?: unknown; message?: unknown }> }).problems
    : [];
  const byIndex = new Map<number, string[]>();
  for (const problem of problems) {
    const match = /^readings\.(\d+)\b(.*)$/.exec(String(problem.path));
    if (!match) continue;
    const index = Number(match[1]);
    byIndex.set(index, [...(byIndex.get(index) ?? []), `${problem.path}: ${problem.message}`]);
  }
  if (byIndex.size === 0) {
    // The response names no reading, so the whole batch goes aside with ingest's message.
    const reason = `HTTP ${status}: ${JSON.stringify(body).slice(0, 300)}`;
    return { kind: 'invalid', rejected: readings.map((reading) => ({ reading, reason })), retry: [] };
  }
  const rejected = [...byIndex].flatMap(([index, messages]) =>
    readings[index] ? [{ reading: readings[index]!, reason: `HTTP ${status}: ${messages.join('; ')}` }] : [],
  );

  return { kind: 'invalid', rejected, retry: readings.filter((_, index) => !byIndex.has(index)) };
}

// Ingest identifies rejected readings by the contract's reading id.
const idOf = (reading: Reading) => readingId(reading);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeRequestError(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
