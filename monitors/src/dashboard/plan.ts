import { v1 } from '@datadog/datadog-api-client';
import { diffFlat, flatten } from '../resource-plan';
import type { ResourceEntry, ResourcePlan } from '../resource-plan';
import type { FieldChange } from '../plan';
import { diffWidgets } from './widget-diff';
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

/**
 * Lists the differences between a dashboard in Datadog and the declared one in Datadog's wire
 * names: top-level fields by path (`description`), widgets by type and title.
 */
export function diffDashboard(remote: v1.Dashboard, declared: v1.Dashboard): FieldChange[] {
  const wire = (dashboard: v1.Dashboard) => {
    const serialized = v1.ObjectSerializer.serialize(dashboard, 'Dashboard', '') as Record<string, unknown>;
    for (const field of SERVER_FIELDS) delete serialized[field];
    return serialized;
  };
  const { widgets: remoteWidgets, ...remoteFields } = wire(remote);
  const { widgets: declaredWidgets, ...declaredFields } = wire(declared);

  return [...diffFlat(flatten(remoteFields), flatten(declaredFields)), ...diffWidgets('widgets', remoteWidgets, declaredWidgets)];
}

/** Compares the declared dashboards with this site's and decides what each one needs. */
export function planDashboards(input: DashboardPlanInput): DashboardPlan {
  const byKey = new Map(input.managed.map((remote) => [remote.key, remote.dashboard]));
  const entries: DashboardEntry[] = [];

  for (const definition of input.declared) {
    const base = { key: definition.key, name: definition.dashboard.title, body: definition };
    const remote = byKey.get(definition.key);
    if (remote) {
      const changes = diffDashboard(remote, definition.dashboard);
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
