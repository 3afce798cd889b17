import { randomUUID } from 'node:crypto';
import { localTimeToUtc } from '../downtimes/local-time';

/** A downtime as the fake stores it, in Datadog's v2 wire format (snake_case). */
export interface StoredDowntime {
  id: string;
  type: 'downtime';
  attributes: Record<string, any>;
  relationships: Record<string, unknown>;
}

type Answer = [number, unknown];

const isTimeZone = (zone: unknown) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: String(zone) });
    return typeof zone === 'string';
  } catch {
    return false;
  }
};

// Datadog returns instants with an explicit +00:00 offset and no fraction.
const wireTime = (milliseconds: number) => new Date(milliseconds).toISOString().replace(/\.\d{3}Z$/, '+00:00');

/**
 * The v2 downtime endpoints: list with `page[offset]`/`page[limit]` and `current_only`, get,
 * create, patch and cancel. Like Datadog, a cancelled downtime is kept and listed with status
 * `canceled`, defaults are filled in on write, and a cancelled downtime cannot be changed.
 */
export class FakeDowntimes {
  readonly downtimes = new Map<string, StoredDowntime>();

  constructor(private readonly now: () => number) {}

  /** Stores a downtime directly, as if someone had scheduled it in the Datadog UI. */
  seed(attributes: Record<string, any>): StoredDowntime {
    const stored = this.fill(randomUUID(), attributes);
    this.downtimes.set(stored.id, stored);
    return stored;
  }

  /** Handles a request under /api/v2/downtime, or undefined for any other path. */
  route(method: string, url: URL, body: any): Answer | undefined {
    const path = url.pathname;
    const idMatch = /^\/api\/v2\/downtime\/([^/]+)$/.exec(path);
    if (path === '/api/v2/downtime' && method === 'GET') return [200, this.list(url.searchParams)];
    if (path === '/api/v2/downtime' && method === 'POST') {
      const errors = validate(body, true);
      if (errors.length > 0) return [400, { errors }];
      const stored = this.fill(randomUUID(), body.data.attributes);
      this.downtimes.set(stored.id, stored);
      return [200, { data: this.withStatus(stored) }];
    }
    if (!idMatch) return undefined;
    const existing = this.downtimes.get(idMatch[1]!);
    if (!existing) return [404, { errors: ['downtime not found'] }];
    if (method === 'GET') return [200, { data: this.withStatus(existing) }];
    if (method === 'DELETE') {
      existing.attributes.canceled ??= wireTime(this.now());
      return [204, undefined];
    }
    if (method === 'PATCH') {
      if (existing.attributes.canceled) return [400, { errors: ['Cannot update a canceled downtime'] }];
      const errors = validate(body, false);
      if (errors.length > 0) return [400, { errors }];
      const merged = { ...existing.attributes, ...body.data.attributes };
      const stored = this.fill(existing.id, merged, existing.attributes.created);
      this.downtimes.set(stored.id, stored);
      return [200, { data: this.withStatus(stored) }];
    }
    return [405, { errors: ['Method Not Allowed'] }];
  }

  private list(params: URLSearchParams): unknown {
    const offset = Number(params.get('page[offset]') ?? 0);
    const limit = Number(params.get('page[limit]') ?? 30);
    let all = [...this.downtimes.values()].map((downtime) => this.withStatus(downtime));
    if (params.get('current_only') === 'true') all = all.filter((downtime) => downtime.attributes.status === 'active');

    return { data: all.slice(offset, offset + limit), meta: { page: { total_filtered_count: all.length } } };
  }

  private fill(id: string, attributes: Record<string, any>, created?: string): StoredDowntime {
    const now = wireTime(this.now());
    const schedule = fillSchedule(attributes.schedule, this.now());

    return {
      id,
      type: 'downtime',
      attributes: {
        message: attributes.message ?? null,
        scope: attributes.scope,
        monitor_identifier: attributes.monitor_identifier,
        display_timezone: attributes.display_timezone ?? 'UTC',
        mute_first_recovery_notification: attributes.mute_first_recovery_notification ?? false,
        notify_end_states: attributes.notify_end_states ?? ['alert', 'no data', 'warn'],
        notify_end_types: attributes.notify_end_types ?? ['expired'],
        schedule,
        canceled: attributes.canceled ?? null,
        created: created ?? now,
        modified: now,
      },
      relationships: { created_by: { data: { id: 'user-1', type: 'users' } }, monitor: { data: null } },
    };
  }

