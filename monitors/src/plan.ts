import type { v1 } from '@datadog/datadog-api-client';
import { ID_TAG_PREFIX, MANAGED_TAG } from './definitions/types';
import type { MonitorDefinition, MonitorOptionsDefinition } from './definitions/types';
import type { ValidationRejection } from './sync';

/** One field that differs between Datadog and the declaration. */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
  /** `added` or `removed` for a whole dashboard widget, in place of before and after. */
  note?: string;
}

export type PlanAction = 'create' | 'update' | 'adopt' | 'delete' | 'unchanged' | 'conflict';

export interface PlanEntry {
  action: PlanAction;
  key: string;
  name: string;
  /** Datadog's id, for everything that already exists there. */
  id?: number;
  changes: FieldChange[];
  definition?: MonitorDefinition;
  /** For a second managed monitor with the same `hometemp-id`: the id of the one that is kept. */
  duplicateOf?: number;
}

export interface MonitorPlan {
  entries: PlanEntry[];
  /** Rejections from Datadog's validate endpoint while planning; apply writes nothing if any. */
  rejections: ValidationRejection[];
  /** Managed monitors no longer declared, deleted only with prune. */
  pruneCandidates: number;
  managedCount: number;
}

// Datadog's default for each option that is left out of a monitor or of its response.
const OPTION_DEFAULTS: Required<Omit<MonitorOptionsDefinition, 'thresholds' | 'renotifyStatuses' | 'noDataTimeframe' | 'newGroupDelay'>> = {
  notifyNoData: false,
  requireFullWindow: false,
  renotifyInterval: 0,
  evaluationDelay: 0,
  includeTags: true,
  notifyAudit: false,
};

const MANAGED_OPTIONS = ['notifyNoData', 'noDataTimeframe', 'requireFullWindow', 'renotifyInterval', 'renotifyStatuses', 'evaluationDelay', 'includeTags', 'notifyAudit', 'newGroupDelay'] as const;
const THRESHOLDS = ['critical', 'warning', 'criticalRecovery', 'warningRecovery'] as const;

/** Returns the `hometemp-id` of a monitor that carries both ownership tags, else undefined. */
export function ownerKey(tags: string[] | undefined): string | undefined {
  if (!tags?.includes(MANAGED_TAG)) return undefined;
  return tags.find((tag) => tag.startsWith(ID_TAG_PREFIX))?.slice(ID_TAG_PREFIX.length);
}

type Comparable = Record<string, unknown>;

/** Converts a client field name to Datadog's wire name (`criticalRecovery` to `critical_recovery`). */
export function toWireName(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * Flattens a monitor to the fields hometemp manages, with Datadog's defaults filled in and
 * null treated as absent, so a field Datadog omits or fills compares equal to what was sent.
 */
function comparable(monitor: v1.Monitor | MonitorDefinition, declared: MonitorDefinition): Comparable {
  const options = (monitor.options ?? {}) as Record<string, unknown>;
  const thresholds = (options.thresholds ?? {}) as Record<string, unknown>;
  const fields: Comparable = {
    name: monitor.name,
    type: monitor.type,
    query: monitor.query,
    message: monitor.message,
    tags: [...(monitor.tags ?? [])].sort(),
    priority: monitor.priority ?? undefined,
  };
  for (const key of THRESHOLDS) fields[`options.thresholds.${toWireName(key)}`] = thresholds[key] ?? undefined;
  for (const key of MANAGED_OPTIONS) {
    const declaredHasIt = (declared.options as unknown as Record<string, unknown>)[key] !== undefined;
    const fallback = (OPTION_DEFAULTS as Record<string, unknown>)[key];
    // A no-data timeframe means nothing while no-data is off, and Datadog drops it then.
    if (key === 'noDataTimeframe' && !options.notifyNoData) continue;
    if (!declaredHasIt && fallback === undefined) continue;
    fields[`options.${toWireName(key)}`] = options[key] ?? fallback;
  }

  return fields;
}

export function diffMonitor(remote: v1.Monitor, declared: MonitorDefinition): FieldChange[] {
  const before = comparable(remote, declared);
  const after = comparable(declared, declared);
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];

  return fields
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map((field) => ({ field, before: before[field], after: after[field] }));
}

