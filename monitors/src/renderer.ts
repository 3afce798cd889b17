import { v1 } from '@datadog/datadog-api-client';
import type { CheckProblem } from './checks';
import { toWireName } from './plan';
import type { FieldChange, PlanEntry } from './plan';
import type { SiteApplyResult, SiteConflict, SitePlan } from './site-sync';
import type { SlackResult } from './slack';
import type { AppliedItem, ApplyResult, ValidationRejection } from './sync';

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

type Kind = 'monitor' | 'downtime' | 'dashboard';

interface RenderedEntry {
  action: PlanEntry['action'];
  name: string;
  id?: number | string;
  changes: FieldChange[];
  duplicateOf?: number;
}

const KINDS: { kind: Kind; heading: string; select: (plan: SitePlan) => RenderedEntry[] }[] = [
  { kind: 'monitor', heading: 'Monitors', select: (plan) => plan.monitors.entries },
  { kind: 'downtime', heading: 'Downtimes', select: (plan) => plan.downtimes.entries },
  { kind: 'dashboard', heading: 'Dashboards', select: (plan) => plan.dashboards.entries },
];

function renderEntry(entry: RenderedEntry, kind: Kind, prune: boolean): string[] {
  const id = entry.id === undefined ? '' : ` (id ${entry.id})`;
  let label: string = entry.action;
  if (entry.action === 'delete' && !prune) label = 'delete (skipped: needs --prune)';
  if (entry.action === 'delete' && kind === 'downtime') label = prune ? 'cancel' : 'cancel (skipped: needs --prune)';
  const { duplicateOf } = entry;
  if (entry.action === 'delete' && duplicateOf !== undefined) label = `${label}: duplicate of monitor ${duplicateOf}`;
  if (entry.action === 'conflict') {
    label = duplicateOf === undefined
      ? `conflict: a ${kind} with this name exists but is not managed by hometemp; rerun with --adopt to take it over`
      : `conflict: duplicate of monitor ${duplicateOf} with the same hometemp-id; rerun with --prune to delete it`;
  }

  return [
    `${SYMBOLS[entry.action]} ${entry.name}${id}: ${label}`,
    ...entry.changes.map((change) => `    ${change.field}: ${change.note ?? `${show(change.before)} -> ${show(change.after)}`}`),
  ];
}

// Datadog cancels a downtime rather than deleting it, so the downtime totals say "cancel".
function countLine(entries: RenderedEntry[], prune: boolean, deleteVerb = 'delete'): string {
  const count = (action: PlanEntry['action']) => entries.filter((entry) => entry.action === action).length;
  return `${count('create')} to create, ${count('update') + count('adopt')} to update, ${prune ? count('delete') : 0} to ${deleteVerb}, ${count('unchanged')} unchanged, ${count('conflict')} conflicts.`;
}

/** Renders the plan: changed items per kind with their field changes, then the totals. */
export function renderPlan(plan: SitePlan, prune: boolean): string {
  const lines: string[] = [];
  for (const { kind, heading, select } of KINDS) {
    const entries = select(plan);
    lines.push(`${heading}: ${countLine(entries, prune, kind === 'downtime' ? 'cancel' : 'delete')}`);
    for (const entry of entries.filter((candidate) => candidate.action !== 'unchanged')) {
      lines.push(...renderEntry(entry, kind, prune).map((line) => `  ${line}`));
    }
  }
  for (const name of plan.downtimes.expired) lines.push(`  downtime already over, not created: ${name}`);
  lines.push(`Plan: ${countLine(KINDS.flatMap(({ select }) => select(plan)), prune)}`);

  return lines.join('\n');
}

/**
 * Renders the plan as JSON. Every declared entry carries `desired`, the full definition sync
 * would send, in Datadog's wire names.
 */
export function renderPlanJson(plan: SitePlan, prune: boolean): string {
  const monitors = plan.monitors.entries.map(({ definition, ...entry }) => ({
    ...entry,
    ...(definition === undefined ? {} : { desired: v1.ObjectSerializer.serialize(definition, 'Monitor', '') }),
  }));
  const downtimes = plan.downtimes.entries.map(({ body, ...entry }) => ({
    ...entry,
    ...(body === undefined ? {} : { desired: wireKeys(body.attributes) }),
  }));
  const dashboards = plan.dashboards.entries.map(({ body, ...entry }) => ({
    ...entry,
    ...(body === undefined ? {} : { desired: v1.ObjectSerializer.serialize(body.dashboard, 'Dashboard', '') }),
  }));

  return JSON.stringify(
    {
      prune,
      entries: monitors,
      downtimes: { entries: downtimes, expired: plan.downtimes.expired },
      dashboards: { entries: dashboards },
    },
    null,
    2,
  );
}

// Downtime attributes have no serializer for their schedule union, so their keys are converted
// here. JSON.stringify turns their Dates into ISO strings.
function wireKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(wireKeys);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;

  return Object.fromEntries(Object.entries(value).map(([key, item]) => [toWireName(key), wireKeys(item)]));
}

