import { createDatadogApis, defaultSleep } from '../api';
import { checkDefinitions } from '../checks';
import { loadConfig } from '../config';
import { generateMonitors } from '../definitions/generate';
import {
  renderApplyResult,
  renderCheckProblems,
  renderPlan,
  renderPlanJson,
  renderRejections,
  renderSlackResult,
  slackSummary,
} from '../renderer';
import { applySitePlan, fetchSitePlan, sitePlanHasChanges } from '../site-sync';
import { postToSlack } from '../slack';
import { EXIT, loadSiteFile } from '../utils';
import type { CommandContext } from './context';

export interface SyncOptions {
  site: string;
  apply: boolean;
  prune: boolean;
  adopt: boolean;
  json: boolean;
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
 * pending; 1: an error or a failed change.
 */
export async function runSync(options: SyncOptions, context: CommandContext): Promise<number> {
  const site = loadSiteFile(options.site);
  const config = loadConfig(context.env);
  const declared = generateMonitors(site);
  const problems = checkDefinitions(declared, site.collectionIntervalMinutes);
  if (problems.length > 0) {
    context.stderr(renderCheckProblems(problems));
    return EXIT.failure;
  }

  const apis = createDatadogApis(config, { sleep: context.sleep ?? defaultSleep });
  const plan = await fetchSitePlan(apis, site, { adopt: options.adopt, now: context.now?.() ?? new Date(), monitors: declared });
  if (plan.monitors.rejections.length > 0) {
    context.stderr(renderRejections(plan.monitors.rejections));
    return EXIT.failure;
  }
  context.stdout(options.json ? renderPlanJson(plan, options.prune) : renderPlan(plan, options.prune));
  const pending = sitePlanHasChanges(plan, options.prune);
  if (!options.apply) return pending ? EXIT.changesPending : EXIT.ok;
  if (!pending) return EXIT.ok;

  const result = await applySitePlan(apis, plan, { prune: options.prune });
  context.stdout(renderApplyResult(result));
  const webhook = context.env.SLACK_WEBHOOK_URL;
  if (webhook) {
    const slack = await postToSlack(webhook, slackSummary(site.name, result));
    (slack.failures.length > 0 ? context.stderr : context.stdout)(renderSlackResult(slack));
  }

  return failedCount(result) > 0 ? EXIT.failure : EXIT.ok;
}