export interface PlanInput {
  declared: MonitorDefinition[];
  /** Monitors carrying the managed tag. */
  managed: v1.Monitor[];
  /** Monitors not owned by hometemp whose name equals a declared one. */
  sameName: v1.Monitor[];
  adopt: boolean;
}

/**
 * Keeps the lowest id of each `hometemp-id` and lists the other monitors with that id. A clone
 * made in the UI copies the tags, and a create that Datadog stored but returned a 5xx for leaves
 * a second monitor, so one key can match several monitors.
 */
function splitDuplicates(managed: v1.Monitor[]): { kept: Map<string, v1.Monitor>; duplicates: PlanEntry[] } {
  const kept = new Map<string, v1.Monitor>();
  const duplicates: v1.Monitor[] = [];
  for (const monitor of [...managed].sort((a, b) => (a.id ?? 0) - (b.id ?? 0))) {
    const key = ownerKey(monitor.tags) ?? '';
    if (kept.has(key)) duplicates.push(monitor);
    else kept.set(key, monitor);
  }
  const entries = duplicates.map((monitor): PlanEntry => {
    const key = ownerKey(monitor.tags) ?? '';
    return { action: 'delete', key, name: monitor.name ?? '', id: monitor.id, changes: [], duplicateOf: kept.get(key)?.id };
  });

  return { kept, duplicates: entries };
}

/**
 * Compares the declared monitors with Datadog's and decides what each one needs. A second
 * monitor with the same `hometemp-id` is deleted with prune and is a conflict without it.
 */
export function planMonitors(input: PlanInput, options: { prune?: boolean } = {}): MonitorPlan {
  const { kept: managedByKey, duplicates } = splitDuplicates(input.managed);
  const entries: PlanEntry[] = [];

  for (const definition of input.declared) {
    const remote = managedByKey.get(definition.key);
    const base = { key: definition.key, name: definition.name, definition };
    if (remote) {
      const changes = diffMonitor(remote, definition);
      entries.push({ ...base, id: remote.id, action: changes.length > 0 ? 'update' : 'unchanged', changes });
      continue;
    }
    const unowned = input.sameName.find((monitor) => monitor.name === definition.name);
    if (unowned) {
      const action = input.adopt ? 'adopt' : 'conflict';
      entries.push({ ...base, id: unowned.id, action, changes: input.adopt ? diffMonitor(unowned, definition) : [] });
      continue;
    }
    entries.push({ ...base, action: 'create', changes: [] });
  }
  const declaredKeys = new Set(input.declared.map((definition) => definition.key));
  const stale = [...managedByKey.values()].filter((monitor) => !declaredKeys.has(ownerKey(monitor.tags) ?? ''));
  for (const monitor of stale) {
    entries.push({ action: 'delete', key: ownerKey(monitor.tags) ?? '', name: monitor.name ?? '', id: monitor.id, changes: [] });
  }
  for (const duplicate of duplicates) {
    const declaredDuplicate = declaredKeys.has(duplicate.key);
    // Duplicates of an undeclared key go with the stale monitor they copy.
    entries.push(options.prune || !declaredDuplicate ? duplicate : { ...duplicate, action: 'conflict' });
  }

  const pruneCandidates = entries.filter((entry) => entry.action === 'delete').length;

  return { entries, rejections: [], pruneCandidates, managedCount: input.managed.length };
}

/** True when the plan changes something in Datadog (deletes count only with prune). */
export function hasChanges(plan: MonitorPlan, prune: boolean): boolean {
  return plan.entries.some((entry) =>
    entry.action === 'create' || entry.action === 'update' || entry.action === 'adopt' || (entry.action === 'delete' && prune),
  );
}