function conflictReason(conflict: SiteConflict): string {
  if (conflict.duplicateOf !== undefined) {
    return `has the same hometemp-id as monitor ${conflict.duplicateOf} (a clone made in the UI, or a create that was retried); rerun with --prune to delete it`;
  }
  if (conflict.kind === 'downtime') return 'exists but is not managed by hometemp; remove it in Datadog';
  return `exists with this name but is not managed by hometemp; rerun with --adopt to take it over, or rename it in Datadog`;
}

/**
 * Renders the conflicts that keep Datadog from matching the site. After `--apply` they are an
 * error: everything else was applied, but a declared item still does not exist as declared.
 */
export function renderConflicts(conflicts: SiteConflict[], applied: boolean): string {
  const heading = applied
    ? `error: ${conflicts.length} conflict(s) left unresolved, so Datadog does not match the site:`
    : `${conflicts.length} conflict(s): sync --apply cannot make Datadog match the site until they are resolved:`;
  const lines = conflicts.map((conflict) => {
    const id = conflict.id === undefined ? '' : ` (id ${conflict.id})`;
    return `  ${conflict.kind} "${conflict.name}"${id} ${conflictReason(conflict)}`;
  });

  return [heading, ...lines].join('\n');
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

const RESULT_KINDS: { kind: Kind; select: (result: SiteApplyResult) => ApplyResult }[] = [
  { kind: 'monitor', select: (result) => result.monitors },
  { kind: 'downtime', select: (result) => result.downtimes },
  { kind: 'dashboard', select: (result) => result.dashboards },
];

type LabelledItem = AppliedItem & { kind: Kind; error?: string };

function labelled(result: SiteApplyResult, list: 'applied' | 'failed' | 'notAttempted'): LabelledItem[] {
  return RESULT_KINDS.flatMap(({ kind, select }) => select(result)[list].map((item) => ({ ...item, kind })));
}

// Removing a downtime cancels it: Datadog keeps it listed as canceled.
const verb = (item: LabelledItem) =>
  item.kind === 'downtime' && item.action === 'delete' ? 'cancel' : item.action;

const itemLine = (item: LabelledItem) =>
  `  ${verb(item)} ${item.kind} ${item.name}${item.id === undefined ? '' : ` (id ${item.id})`}${item.error === undefined ? '' : `: ${item.error}`}`;

export function renderApplyResult(result: SiteApplyResult): string {
  const applied = labelled(result, 'applied');
  const failed = labelled(result, 'failed');
  const notAttempted = labelled(result, 'notAttempted');
  const lines = [`Applied ${applied.length} change(s):`, ...applied.map(itemLine)];
  if (failed.length > 0) lines.push(`Failed ${failed.length} change(s):`, ...failed.map(itemLine));
  if (notAttempted.length > 0) lines.push(`Not attempted ${notAttempted.length} change(s):`, ...notAttempted.map(itemLine));

  return lines.join('\n');
}

/** Builds the Slack text for one apply, or none when nothing changed. */
export function slackSummary(siteName: string, result: SiteApplyResult): string[] {
  const applied = labelled(result, 'applied');
  const failed = labelled(result, 'failed');
  const notAttempted = labelled(result, 'notAttempted');
  if (applied.length === 0 && failed.length === 0) return [];
  const lines = [`hometemp monitors for *${siteName}*: ${applied.length} applied, ${failed.length} failed, ${notAttempted.length} not attempted.`];
  lines.push(...applied.map((item) => `• ${verb(item)} ${item.kind}: ${item.name}`));
  lines.push(...failed.map((item) => `• FAILED ${verb(item)} ${item.kind}: ${item.name} (${item.error})`));
  lines.push(...notAttempted.map((item) => `• NOT ATTEMPTED ${verb(item)} ${item.kind}: ${item.name}`));

  return [lines.join('\n')];
}

export function renderSlackResult(result: SlackResult): string {
  if (result.failures.length === 0) return `Slack: ${result.sent} message(s) sent.`;
  const reasons = result.failures.map((failure) => {
    const status = failure.status === undefined ? '' : `HTTP ${failure.status} `;
    const retry = failure.retryAfterSeconds === undefined ? '' : `, retry after ${failure.retryAfterSeconds} s`;
    const revoked = failure.status === 404 && failure.reason === 'no_service'
      ? ': the webhook was removed or revoked in Slack; create a new incoming webhook and set SLACK_WEBHOOK_URL to its URL'
      : '';
    return `  ${status}${failure.reason}${revoked}${retry}`;
  });
  return [`Slack: ${result.sent} message(s) sent, ${result.failures.length} failed:`, ...reasons].join('\n');
}

export const SLACK_TEST_TEXT = (siteName: string) =>
  `hometemp test message for *${siteName}*: monitors will post here after every applied change.`;

/** Reminds, after a test message, that alerts take another path than the change summaries. */
export function alertRoutingReminder(channels: { critical: string; warning: string }): string {
  const names = [...new Set([channels.critical, channels.warning])];
  const handles = names.map((name) => `@slack-${name}`).join(' and ');
  const listed = names.map((name) => `#${name}`).join(' and ');

  return `Alerts do not use this webhook: they reach Slack through ${handles}, which work only once Datadog's Slack integration is installed and lists ${listed}.`;
}

export const MISSING_WEBHOOK = 'SLACK_WEBHOOK_URL is not set; set it to the incoming webhook URL of the Slack channel for change summaries.';
