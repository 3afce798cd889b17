import { createDatadogApis, defaultSleep } from '../api';
import { toDatadogError } from '../api-errors';
import { checkDefinitions } from '../checks';
import { loadConfig, loadSlackWebhook } from '../config';
import { generateMonitors } from '../definitions/generate';
import {
  renderApplyResult,
  renderCheckProblems,
  renderConflicts,
  renderPlan,
  renderPlanJson,
  renderRejections,
  renderSlackResult,
  slackSummary,
} from '../renderer';
import { applySitePlan, fetchSitePlan, siteConflicts, sitePlanHasChanges } from '../site-sync';
import { postToSlack } from '../slack';
import { EXIT, loadSiteFile } from '../utils';
import type { CommandContext } from './context';

export interface SyncOptions {
  site: string;
  apply: boolean;
  prune: boolean;
  adopt: boolean;
  json: boolean;
  /** Seconds one Datadog request may take. */
  timeout: number;
}

const failedCount = (result: Awaited<ReturnType<typeof applySitePlan>>) =>
  [result.monitors, result.downtimes, result.dashboards].reduce(
    (sum, part) => sum + part.failed.length + part.notAttempted.length,
    0,
  );

/**
 * `sync`: checks locally, plans monitors, downtimes and the dashboard against Datadog (every
 * monitor to be written is validated there once), prints the plan, and with `apply` makes it
 * happen and posts a summary to Slack. Exit 0: nothing pending (or all applied); 2: changes
 * or conflicts pending; 1: an error, a failed change, or a conflict left after apply.
 */
export async function runSync(options: SyncOptions, context: CommandContext): Promise<number> {
  const site = loadSiteFile(options.site);
  const config = loadConfig(context.env);
  const webhook = loadSlackWebhook(context.env);
  const declared = generateMonitors(site);
  const problems = checkDefinitions(declared, site.collectionIntervalMinutes);
  if (problems.length > 0) {
    context.stderr(renderCheckProblems(problems));
    return EXIT.failure;
  }

  const apis = createDatadogApis(config, { sleep: context.sleep ?? defaultSleep, timeoutMs: options.timeout * 1000, notice: context.stderr });
  context.stderr(`Planning against the Datadog API at ${config.apiUrl}`);
  const now = context.now?.() ?? new Date();
  const plan = await fetchSitePlan(apis, site, { adopt: options.adopt, prune: options.prune, now, monitors: declared }).catch((error: unknown) => {
    throw toDatadogError(error, config.apiUrl);
  });
  if (plan.monitors.rejections.length > 0) {
    context.stderr(renderRejections(plan.monitors.rejections));
    return EXIT.failure;
  }
  context.stdout(options.json ? renderPlanJson(plan, options.prune) : renderPlan(plan, options.prune));
  const pending = sitePlanHasChanges(plan, options.prune);
  // A conflict means a declared item does not exist as declared: Datadog differs from the site.
  const conflicts = siteConflicts(plan);
  if (!options.apply) {
    if (conflicts.length > 0) context.stderr(renderConflicts(conflicts, false));
    return pending || conflicts.length > 0 ? EXIT.changesPending : EXIT.ok;
  }

  let failed = 0;
  if (pending) {
    const result = await applySitePlan(apis, plan, { prune: options.prune });
    context.stdout(renderApplyResult(result));
    if (webhook) {
      const slack = await postToSlack(webhook, slackSummary(site.name, result));
      (slack.failures.length > 0 ? context.stderr : context.stdout)(renderSlackResult(slack));
    }
    failed = failedCount(result);
  }
  if (conflicts.length > 0) context.stderr(renderConflicts(conflicts, true));

  return failed > 0 || conflicts.length > 0 ? EXIT.failure : EXIT.ok;
}
