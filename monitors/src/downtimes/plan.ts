import type { v2 } from '@datadog/datadog-api-client';
import { ownedKey } from '../ownership';
import { diffFlat } from '../resource-plan';
import type { ResourceEntry, ResourcePlan } from '../resource-plan';
import { isRecurring } from './definitions';
import type { DowntimeAttributes, DowntimeDefinition } from './definitions';

export type DowntimeEntry = ResourceEntry<DowntimeDefinition>;

export interface DowntimePlan extends ResourcePlan<DowntimeDefinition> {
  /** One-off downtimes that ended before this run and do not exist in Datadog; never created. */
  expired: string[];
}

export interface DowntimePlanInput {
  siteName: string;
  declared: DowntimeDefinition[];
  /** Every downtime Datadog lists, cancelled ones included. */
  remote: v2.DowntimeResponseData[];
  now: Date;
}

type AnyAttributes = DowntimeAttributes | v2.DowntimeResponseAttributes;

const sorted = (values: string[] | undefined) => (values === undefined ? undefined : [...values].sort());
const iso = (value: Date | undefined) => value?.toISOString();

/** Reduces declared or returned attributes to the fields sync manages, in Datadog's names. */
function comparable(attributes: AnyAttributes): Record<string, unknown> {
  const identifier = (attributes.monitorIdentifier ?? {}) as { monitorTags?: string[]; monitorId?: number };
  const fields: Record<string, unknown> = {
    message: attributes.message ?? undefined,
    scope: attributes.scope,
    'monitor_identifier.monitor_tags': sorted(identifier.monitorTags),
    'monitor_identifier.monitor_id': identifier.monitorId,
    display_timezone: attributes.displayTimezone,
    mute_first_recovery_notification: attributes.muteFirstRecoveryNotification,
    notify_end_states: sorted(attributes.notifyEndStates as string[] | undefined),
    notify_end_types: sorted(attributes.notifyEndTypes as string[] | undefined),
  };
  const schedule = attributes.schedule as DowntimeAttributes['schedule'] | undefined;
  if (schedule !== undefined && isRecurring(schedule)) {
    fields['schedule.timezone'] = schedule.timezone;
    schedule.recurrences.forEach((recurrence, index) => {
      fields[`schedule.recurrences.${index}.rrule`] = recurrence.rrule;
      fields[`schedule.recurrences.${index}.duration`] = recurrence.duration;
      fields[`schedule.recurrences.${index}.start`] = recurrence.start?.slice(0, 16);
    });
  } else if (schedule !== undefined) {
    fields['schedule.start'] = iso(schedule.start);
    fields['schedule.end'] = iso(schedule.end);
  }

  return fields;
}

function isOver(definition: DowntimeDefinition, now: Date): boolean {
  const { schedule } = definition.attributes;
  if (!isRecurring(schedule)) return schedule.end.getTime() <= now.getTime();

  return schedule.recurrences.every((recurrence) => untilOf(recurrence.rrule) <= now.getTime());
}

// The end of a recurrence as epoch milliseconds: its UNTIL, read as the end of that UTC day
// unless a time is given (an estimate that ignores the site's time zone by at most a day), or
// never when it has none.
function untilOf(rrule: string): number {
  const until = /(?:^|;)UNTIL=(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?/.exec(rrule);
  if (!until) return Infinity;
  const [year, month, day, hour = '23', minute = '59', second = '59'] = until.slice(1);

  return Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
}

/**
 * Compares the declared downtimes with this site's managed ones in Datadog. Datadog keeps
 * cancelled downtimes listed with status `canceled`, and the plan ignores them. Ended ones still
 * count as present, so a past holiday is not created again, but they are never pruned.
 */
export function planDowntimes(input: DowntimePlanInput): DowntimePlan {
  const managed = input.remote.filter(
    (downtime) => downtime.attributes?.status !== 'canceled' && ownedKey(downtime.attributes?.message, input.siteName) !== undefined,
  );
  const byKey = new Map<string, v2.DowntimeResponseData>();
  const duplicates: v2.DowntimeResponseData[] = [];
  for (const downtime of managed) {
    const key = ownedKey(downtime.attributes?.message, input.siteName)!;
    if (byKey.has(key)) duplicates.push(downtime);
    else byKey.set(key, downtime);
  }

  const entries: DowntimeEntry[] = [];
  const expired: string[] = [];
  for (const definition of input.declared) {
    const remote = byKey.get(definition.key);
    const base = { key: definition.key, name: definition.name, body: definition };
    if (remote) {
      const changes = diffFlat(comparable(remote.attributes ?? {}), comparable(definition.attributes));
      entries.push({ ...base, id: remote.id, action: changes.length > 0 ? 'update' : 'unchanged', changes });
    } else if (isOver(definition, input.now)) {
      expired.push(definition.name);
    } else {
      entries.push({ ...base, action: 'create', changes: [] });
    }
  }

  const declaredKeys = new Set(input.declared.map((definition) => definition.key));
  const stale = [...managed.filter((downtime) => !declaredKeys.has(ownedKey(downtime.attributes?.message, input.siteName)!)), ...duplicates]
    .filter((downtime) => downtime.attributes?.status !== 'ended');
  for (const downtime of stale) {
    const key = ownedKey(downtime.attributes?.message, input.siteName)!;
    entries.push({ action: 'delete', key, name: `[${input.siteName}] ${key}`, id: downtime.id, changes: [] });
  }

  return { entries, expired, pruneCandidates: stale.length, managedCount: managed.length };
}
