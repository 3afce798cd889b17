import { v1 } from '@datadog/datadog-api-client';
import { diffFlat, flatten } from '../resource-plan';
import type { ResourceEntry, ResourcePlan } from '../resource-plan';
import type { DashboardDefinition } from './definition';

export type DashboardEntry = ResourceEntry<DashboardDefinition>;
export type DashboardPlan = ResourcePlan<DashboardDefinition>;

/** A dashboard Datadog returned, with the key of its ownership line when it has one. */
export interface RemoteDashboard {
  key: string;
  dashboard: v1.Dashboard;
}

export interface DashboardPlanInput {
  declared: DashboardDefinition[];
  /** This site's dashboards, fetched in full. */
  managed: RemoteDashboard[];
  /** Dashboards without this site's ownership line whose title equals a declared one. */
  sameTitle: v1.DashboardSummaryDefinition[];
  adopt: boolean;
}

// Fields Datadog sets on every dashboard; they are not part of the declaration.
const SERVER_FIELDS = ['id', 'url', 'author_handle', 'author_name', 'created_at', 'modified_at', 'is_read_only', 'restricted_roles'];

// Datadog numbers every widget, nested ones included; the ids are not declared.
function withoutWidgetIds(widgets: unknown): unknown {
  if (!Array.isArray(widgets)) return widgets;
  return widgets.map((widget: Record<string, unknown>) => {
    const { id: _id, definition, ...rest } = widget;
    const inner = definition as Record<string, unknown> | undefined;
    const nested = inner?.widgets === undefined ? inner : { ...inner, widgets: withoutWidgetIds(inner.widgets) };
    return { ...rest, definition: nested };
  });
}

/** Flattens a dashboard to its declared fields in Datadog's wire names (`widgets.0.definition.title`). */
export function comparableDashboard(dashboard: v1.Dashboard): Record<string, unknown> {
  const wire = v1.ObjectSerializer.serialize(dashboard, 'Dashboard', '') as Record<string, unknown>;
  for (const field of SERVER_FIELDS) delete wire[field];
  wire.widgets = withoutWidgetIds(wire.widgets);

  return flatten(wire);
}

/** Compares the declared dashboards with this site's and decides what each one needs. */
export function planDashboards(input: DashboardPlanInput): DashboardPlan {
  const byKey = new Map(input.managed.map((remote) => [remote.key, remote.dashboard]));
  const entries: DashboardEntry[] = [];

  for (const definition of input.declared) {
    const base = { key: definition.key, name: definition.dashboard.title, body: definition };
    const remote = byKey.get(definition.key);
    if (remote) {
      const changes = diffFlat(comparableDashboard(remote), comparableDashboard(definition.dashboard));
      entries.push({ ...base, id: remote.id, action: changes.length > 0 ? 'update' : 'unchanged', changes });
      continue;
    }
    const unowned = input.sameTitle.find((summary) => summary.title === definition.dashboard.title);
    if (unowned) {
      entries.push({ ...base, id: unowned.id, action: input.adopt ? 'adopt' : 'conflict', changes: [] });
      continue;
    }
    entries.push({ ...base, action: 'create', changes: [] });
  }

  const declaredKeys = new Set(input.declared.map((definition) => definition.key));
  const stale = input.managed.filter((remote) => !declaredKeys.has(remote.key));
  for (const remote of stale) {
    entries.push({ action: 'delete', key: remote.key, name: remote.dashboard.title, id: remote.dashboard.id, changes: [] });
  }

  return { entries, pruneCandidates: stale.length, managedCount: input.managed.length };
}
