import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeDashboards } from './fake-dashboards';
import { FakeDowntimes } from './fake-downtimes';

/** A monitor as the fake stores it, in Datadog's wire format (snake_case). */
export type StoredMonitor = Record<string, any> & { id: number; name: string; tags: string[] };

interface Failure {
  method: string;
  path: RegExp;
  status: number;
  remaining: number;
  /** The request takes effect before the failure is sent, as when Datadog stores and then fails. */
  afterEffect: boolean;
}

export interface FakeDatadogOptions {
  /** Requests allowed per rate-limit period and bucket; Infinity turns limits off. */
  rateLimit?: number;
  ratePeriodSeconds?: number;
}

const API_KEY = 'fake-api-key';
const APP_KEY = 'fake-app-key';

// Option defaults Datadog fills in on create and update (observed in API responses).
const OPTION_DEFAULTS = {
  notify_audit: false,
  include_tags: true,
  new_host_delay: 300,
  notify_no_data: false,
  silenced: {},
};

const formatThreshold = (value: number) => (Number.isInteger(value) ? value.toFixed(1) : String(value));

/**
 * A local stand-in for Datadog's monitor, v2 downtime and v1 dashboard APIs on 127.0.0.1. It
 * responds like Datadog: key checks with 403, monitor list filters (`monitor_tags`, `tags`,
 * `name`) and pages, defaults filled in on write and `no_data_timeframe` left out when no-data is
 * off, validation errors with Datadog's texts, `X-RateLimit-*` headers per endpoint group and
 * 429 past the limit. Tests advance its clock and inject failures.
 */
export class FakeDatadog {
  readonly monitors = new Map<number, StoredMonitor>();
  readonly downtimes = new FakeDowntimes(() => this.nowMs);
  readonly dashboards = new FakeDashboards(() => this.nowMs);
  readonly requests: { method: string; path: string }[] = [];
  readonly apiKey = API_KEY;
  readonly appKey = APP_KEY;
  private server: Server | undefined;
  private nextId = 1000;
  private nowMs = Date.UTC(2026, 0, 1);
  private readonly buckets = new Map<string, { windowStart: number; used: number }>();
  private readonly failures: Failure[] = [];
  private readonly rateLimit: number;
  private readonly ratePeriodSeconds: number;

