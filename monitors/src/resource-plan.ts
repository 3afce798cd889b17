import type { FieldChange } from './plan';

/** The change sync plans for one downtime or dashboard, with the same verbs as for monitors. */
export type ResourceAction = 'create' | 'update' | 'adopt' | 'delete' | 'unchanged' | 'conflict';

/** One declared or managed downtime or dashboard and what sync plans for it. */
export interface ResourceEntry<TBody> {
  action: ResourceAction;
  key: string;
  name: string;
  /** Datadog's id, for everything that already exists there. */
  id?: string;
  changes: FieldChange[];
  body?: TBody;
}

export interface ResourcePlan<TBody> {
  entries: ResourceEntry<TBody>[];
  /** Managed items no longer declared, deleted only with prune. */
  pruneCandidates: number;
  managedCount: number;
}

/**
 * Flattens a JSON value to dotted paths (`widgets.0.definition.title`). Null, undefined and
 * empty arrays are left out, so a field Datadog returns as null or [] equals one never sent.
 */
export function flatten(value: unknown, prefix = '', into: Record<string, unknown> = {}): Record<string, unknown> {
  if (value === null || value === undefined) return into;
  if (Array.isArray(value)) {
    if (value.length === 0) return into;
    value.forEach((item, index) => flatten(item, prefix === '' ? String(index) : `${prefix}.${index}`, into));
    return into;
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      flatten(item, prefix === '' ? key : `${prefix}.${key}`, into);
    }
    return into;
  }
  into[prefix] = value instanceof Date ? value.toISOString() : value;
  return into;
}

/** Lists the paths whose values differ between two flattened objects, in a stable order. */
export function diffFlat(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const fields = [...new Set([...Object.keys(after), ...Object.keys(before)])];

  return fields
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map((field) => ({ field, before: before[field], after: after[field] }));
}

/** True when the plan changes something in Datadog (deletes count only with prune). */
export function resourceHasChanges(plan: ResourcePlan<unknown>, prune: boolean): boolean {
  return plan.entries.some(
    (entry) => ['create', 'update', 'adopt'].includes(entry.action) || (entry.action === 'delete' && prune),
  );
}
