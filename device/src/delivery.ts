import { z } from 'zod';
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
  /** Milliseconds left before `signal` aborts; a Retry-After longer than this ends the run's tries. */
  remainingMs(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  random(): number;
  tracing: Tracing;
}

/** A reading that ingest rejected, with its reason. */
export interface Rejected {
  reading: Reading;
  reason: string;
}

/** The outcome of POSTing one batch to ingest. */
export type BatchResult =
  | { kind: 'accepted'; delivered: Reading[]; rejected: Rejected[] }
  | { kind: 'invalid'; rejected: Rejected[]; retry: Reading[] }
  | { kind: 'too_large' }
  | { kind: 'failed'; reason: string };

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/**
 * Cap on a parsed Retry-After. `deadlineSeconds` is at most 600, so a capped wait still stops the
 * run's tries, and the cap keeps any wait within what setTimeout accepts (2^31 - 1 ms).
 */
const RETRY_AFTER_MAX_MS = 86_400_000;

// Ingest's 200 body for POST /readings; unknown fields are allowed so ingest can add some.
const acceptedBodySchema = z.object({
  stored: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  rejected: z.array(z.object({ id: z.string(), reason: z.string(), message: z.string().optional() })),
});

// Ingest's 400 body when a batch is invalid: nothing was stored, each problem names a field path.
const problemsBodySchema = z.object({
  error: z.string().optional(),
  problems: z.array(z.object({ path: z.string(), message: z.string() })).min(1),
});

const errorBodySchema = z.object({ error: z.string() }).or(z.object({ message: z.string() }));

/**
 * POSTs one batch to `<endpoint>/readings` and interprets the response. Network errors, timeouts,
 * 408, 429 and 5xx are retried with backoff and jitter (429 and 503 after their Retry-After).
 * Readings are moved aside only when ingest's own response names them: per-reading rejections in a
 * 200, or a 400 whose body is ingest's problem list. Any other answer, including a 2xx that is
 * not ingest's JSON and a 404 or 405 from a wrong endpoint, fails the batch and keeps it.
 */
export async function sendBatch(readings: Reading[], options: HttpOptions): Promise<BatchResult> {
  const response = await postWithRetries('/readings', { readings }, options);
  if ('failed' in response) return { kind: 'failed', reason: response.failed };
  const { status, body, url, tries } = response;

  if (status >= 200 && status < 300) {
    const accepted = acceptedBodySchema.safeParse(body);
    if (accepted.success) return interpretAccepted(readings, accepted.data.rejected);
    return {
      kind: 'failed',
      reason: `${url} returned HTTP ${status} but not ingest's response (${quote(body)}); check endpoint`,
    };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'failed',
      reason: `ingest rejected the request (HTTP ${status}): ${serverMessage(body)}; check apiKey and deviceId`,
    };
  }
  if (status === 404 || status === 405) {
    return {
      kind: 'failed',
      reason: `${url} is not ingest's readings route (HTTP ${status}: ${serverMessage(body)}); check endpoint`,
    };
  }
  if (status === 413) return { kind: 'too_large' };
  if (isRetryableStatus(status)) {
    return { kind: 'failed', reason: `ingest returned HTTP ${status} after ${describeTries(tries)}` };
  }
  const problems = status === 400 ? problemsBodySchema.safeParse(body) : undefined;
  if (problems?.success) return interpretInvalid(readings, problems.data.problems);

  return {
    kind: 'failed',
    reason: `${url} returned HTTP ${status} without ingest's problem list (${quote(body)}); check endpoint`,
  };
}

/** POSTs a heartbeat; returns undefined when ingest took it, or the reason it did not. */
export async function sendHeartbeat(heartbeat: unknown, options: HttpOptions): Promise<string | undefined> {
  const response = await postWithRetries('/heartbeats', heartbeat, options);
  if ('failed' in response) return response.failed;
  if (response.status >= 200 && response.status < 300) return undefined;

  return `ingest returned HTTP ${response.status} to the heartbeat: ${quote(response.body)}`;
}

type PostOutcome = { status: number; body: unknown; url: string; tries: number } | { failed: string };

async function postWithRetries(path: string, payload: unknown, options: HttpOptions): Promise<PostOutcome> {
  let last: PostOutcome = { failed: 'not sent before the run deadline' };
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    if (options.signal.aborted) break;
    const { response, retryAfterMs } = await postOnce(path, payload, options);
    last = 'failed' in response ? response : { ...response, tries: attempt + 1 };
    const retryable = 'failed' in response || isRetryableStatus(response.status);
    if (!retryable || attempt === options.retries) break;
    if (retryAfterMs !== undefined && retryAfterMs > options.remainingMs()) {
      // Waiting would pass the deadline, so the run stops trying and keeps the readings.
      const status = 'failed' in response ? 'an error' : `HTTP ${response.status}`;
      return {
        failed:
          `ingest returned ${status} with Retry-After ${describeRetryAfter(retryAfterMs)}, past the run ` +
          `deadline; stopped after ${describeTries(attempt + 1)}`,
      };
    }
    const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt) * options.random();
    await options.sleep(retryAfterMs ?? backoff, options.signal);
  }

  return last;
}

