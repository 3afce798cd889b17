import type { Site } from '../../core/src/index';
import type { DatadogApis } from './api';
import { generateDashboard } from './dashboard/definition';
import { applyDashboardPlan, fetchDashboardPlan } from './dashboard/sync';
import type { DashboardPlan } from './dashboard/plan';
import { generateMonitors } from './definitions/generate';
import type { MonitorDefinition } from './definitions/types';
import { generateDowntimes } from './downtimes/definitions';
import { applyDowntimePlan, checkDowntimePrune, fetchDowntimePlan } from './downtimes/sync';
import type { DowntimePlan } from './downtimes/plan';
import { hasChanges } from './plan';
import type { MonitorPlan, PlanAction } from './plan';
import { resourceHasChanges } from './resource-plan';
import { applyPlan, checkPrune, fetchPlan, ValidationRejectedError } from './sync';
import type { ApplyResult } from './sync';

/** Everything sync plans for one site. */
export interface SitePlan {
  monitors: MonitorPlan;
  downtimes: DowntimePlan;
  dashboards: DashboardPlan;
  /** How many downtimes the site declares, expired ones included. */
  declaredDowntimes: number;
}

export interface SiteApplyResult {
  monitors: ApplyResult;
  downtimes: ApplyResult;
  dashboards: ApplyResult;
}

/** Plans the monitors (validated once), downtimes and dashboard of a site; reads only. */
export async function fetchSitePlan(
  apis: DatadogApis,
  site: Site,
  options: { adopt: boolean; now: Date; monitors?: MonitorDefinition[]; prune?: boolean },
): Promise<SitePlan> {
  const declaredDowntimes = generateDowntimes(site);

  return {
    monitors: await fetchPlan(apis, options.monitors ?? generateMonitors(site), { adopt: options.adopt, siteName: site.name, prune: options.prune }),
    downtimes: await fetchDowntimePlan(apis, site.name, declaredDowntimes, options.now),
    dashboards: await fetchDashboardPlan(apis, site.name, [generateDashboard(site)], { adopt: options.adopt }),
    declaredDowntimes: declaredDowntimes.length,
  };
}

/** A declared monitor, downtime or dashboard that sync cannot make match Datadog. */
export interface SiteConflict {
  kind: 'monitor' | 'downtime' | 'dashboard';
  name: string;
  id?: number | string;
  /** The managed item this one duplicates, for a second monitor with the same `hometemp-id`. */
  duplicateOf?: number;
}

/** Lists every conflict of the plan: apply leaves these as they are, so Datadog still differs. */
export function siteConflicts(plan: SitePlan): SiteConflict[] {
  const parts = [
    { kind: 'monitor' as const, entries: plan.monitors.entries },
    { kind: 'downtime' as const, entries: plan.downtimes.entries },
    { kind: 'dashboard' as const, entries: plan.dashboards.entries },
  ];

  return parts.flatMap(({ kind, entries }) =>
    entries
      .filter((entry) => entry.action === 'conflict')
      .map((entry) => ({ kind, name: entry.name, id: entry.id, duplicateOf: 'duplicateOf' in entry ? entry.duplicateOf : undefined })),
  );
}

/** True when applying the plan would change something in Datadog. */
export function sitePlanHasChanges(plan: SitePlan, prune: boolean): boolean {
  return hasChanges(plan.monitors, prune) || resourceHasChanges(plan.downtimes, prune) || resourceHasChanges(plan.dashboards, prune);
}

function notAttempted(entries: { action: string; key: string; name: string; id?: number | string }[], prune: boolean): ApplyResult {
  const planned = entries.filter((entry) => ['create', 'update', 'adopt'].includes(entry.action) || (prune && entry.action === 'delete'));
  return {
    applied: [],
    failed: [],
    notAttempted: planned.map(({ action, key, name, id }) => ({ action: action as PlanAction, key, name, id })),
  };
}

/**
 * Applies monitors, then downtimes (they mute monitors by tag), then the dashboard (it lists the
 * monitors by tag). Every prune check and the validation result are checked before the first
 * write. When a failure other than an error response from Datadog stops one part, the later parts are
 * reported as not attempted.
 * @throws ValidationRejectedError or UnsafePruneError before any write.
 */
export async function applySitePlan(apis: DatadogApis, plan: SitePlan, options: { prune: boolean }): Promise<SiteApplyResult> {
  checkPrune(plan.monitors, options.prune, 'monitors');
  checkDowntimePrune(plan.downtimes, options.prune, plan.declaredDowntimes);
  checkPrune(plan.dashboards, options.prune, 'dashboards');
  if (plan.monitors.rejections.length > 0) throw new ValidationRejectedError(plan.monitors.rejections);

  const monitors = await applyPlan(apis, plan.monitors, options);
  if (monitors.notAttempted.length > 0) {
    return { monitors, downtimes: notAttempted(plan.downtimes.entries, options.prune), dashboards: notAttempted(plan.dashboards.entries, options.prune) };
  }
  const downtimes = await applyDowntimePlan(apis, plan.downtimes, { prune: options.prune, declaredCount: plan.declaredDowntimes });
  if (downtimes.notAttempted.length > 0) {
    return { monitors, downtimes, dashboards: notAttempted(plan.dashboards.entries, options.prune) };
  }
  const dashboards = await applyDashboardPlan(apis, plan.dashboards, options);

  return { monitors, downtimes, dashboards };
}