  // Status follows the fake's clock; a recurring downtime reports `scheduled`.
  private withStatus(downtime: StoredDowntime): StoredDowntime {
    const { canceled, schedule } = downtime.attributes;
    let status = 'scheduled';
    if (canceled) status = 'canceled';
    else if (schedule.recurrences === undefined) {
      const now = this.now();
      if (schedule.end !== null && Date.parse(schedule.end) <= now) status = 'ended';
      else if (Date.parse(schedule.start) <= now) status = 'active';
    }
    return { ...downtime, attributes: { ...downtime.attributes, status } };
  }
}

function fillSchedule(schedule: any, nowMs: number): Record<string, unknown> {
  if (schedule?.recurrences !== undefined) {
    const timezone = schedule.timezone ?? 'UTC';
    const recurrences = schedule.recurrences.map((recurrence: any) => ({
      duration: recurrence.duration,
      rrule: recurrence.rrule,
      start: recurrence.start ?? wireTime(nowMs).slice(0, 16),
    }));
    // NOTE: the fake reports the first occurrence as the current one instead of expanding the RRULE.
    const firstStart = localTimeToUtc(recurrences[0].start, timezone).getTime();
    return {
      timezone,
      recurrences,
      current_downtime: { start: wireTime(firstStart), end: wireTime(firstStart + durationMs(recurrences[0].duration)) },
    };
  }
  const start = schedule?.start ? Date.parse(schedule.start) : nowMs;
  const end = schedule?.end ? Date.parse(schedule.end) : null;

  return { start: wireTime(start), end: end === null ? null : wireTime(end) };
}

function durationMs(duration: string): number {
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[duration.slice(-1) as 'm'];
  return Number(duration.slice(0, -1)) * unit;
}

// NOTE: Datadog's wording for these rejections was not found; the texts are ours.
function validate(body: any, creating: boolean): string[] {
  const data = body?.data;
  if (data?.type !== 'downtime') return ["invalid type: expected 'downtime'"];
  const attributes = data.attributes ?? {};
  const errors: string[] = [];
  if (creating || attributes.scope !== undefined) {
    if (typeof attributes.scope !== 'string' || attributes.scope.trim() === '') errors.push('scope is required');
  }
  const identifier = attributes.monitor_identifier;
  if (creating || identifier !== undefined) {
    const hasId = typeof identifier?.monitor_id === 'number';
    const hasTags = Array.isArray(identifier?.monitor_tags) && identifier.monitor_tags.length > 0;
    if (hasId === hasTags) errors.push('monitor_identifier must have exactly one of monitor_id or monitor_tags');
  }
  const schedule = attributes.schedule;
  if (schedule?.recurrences !== undefined) {
    if (!isTimeZone(schedule.timezone ?? 'UTC')) errors.push(`invalid timezone: ${schedule.timezone}`);
    for (const recurrence of schedule.recurrences) {
      if (!/^\d+[mhdw]$/.test(recurrence.duration ?? '')) errors.push(`invalid duration: ${recurrence.duration}`);
      if (!/^FREQ=/.test(recurrence.rrule ?? '') || /DTSTART|DTEND|DURATION/.test(recurrence.rrule)) {
        errors.push(`invalid rrule: ${recurrence.rrule}`);
      }
      if (recurrence.start !== undefined && !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(recurrence.start)) {
        errors.push(`invalid start: ${recurrence.start} (must not include a UTC offset)`);
      }
    }
  } else if (schedule?.start !== undefined && schedule?.end != null && Date.parse(schedule.end) <= Date.parse(schedule.start)) {
    errors.push('end must be after start');
  }
  if (attributes.display_timezone !== undefined && !isTimeZone(attributes.display_timezone)) {
    errors.push(`invalid display_timezone: ${attributes.display_timezone}`);
  }

  return errors;
}
