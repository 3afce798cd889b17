import type { v2 } from '@datadog/datadog-api-client';
import type { DatadogApis } from '../api';
import { applyInOrder, UnsafePruneError } from '../sync';
import type { ApplyResult } from '../sync';
import { isRecurring } from './definitions';
import type { DowntimeDefinition } from './definitions';
import { planDowntimes } from './plan';
import type { DowntimeEntry, DowntimePlan } from './plan';

/** Reads every downtime Datadog lists (pages of 100) and plans this site's; reads only. */
export async function fetchDowntimePlan(
  apis: DatadogApis,
  siteName: string,
  declared: DowntimeDefinition[],
  now: Date,
): Promise<DowntimePlan> {
  const remote: v2.DowntimeResponseData[] = [];
  for await (const downtime of apis.downtimes.listDowntimesWithPagination({ pageLimit: 100 })) {
    remote.push(downtime);
  }

  return planDowntimes({ siteName, declared, remote, now });
}

function requestAttributes(definition: DowntimeDefinition): v2.DowntimeCreateRequestAttributes {
  const { schedule, ...rest } = definition.attributes;
  const body = isRecurring(schedule)
    ? { timezone: schedule.timezone, recurrences: schedule.recurrences }
    : { start: schedule.start, end: schedule.end };

  return { ...rest, schedule: body as v2.DowntimeScheduleCreateRequest };
}

async function applyEntry(apis: DatadogApis, entry: DowntimeEntry): Promise<string | undefined> {
  switch (entry.action) {
    case 'create': {
      const body = { data: { type: 'downtime' as const, attributes: requestAttributes(entry.body!) } };
      return (await apis.downtimes.createDowntime({ body })).data?.id;
    }
    case 'update': {
      const body = { data: { id: entry.id!, type: 'downtime' as const, attributes: requestAttributes(entry.body!) } };
      return (await apis.downtimes.updateDowntime({ downtimeId: entry.id!, body })).data?.id;
    }
    case 'delete':
      // Datadog cancels rather than deletes: the downtime stays listed with status `canceled`.
      await apis.downtimes.cancelDowntime({ downtimeId: entry.id! });
      return entry.id;
    default:
      return entry.id;
  }
}

/**
 * Rejects a prune that would cancel every managed downtime while the site still declares some,
 * which happens when every downtime id was changed by mistake. A site that declares no downtimes
 * may cancel them all: that is how a user asks for exactly that.
 * @throws UnsafePruneError
 */
export function checkDowntimePrune(plan: DowntimePlan, prune: boolean, declaredCount: number): void {
  const deletes = prune ? plan.entries.filter((entry) => entry.action === 'delete').length : 0;
  if (declaredCount > 0 && deletes > 0 && deletes >= plan.managedCount) {
    throw new UnsafePruneError(
      `prune rejected: it would cancel all ${plan.managedCount} managed downtimes while the site declares ${declaredCount} others. Check the downtime ids in the site description; to replace them, run sync --apply first to create the new ones, then sync --apply --prune.`,
    );
  }
}

/**
 * Creates and updates the planned downtimes and, with `prune`, cancels managed ones that are no
 * longer declared.
 * @throws UnsafePruneError before any write.
 */
export async function applyDowntimePlan(
  apis: DatadogApis,
  plan: DowntimePlan,
  options: { prune: boolean; declaredCount: number },
): Promise<ApplyResult> {
  const writes = plan.entries.filter((entry) => entry.action === 'create' || entry.action === 'update');
  const deletes = options.prune ? plan.entries.filter((entry) => entry.action === 'delete') : [];
  checkDowntimePrune(plan, options.prune, options.declaredCount);

  return applyInOrder([...writes, ...deletes], (entry) => applyEntry(apis, entry));
}
