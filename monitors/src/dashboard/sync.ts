import type { v1 } from '@datadog/datadog-api-client';
import type { DatadogApis } from '../api';
import { ownedKey } from '../ownership';
import { applyInOrder, checkPrune } from '../sync';
import type { ApplyResult } from '../sync';
import type { DashboardDefinition } from './definition';
import { planDashboards } from './plan';
import type { DashboardEntry, DashboardPlan, RemoteDashboard } from './plan';

/**
 * Lists every dashboard (pages of 100), fetches in full those whose description carries this
 * site's ownership line, and plans the changes; reads only.
 */
export async function fetchDashboardPlan(
  apis: DatadogApis,
  siteName: string,
  declared: DashboardDefinition[],
  options: { adopt: boolean },
): Promise<DashboardPlan> {
  const summaries: v1.DashboardSummaryDefinition[] = [];
  for await (const summary of apis.dashboards.listDashboardsWithPagination({ count: 100 })) summaries.push(summary);

  const managed: RemoteDashboard[] = [];
  for (const summary of summaries) {
    const key = ownedKey(summary.description, siteName);
    if (key !== undefined && summary.id !== undefined) {
      managed.push({ key, dashboard: await apis.dashboards.getDashboard({ dashboardId: summary.id }) });
    }
  }
  const titles = new Set(declared.map((definition) => definition.dashboard.title));
  const sameTitle = summaries.filter(
    (summary) => ownedKey(summary.description, siteName) === undefined && titles.has(summary.title ?? ''),
  );

  return planDashboards({ declared, managed, sameTitle, adopt: options.adopt });
}

async function applyEntry(apis: DatadogApis, entry: DashboardEntry): Promise<string | undefined> {
  switch (entry.action) {
    case 'create':
      return (await apis.dashboards.createDashboard({ body: entry.body!.dashboard })).id;
    case 'update':
    case 'adopt':
      return (await apis.dashboards.updateDashboard({ dashboardId: entry.id!, body: entry.body!.dashboard })).id;
    case 'delete':
      await apis.dashboards.deleteDashboard({ dashboardId: entry.id! });
      return entry.id;
    default:
      return entry.id;
  }
}

/**
 * Creates, updates or adopts the planned dashboards. With `prune`, it also deletes managed ones
 * that are no longer declared, unless that would delete every managed dashboard.
 * @throws UnsafePruneError before any write.
 */
export async function applyDashboardPlan(apis: DatadogApis, plan: DashboardPlan, options: { prune: boolean }): Promise<ApplyResult> {
  const writes = plan.entries.filter((entry) => ['create', 'update', 'adopt'].includes(entry.action));
  const deletes = options.prune ? plan.entries.filter((entry) => entry.action === 'delete') : [];
  checkPrune(plan, options.prune, 'dashboards');

  return applyInOrder([...writes, ...deletes], (entry) => applyEntry(apis, entry));
}