  constructor(options: FakeDatadogOptions = {}) {
    this.rateLimit = options.rateLimit ?? Infinity;
    this.ratePeriodSeconds = options.ratePeriodSeconds ?? 10;
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server?.close((error) => (error ? reject(error) : resolve())));
  }

  /** Moves the fake's clock, which is what rate-limit windows are measured against. */
  advance(milliseconds: number): void {
    this.nowMs += milliseconds;
  }

  /** Makes the next `count` requests matching method and path fail with `status`. */
  failNext(method: string, path: RegExp, status: number, count = 1): void {
    this.failures.push({ method, path, status, remaining: count, afterEffect: false });
  }

  /** Makes the next `count` matching requests take effect and then return `status`. */
  failNextAfterEffect(method: string, path: RegExp, status: number, count = 1): void {
    this.failures.push({ method, path, status, remaining: count, afterEffect: true });
  }

  /** Stores a monitor directly, as if someone had created it in the Datadog UI. */
  seed(monitor: Partial<StoredMonitor> & { name: string; query: string }): StoredMonitor {
    const stored = this.fill({ type: 'query alert', message: '', tags: [], options: {}, ...monitor }, this.nextId++);
    this.monitors.set(stored.id, stored);
    return stored;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    this.requests.push({ method, path: url.pathname });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (status === 204) {
        response.writeHead(status, headers);
        response.end();
        return;
      }
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };

    if (request.headers['dd-api-key'] !== API_KEY || request.headers['dd-application-key'] !== APP_KEY) {
      send(403, { errors: ['Forbidden'] });
      return;
    }
    const bucketName = /^\/api\/v\d\/(\w+)/.exec(url.pathname)?.[1] ?? 'other';
    const limitHeaders = this.takeRateLimit(bucketName);
    if (limitHeaders === undefined) {
      send(429, { errors: ['Rate limit of ' + this.rateLimit + ' requests in ' + this.ratePeriodSeconds + ' seconds reached. Please try again later.'] }, this.rateHeaders(bucketName));
      return;
    }
    const failure = this.failures.find((candidate) => candidate.method === method && candidate.path.test(url.pathname) && candidate.remaining > 0);
    if (failure && !failure.afterEffect) {
      failure.remaining -= 1;
      send(failure.status, { errors: ['Internal Server Error'] }, limitHeaders);
      return;
    }
    const body = ['POST', 'PUT', 'PATCH'].includes(method) ? await readJson(request) : undefined;
    const [status, answer] =
      this.downtimes.route(method, url, body) ?? this.dashboards.route(method, url, body) ?? this.route(method, url, body);
    if (failure) {
      failure.remaining -= 1;
      send(failure.status, { errors: ['Internal Server Error'] }, limitHeaders);
      return;
    }
    send(status, answer, limitHeaders);
  }

  private route(method: string, url: URL, body: any): [number, unknown] {
    const path = url.pathname;
    const idMatch = /^\/api\/v1\/monitor\/(\d+)$/.exec(path);
    if (path === '/api/v1/monitor/validate' && method === 'POST') {
      const errors = validate(body);
      return errors.length > 0 ? [400, { errors }] : [200, {}];
    }
    if (path === '/api/v1/monitor' && method === 'GET') return [200, this.list(url.searchParams)];
    if (path === '/api/v1/monitor' && method === 'POST') {
      const errors = validate(body);
      if (errors.length > 0) return [400, { errors }];
      const stored = this.fill(body, this.nextId++);
      this.monitors.set(stored.id, stored);
      return [200, stored];
    }
    if (idMatch) {
      const id = Number(idMatch[1]);
      const existing = this.monitors.get(id);
      if (!existing) return [404, { errors: ['Monitor not found'] }];
      if (method === 'GET') return [200, existing];
      if (method === 'DELETE') {
        this.monitors.delete(id);
        return [200, { deleted_monitor_id: id }];
      }
      if (method === 'PUT') {
        const merged = { ...existing, ...body, options: body.options ?? existing.options };
        if (body.type !== undefined && body.type !== existing.type) {
          return [400, { errors: ['The monitor type cannot be changed.'] }];
        }
        const errors = validate(merged);
        if (errors.length > 0) return [400, { errors }];
        const stored = this.fill(merged, id, existing.created);
        this.monitors.set(id, stored);
        return [200, stored];
      }
    }
    return [404, { errors: ['Not found'] }];
  }

  private list(params: URLSearchParams): StoredMonitor[] {
    const split = (value: string | null) => (value ? value.split(',').map((tag) => tag.trim()) : []);
    const monitorTags = split(params.get('monitor_tags'));
    const name = params.get('name');
    const matching = [...this.monitors.values()]
      .filter((monitor) => monitorTags.every((tag) => monitor.tags.includes(tag)))
      .filter((monitor) => name === null || monitor.name.toLowerCase().includes(name.toLowerCase()))
      .sort((a, b) => a.id - b.id);
    const page = params.get('page');
    if (page === null) return matching;
    const pageSize = Number(params.get('page_size') ?? 100);
    return matching.slice(Number(page) * pageSize, (Number(page) + 1) * pageSize);
  }

  private fill(body: any, id: number, created?: string): StoredMonitor {
    const timestamp = new Date(this.nowMs).toISOString();
    const options = { ...OPTION_DEFAULTS, ...(body.options ?? {}) };
    if (!options.notify_no_data) delete options.no_data_timeframe;
    if (options.thresholds) options.thresholds = { ...options.thresholds };
    return {
      id,
      name: body.name,
      type: body.type,
      query: body.query,
      message: body.message ?? '',
      tags: [...new Set<string>(body.tags ?? [])],
      options,
      priority: body.priority ?? null,
      multi: /\bby\s*\{/.test(body.query),
      created: created ?? timestamp,
      modified: timestamp,
      creator: { email: 'owner@example.com', handle: 'owner@example.com', name: 'Owner' },
      org_id: 1,
      overall_state: 'No Data',
      deleted: null,
      restricted_roles: null,
    };
  }

  private rateHeaders(name: string): Record<string, string> {
    const bucket = this.bucket(name);
    const resetSeconds = Math.ceil((bucket.windowStart + this.ratePeriodSeconds * 1000 - this.nowMs) / 1000);
    return {
      'x-ratelimit-limit': String(this.rateLimit),
      'x-ratelimit-period': String(this.ratePeriodSeconds),
      'x-ratelimit-remaining': String(Math.max(0, this.rateLimit - bucket.used)),
      'x-ratelimit-reset': String(resetSeconds),
      'x-ratelimit-name': name,
    };
  }

  private bucket(name: string) {
    let bucket = this.buckets.get(name);
    const periodMs = this.ratePeriodSeconds * 1000;
    if (!bucket || this.nowMs >= bucket.windowStart + periodMs) {
      bucket = { windowStart: Math.floor(this.nowMs / periodMs) * periodMs, used: 0 };
      this.buckets.set(name, bucket);
    }
    return bucket;
  }

  private takeRateLimit(name: string): Record<string, string> | undefined {
    if (this.rateLimit === Infinity) return {};
    const bucket = this.bucket(name);
    if (bucket.used >= this.rateLimit) return undefined;
    bucket.used += 1;
    return this.rateHeaders(name);
  }
}