const describeTries = (tries: number) => (tries === 1 ? '1 try' : `${tries} tries`);

function describeRetryAfter(ms: number): string {
  const seconds = Math.ceil(ms / 1000);

  return ms >= RETRY_AFTER_MAX_MS ? `of ${seconds} s or more` : `${seconds} s`;
}

async function postOnce(
  path: string,
  payload: unknown,
  options: HttpOptions,
): Promise<{ response: { status: number; body: unknown; url: string } | { failed: string }; retryAfterMs?: number }> {
  const url = `${options.endpoint.replace(/\/+$/, '')}${path}`;
  return options.tracing.span('http.request', { resource: `POST ${path}`, tags: { 'http.method': 'POST', 'http.url': url } }, async (span) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-api-key': options.apiKey,
    };
    span.inject(headers);
    // A timer held here and cleared below, because on Node 20 an AbortSignal.timeout passed only
    // to AbortSignal.any can be garbage-collected before it fires, and then it never aborts.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
    const onRunAbort = () => timeout.abort();
    options.signal.addEventListener('abort', onRunAbort, { once: true });
    let timedOut = false;
    timeout.signal.addEventListener('abort', () => (timedOut = !options.signal.aborted), { once: true });
    try {
      const response = await postJson(url, JSON.stringify(payload), { headers, signal: timeout.signal });
      span.setTag('http.status_code', response.status);
      const retryAfter = response.headers['retry-after'];

      return {
        response: { status: response.status, body: parseJson(response.body), url },
        retryAfterMs: parseRetryAfter(retryAfter ?? null, Date.now()),
      };
    } catch (error) {
      const reason = timedOut
        ? `no response from ${url} within ${options.timeoutMs} ms`
        : options.signal.aborted
          ? `POST ${url} abandoned: the run reached its deadline or was stopped`
          : `POST ${url} failed: ${describeRequestError(error)}`;
      span.setTag('error.message', reason);

      return { response: { failed: reason } };
    } finally {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onRunAbort);
    }
  });
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Reads Retry-After as seconds or an HTTP date, in ms from now and at most one day; undefined when
 * absent or bad.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Math.min(RETRY_AFTER_MAX_MS, Number(value) * 1000);
  // All three HTTP date formats of RFC 9110 start with the day name. Date.parse alone would also
  // read "-5" or "1.5" as dates.
  if (!/^[A-Za-z]{3}/.test(value.trim())) return undefined;
  const date = Date.parse(value);

  return Number.isNaN(date) ? undefined : Math.min(RETRY_AFTER_MAX_MS, Math.max(0, date - nowMs));
}

function interpretAccepted(readings: Reading[], rejectedList: Array<{ id: string; reason: string; message?: string }>): BatchResult {
  const reasons = new Map(
    rejectedList.map((item) => [item.id, item.message ? `${item.reason}: ${item.message}` : item.reason]),
  );
  const delivered: Reading[] = [];
  const rejected: Rejected[] = [];
  for (const reading of readings) {
    const reason = reasons.get(readingId(reading));
    if (reason === undefined) delivered.push(reading);
    else rejected.push({ reading, reason });
  }

  return { kind: 'accepted', delivered, rejected };
}

function interpretInvalid(readings: Reading[], problems: Array<{ path: string; message: string }>): BatchResult {
  const byIndex = new Map<number, string[]>();
  for (const problem of problems) {
    const match = /^readings\.(\d+)\b(.*)$/.exec(problem.path);
    if (!match) continue;
    const index = Number(match[1]);
    byIndex.set(index, [...(byIndex.get(index) ?? []), `${problem.path}: ${problem.message}`]);
  }
  if (byIndex.size === 0) {
    // The problems name no reading, so the whole batch goes aside with ingest's message.
    const reason = `HTTP 400: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ').slice(0, 300)}`;
    return { kind: 'invalid', rejected: readings.map((reading) => ({ reading, reason })), retry: [] };
  }
  const rejected = [...byIndex].flatMap(([index, messages]) =>
    readings[index] ? [{ reading: readings[index]!, reason: `HTTP 400: ${messages.join('; ')}` }] : [],
  );

  return { kind: 'invalid', rejected, retry: readings.filter((_, index) => !byIndex.has(index)) };
}

/** Returns the error text of an ingest or API Gateway error body, else the start of the body. */
function serverMessage(body: unknown): string {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return quote(body);

  return 'error' in parsed.data ? parsed.data.error : parsed.data.message;
}

function quote(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);

  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

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
