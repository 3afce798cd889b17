import { createDatadogApis } from '../api';
import type { RetryOptions } from '../api';
import { checkDefinitions } from '../checks';
import { loadConfig } from '../config';
import { generateMonitors } from '../definitions/generate';
import { hasChanges } from '../plan';
import {
  renderApplyResult,
  renderCheckProblems,
  renderPlan,
  renderPlanJson,
  renderRejections,
  renderSlackResult,
  slackSummary,
} from '../renderer';
import { postToSlack } from '../slack';
import { applyPlan, fetchPlan, validateRemotely } from '../sync';
import { EXIT, loadSiteFile } from '../utils';
import type { CommandContext } from './context';

export interface SyncOptions {
  site: string;
  apply: boolean;
  prune: boolean;
  adopt: boolean;
  json: boolean;
}

/**
 * `sync`: checks locally, validates with Datadog, prints the plan, and with `apply` makes it
 * happen and posts a summary to Slack. Exit 0: nothing pending (or all applied); 2: changes
 * pending; 1: an error or a failed change.
 */
export async function runSync(options: SyncOptions, context: CommandContext, retry: Partial<RetryOptions> = {}): Promise<number> {
  const site = loadSiteFile(options.site);
  const config = loadConfig(context.env);
  const declared = generateMonitors(site);
  const problems = checkDefinitions(declared, site.collectionIntervalMinutes);
  if (problems.length > 0) {
    context.stderr(renderCheckProblems(problems));
    return EXIT.failure;
  }
  const apis = createDatadogApis(config, retry);
  const plan = await fetchPlan(apis, declared, { adopt: options.adopt });
  const toWrite = plan.entries.filter((entry) => ['create', 'update', 'adopt'].includes(entry.action));
  const rejections = await validateRemotely(apis, toWrite.map((entry) => entry.definition!));
  if (rejections.length > 0) {
    context.stderr(renderRejections(rejections));
    return EXIT.failure;
  }
  context.stdout(options.json ? renderPlanJson(plan, options.prune) : renderPlan(plan, options.prune));
  const pending = hasChanges(plan, options.prune);
  if (!options.apply) return pending ? EXIT.changesPending : EXIT.ok;
  if (!pending) return EXIT.ok;

  const result = await applyPlan(apis, plan, { prune: options.prune });
  context.stdout(renderApplyResult(result));
  const webhook = context.env.SLACK_WEBHOOK_URL;
  if (webhook) {
    const slack = await postToSlack(webhook, slackSummary(site.name, result));
    (slack.failures.length > 0 ? context.stderr : context.stdout)(renderSlackResult(slack));
  }

  return result.failed.length > 0 || result.notAttempted.length > 0 ? EXIT.failure : EXIT.ok;
}