/** The checks Datadog makes on a metric monitor, with the error texts its API returns. */
function validate(body: any): string[] {
  const errors: string[] = [];
  if (!body || typeof body !== 'object') return ['Invalid JSON'];
  if (typeof body.name !== 'string' || body.name === '') errors.push("The value provided for parameter 'name' is invalid");
  if (typeof body.query !== 'string' || body.query === '') {
    errors.push("The value provided for parameter 'query' is invalid");
    return errors;
  }
  const match = /\s(>=|<=|>|<)\s(-?\d+(?:\.\d+)?)$/.exec(body.query);
  if (!/^\w+\(last_\d+[mhdw]\):/.test(body.query) || !match) {
    errors.push(`The value provided for parameter 'query' is invalid: ${body.query}`);
    return errors;
  }
  const comparator = match[1]!;
  const queryThreshold = Number(match[2]);
  const thresholds = body.options?.thresholds ?? {};
  if (thresholds.critical === undefined) {
    if (thresholds.warning !== undefined) errors.push('Alert status is required.');
  } else if (thresholds.critical !== queryThreshold) {
    errors.push(`Alert threshold (${formatThreshold(thresholds.critical)}) does not match that used in the query (${formatThreshold(queryThreshold)}).`);
  }
  const rising = comparator.startsWith('>');
  const critical = thresholds.critical ?? queryThreshold;
  const wrongSide = (value: number, limit: number) => (rising ? value > limit : value < limit);
  if (thresholds.warning !== undefined && wrongSide(thresholds.warning, critical)) {
    // NOTE: this wording is ours; Datadog rejects the same definition, but its exact text was not found.
    errors.push(`Warning threshold (${formatThreshold(thresholds.warning)}) must be ${rising ? 'below' : 'above'} the alert threshold (${formatThreshold(critical)}).`);
  }
  if (thresholds.critical_recovery !== undefined && !wrongSide(critical, thresholds.critical_recovery) ) {
    errors.push('alert and alert recovery criteria are such that the monitor can be simultaneously in alert and alert recovery states');
  }
  return errors;
}

async function readJson(request: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
