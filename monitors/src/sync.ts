import { client } from '@datadog/datadog-api-client';
import type { v1 } from '@datadog/datadog-api-client';
import { HometempError } from '../../core/src/index';
import type { DatadogApis } from './api';
import { ID_TAG_PREFIX, MANAGED_TAG } from './definitions/types';
import type { MonitorDefinition } from './definitions/types';
import { planMonitors } from './plan';
import type { MonitorPlan, PlanAction, PlanEntry } from './plan';

/** Datadog's validate endpoint rejected one or more declared monitors. */
export class ValidationRejectedError extends HometempError {
  constructor(readonly rejections: ValidationRejection[]) {
    super(`Datadog rejected ${rejections.length} monitor definition(s)`);
  }
}

/** A prune that would delete every managed monitor; it is rejected as a likely mistake. */
export class UnsafePruneError extends HometempError {}

export interface ValidationRejection {
  key: string;
  name: string;
  errors: string[];
}

export interface AppliedItem {
  action: PlanAction;
  key: string;
  name: string;
  /** A monitor's numeric id, or a downtime's or dashboard's string id. */
  id?: number | string;
}

export interface FailedItem extends AppliedItem {
  error: string;
}

/** The outcome of an apply: every planned change is in exactly one of the three lists. */
export interface ApplyResult {
  applied: AppliedItem[];
  failed: FailedItem[];
  notAttempted: AppliedItem[];
}

/** Converts a declaration to the body the monitor API takes. */
export function toApiBody(definition: MonitorDefinition): v1.Monitor {
  const { key: _key, cadence: _cadence, ...body } = definition;
  return body as v1.Monitor;
}

// For statuses outside its spec the client puts the raw body into a sentence: dig the JSON out.
function errorsInText(text: string): string | undefined {
  const match = /Body: "(.*)"$/s.exec(text);
  try {
    const parsed = JSON.parse(match?.[1] ?? '') as { errors?: unknown };
    return Array.isArray(parsed.errors) ? parsed.errors.join('; ') : undefined;
  } catch {
    return undefined;
  }
}

/** Returns Datadog's own error texts from a failed call, or the error's message. */
export function describeApiError(error: unknown): string {
  if (error instanceof client.ApiException) {
    const body = error.body as { errors?: unknown } | string;
    if (typeof body === 'object' && body !== null && Array.isArray(body.errors)) {
      return `${error.code}: ${body.errors.join('; ')}`;
    }
    if (typeof body === 'string') return `${error.code}: ${errorsInText(body) ?? body}`;
    return `${error.code}: ${JSON.stringify(body)}`;
  }
  return error instanceof Error ? error.message : String(error);
}

async function listManaged(apis: DatadogApis, siteName: string | undefined): Promise<v1.Monitor[]> {
  const monitors: v1.Monitor[] = [];
  // Datadog returns monitors that carry every listed tag.
  const monitorTags = siteName === undefined ? MANAGED_TAG : `${MANAGED_TAG},site:${siteName}`;
  for await (const monitor of apis.monitors.listMonitorsWithPagination({ monitorTags, pageSize: 100 })) {
    monitors.push(monitor);
  }
  return monitors;
}

/**
 * Reads what Datadog has, plans the changes and sends every definition to be written to the
 * validate endpoint, once; the plan carries the rejections. Changes nothing. With `siteName`,
 * only that site's managed monitors count as owned, so sites sharing an organization are safe.
 */
export async function fetchPlan(
  apis: DatadogApis,
  declared: MonitorDefinition[],
  options: { adopt: boolean; siteName?: string; prune?: boolean },
): Promise<MonitorPlan> {
  const managed = await listManaged(apis, options.siteName);
  const managedNames = new Set(managed.map((monitor) => monitor.name));
  const sameName: v1.Monitor[] = [];
  for (const definition of declared.filter((candidate) => !managedNames.has(candidate.name))) {
    const found = await apis.monitors.listMonitors({ name: definition.name });
    // The name filter matches substrings; only an exact name is a conflict.
    sameName.push(...found.filter((monitor) => monitor.name === definition.name && !monitor.tags?.includes(MANAGED_TAG)));
  }

  const plan = planMonitors({ declared, managed, sameName, adopt: options.adopt }, { prune: options.prune });
  const toWrite = plan.entries.filter((entry) => ['create', 'update', 'adopt'].includes(entry.action));
  plan.rejections = await validateRemotely(apis, toWrite.map((entry) => entry.definition!));

  return plan;
}

