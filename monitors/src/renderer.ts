import type { CheckProblem } from './checks';
import type { MonitorPlan, PlanEntry } from './plan';
import type { SlackResult } from './slack';
import type { ApplyResult, ValidationRejection } from './sync';

// Every text the CLI shows a person lives here.

const SYMBOLS: Record<PlanEntry['action'], string> = {
  create: '+',
  update: '~',
  adopt: '~',
  delete: '-',
  unchanged: '=',
  conflict: '!',
};

const show = (value: unknown) => (value === undefined ? '(unset)' : JSON.stringify(value));

export function renderPlan(plan: MonitorPlan, prune: boolean): string {
  const lines: string[] = [];
  for (const entry of plan.entries) {
    if (entry.action === 'unchanged') continue;
    const id = entry.id === undefined ? '' : ` (id ${entry.id})`;
    let label: string = entry.action;
    if (entry.action === 'delete' && !prune) label = 'delete (skipped: needs --prune)';
    if (entry.action === 'conflict') label = 'conflict: a monitor with this name exists but is not managed by hometemp; rerun with --adopt to take it over';
    lines.push(`${SYMBOLS[entry.action]} ${entry.name}${id}: ${label}`);
    for (const change of entry.changes) {
      lines.push(`    ${change.field}: ${show(change.before)} -> ${show(change.after)}`);
    }
  }
  const count = (action: PlanEntry['action']) => plan.entries.filter((entry) => entry.action === action).length;
  lines.push(
    `Plan: ${count('create')} to create, ${count('update') + count('adopt')} to update, ${prune ? count('delete') : 0} to delete, ${count('unchanged')} unchanged, ${count('conflict')} conflicts.`,
  );
  return lines.join('\n');
}

export function renderPlanJson(plan: MonitorPlan, prune: boolean): string {
  return JSON.stringify({
    prune,
    entries: plan.entries.map(({ definition: _definition, ...entry }) => entry),
  }, null, 2);
}

export function renderCheckProblems(problems: CheckProblem[]): string {
  return [
    `${problems.length} monitor definition problem(s) found before contacting Datadog:`,
    ...problems.map((problem) => `  ${problem.monitor}: ${problem.field} ${problem.message}`),
  ].join('\n');
}

export function renderRejections(rejections: ValidationRejection[]): string {
  return [
    `Datadog's validate endpoint rejected ${rejections.length} monitor(s); nothing was written:`,
    ...rejections.flatMap((rejection) => [`  ${rejection.name}:`, ...rejection.errors.map((error) => `    ${error}`)]),
  ].join('\n');
}

export function renderApplyResult(result: ApplyResult): string {
  const line = (item: { action: string; name: string; id?: number }) => `  ${item.action} ${item.name}${item.id === undefined ? '' : ` (id ${item.id})`}`;
  const lines = [`Applied ${result.applied.length} change(s):`, ...result.applied.map(line)];
  if (result.failed.length > 0) {
    lines.push(`Failed ${result.failed.length} change(s):`, ...result.failed.map((item) => `${line(item)}: ${item.error}`));
  }
  if (result.notAttempted.length > 0) {
    lines.push(`Not attempted ${result.notAttempted.length} change(s):`, ...result.notAttempted.map(line));
  }
  return lines.join('\n');
}

/** The Slack text for one apply; empty when nothing changed. */
export function slackSummary(siteName: string, result: ApplyResult): string[] {
  if (result.applied.length === 0 && result.failed.length === 0) return [];
  const texts = [`hometemp monitors for *${siteName}*: ${result.applied.length} applied, ${result.failed.length} failed.`];
  texts.push(...result.applied.map((item) => `• ${item.action}: ${item.name}`));
  texts.push(...result.failed.map((item) => `• FAILED ${item.action}: ${item.name} (${item.error})`));
  return [texts.join('\n')];
}

export function renderSlackResult(result: SlackResult): string {
  if (result.failures.length === 0) return `Slack: ${result.sent} message(s) sent.`;
  const reasons = result.failures.map((failure) => {
    const status = failure.status === undefined ? '' : `HTTP ${failure.status} `;
    const retry = failure.retryAfterSeconds === undefined ? '' : `, retry after ${failure.retryAfterSeconds} s`;
    return `  ${status}${failure.reason}${retry}`;
  });
  return [`Slack: ${result.sent} message(s) sent, ${result.failures.length} failed:`, ...reasons].join('\n');
}

export const SLACK_TEST_TEXT = (siteName: string) =>
  `hometemp test message for *${siteName}*: monitors will post here after every applied change.`;

export const MISSING_WEBHOOK = 'SLACK_WEBHOOK_URL is not set; set it to the incoming webhook URL of the Slack channel for change summaries.';