/** Sends every definition to Datadog's validate endpoint and collects every rejection. */
export async function validateRemotely(apis: DatadogApis, definitions: MonitorDefinition[]): Promise<ValidationRejection[]> {
  const rejections: ValidationRejection[] = [];
  for (const definition of definitions) {
    try {
      await apis.monitors.validateMonitor({ body: toApiBody(definition) });
    } catch (error) {
      if (!(error instanceof client.ApiException) || error.code !== 400) throw error;
      const body = error.body as { errors?: string[] };
      rejections.push({ key: definition.key, name: definition.name, errors: body.errors ?? [describeApiError(error)] });
    }
  }
  return rejections;
}

// Creates sent in total when Datadog answers a create with a 5xx and the monitor does not exist.
const CREATE_ATTEMPTS = 3;

/**
 * Creates a monitor. The HTTP layer does not retry a POST after a 5xx, because Datadog may have
 * stored it anyway: this lists monitors by the definition's `hometemp-id` and site tags and
 * creates again only when none exists.
 */
async function createMonitorOnce(apis: DatadogApis, definition: MonitorDefinition): Promise<number | undefined> {
  const siteTag = definition.tags.find((tag) => tag.startsWith('site:'));
  const monitorTags = [MANAGED_TAG, `${ID_TAG_PREFIX}${definition.key}`, ...(siteTag ? [siteTag] : [])].join(',');
  for (let attempt = 1; ; attempt++) {
    try {
      return (await apis.monitors.createMonitor({ body: toApiBody(definition) })).id;
    } catch (error) {
      if (!(error instanceof client.ApiException) || error.code < 500 || attempt >= CREATE_ATTEMPTS) throw error;
      const existing = await apis.monitors.listMonitors({ monitorTags });
      const created = existing.find((monitor) => monitor.tags?.includes(`${ID_TAG_PREFIX}${definition.key}`));
      if (created) return created.id;
    }
  }
}

async function applyEntry(apis: DatadogApis, entry: PlanEntry): Promise<number | undefined> {
  switch (entry.action) {
    case 'create':
      return createMonitorOnce(apis, entry.definition!);
    case 'update':
    case 'adopt':
      return (await apis.monitors.updateMonitor({ monitorId: entry.id!, body: toApiBody(entry.definition!) })).id;
    case 'delete':
      await apis.monitors.deleteMonitor({ monitorId: entry.id! });
      return entry.id;
    default:
      return entry.id;
  }
}

/**
 * Runs `applyOne` for each entry in order. A call that Datadog rejected with an error response is
 * recorded and the rest go on. Any other failure (the network, a bug) would fail the rest too,
 * so they are recorded as not attempted.
 */
export async function applyInOrder<T extends { action: PlanAction; key: string; name: string; id?: number | string }>(
  queue: T[],
  applyOne: (entry: T) => Promise<number | string | undefined>,
): Promise<ApplyResult> {
  const result: ApplyResult = { applied: [], failed: [], notAttempted: [] };
  for (const [index, entry] of queue.entries()) {
    const item = { action: entry.action, key: entry.key, name: entry.name, id: entry.id };
    try {
      const id = await applyOne(entry);
      result.applied.push({ ...item, id });
    } catch (error) {
      result.failed.push({ ...item, error: describeApiError(error) });
      if (!(error instanceof client.ApiException)) {
        result.notAttempted.push(...queue.slice(index + 1).map((rest) => ({ action: rest.action, key: rest.key, name: rest.name, id: rest.id })));
        break;
      }
    }
  }

  return result;
}

/**
 * Rejects a prune that would delete every managed monitor or dashboard, such as after a
 * generator bug that declares none.
 * @throws UnsafePruneError
 */
export function checkPrune(
  plan: { entries: { action: string }[]; managedCount: number },
  prune: boolean,
  kind: 'monitors' | 'dashboards',
): void {
  const deletes = prune ? plan.entries.filter((entry) => entry.action === 'delete').length : 0;
  if (deletes > 0 && deletes >= plan.managedCount) {
    throw new UnsafePruneError(
      `prune rejected: it would delete all ${plan.managedCount} managed ${kind}. If that is intended, delete them in Datadog by hand.`,
    );
  }
}

/**
 * Makes the plan happen: creates, updates and, with `prune`, deletes. It writes nothing when
 * planning recorded a validation rejection, and does not validate again. A failed call does not
 * stop the rest unless the network fails. The result lists what was applied, what failed and
 * what was not attempted.
 * @throws ValidationRejectedError or UnsafePruneError before any write.
 */
export async function applyPlan(apis: DatadogApis, plan: MonitorPlan, options: { prune: boolean }): Promise<ApplyResult> {
  const writes = plan.entries.filter((entry) => ['create', 'update', 'adopt'].includes(entry.action));
  const deletes = options.prune ? plan.entries.filter((entry) => entry.action === 'delete') : [];
  checkPrune(plan, options.prune, 'monitors');
  if (plan.rejections.length > 0) throw new ValidationRejectedError(plan.rejections);

  return applyInOrder([...writes, ...deletes], (entry) => applyEntry(apis, entry));
}
