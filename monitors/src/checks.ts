import type { MonitorDefinition } from './definitions/types';
import { ID_TAG_PREFIX, MANAGED_TAG } from './definitions/types';

/** One local check that failed: which monitor, which field, and what is wrong. */
export interface CheckProblem {
  monitor: string;
  field: string;
  message: string;
}

type Comparator = '>' | '>=' | '<' | '<=';

interface ParsedQuery {
  windowMinutes: number;
  comparator: Comparator;
  threshold: number;
}

const QUERY_PATTERN = /^\w+\(last_(\d+)([mhd])\):.+?\s(>=|<=|>|<)\s(-?\d+(?:\.\d+)?)$/s;
const UNIT_MINUTES = { m: 1, h: 60, d: 1440 } as const;

/** Reads the evaluation window, comparator and threshold from a metric monitor query. */
export function parseQuery(query: string): ParsedQuery | undefined {
  const match = QUERY_PATTERN.exec(query);
  if (!match) return undefined;
  const [, amount, unit, comparator, threshold] = match;

  return {
    windowMinutes: Number(amount) * UNIT_MINUTES[unit as keyof typeof UNIT_MINUTES],
    comparator: comparator as Comparator,
    threshold: Number(threshold),
  };
}

// For `>` and `>=` a value alerts when it rises, so warning and recovery sit below critical;
// for `<` and `<=` they sit above it.
function isBefore(comparator: Comparator, value: number, limit: number): boolean {
  return comparator.startsWith('>') ? value < limit : value > limit;
}

function checkThresholds(definition: MonitorDefinition, parsed: ParsedQuery): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const add = (field: string, message: string) =>
    problems.push({ monitor: definition.name, field, message });
  const { critical, warning, criticalRecovery, warningRecovery } = definition.options.thresholds;
  const side = parsed.comparator.startsWith('>') ? 'below' : 'above';

  if (typeof critical !== 'number' || !Number.isFinite(critical)) {
    add('options.thresholds.critical', 'is missing; every monitor needs a critical threshold');
    return problems;
  }
  if (critical !== parsed.threshold) {
    add('options.thresholds.critical', `is ${critical} but the query compares with ${parsed.threshold}; they must be equal`);
  }
  if (warning !== undefined && !isBefore(parsed.comparator, warning, critical)) {
    add('options.thresholds.warning', `is ${warning}; with "${parsed.comparator}" it must be ${side} the critical ${critical}`);
  }
  if (criticalRecovery !== undefined && !isBefore(parsed.comparator, criticalRecovery, critical)) {
    add('options.thresholds.criticalRecovery', `is ${criticalRecovery}; with "${parsed.comparator}" it must be ${side} the critical ${critical}`);
  }
  if (warningRecovery !== undefined) {
    if (warning === undefined) {
      add('options.thresholds.warningRecovery', 'is set without a warning threshold');
    } else if (!isBefore(parsed.comparator, warningRecovery, warning)) {
      add('options.thresholds.warningRecovery', `is ${warningRecovery}; with "${parsed.comparator}" it must be ${side} the warning ${warning}`);
    }
  }

  return problems;
}

function checkWindows(definition: MonitorDefinition, parsed: ParsedQuery, intervalMinutes: number): CheckProblem[] {
  if (definition.cadence !== 'collector') return [];
  const problems: CheckProblem[] = [];
  const add = (field: string, message: string) =>
    problems.push({ monitor: definition.name, field, message });
  const { options } = definition;

  if (parsed.windowMinutes < 2 * intervalMinutes) {
    add('query', `evaluates the last ${parsed.windowMinutes} minutes, which holds fewer than 2 readings at one every ${intervalMinutes} minutes; use at least ${2 * intervalMinutes} minutes`);
  }
  if (options.requireFullWindow) {
    add('options.requireFullWindow', 'is true, but readings arrive only every ' + `${intervalMinutes} minutes, so a full window would rarely exist; set it to false`);
  }
  if (options.notifyNoData) {
    const timeframe = options.noDataTimeframe;
    if (timeframe === undefined) {
      add('options.noDataTimeframe', 'is missing while notifyNoData is true');
    } else if (timeframe < Math.max(parsed.windowMinutes, 3 * intervalMinutes)) {
      add('options.noDataTimeframe', `is ${timeframe} minutes; it must cover the ${parsed.windowMinutes}-minute window and at least 3 collection intervals (${3 * intervalMinutes} minutes), or normal gaps between readings raise no-data alerts`);
    }
  }

  return problems;
}

// Every hometemp metric and Datadog's enhanced Lambda metrics are distributions. Datadog defines
// `.as_count()` and `.as_rate()` for count and rate metrics only (Metric Type Modifiers in its
// docs), so on a distribution they are noise that hides which queries really convert.
const DISTRIBUTION_MODIFIER = /\b((?:hometemp|aws\.lambda\.enhanced)\.[\w.]+)\{[^}]*\}(?: by \{[^}]*\})?\.as_(?:count|rate)\(\)/g;

/** Lists the distribution metrics that a query applies `.as_count()` or `.as_rate()` to. */
export function distributionsWithModifier(query: string): string[] {
  return [...query.matchAll(DISTRIBUTION_MODIFIER)].map((match) => match[1]!);
}

function checkModifiers(definition: MonitorDefinition): CheckProblem[] {
  return distributionsWithModifier(definition.query).map((metric) => ({
    monitor: definition.name,
    field: 'query',
    message: `applies .as_count() or .as_rate() to the distribution metric ${metric}; these modifiers apply to count and rate metrics only, so remove it`,
  }));
}

function checkMetadata(definition: MonitorDefinition): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const add = (field: string, message: string) =>
    problems.push({ monitor: definition.name || definition.key, field, message });

  if (definition.name.trim() === '') add('name', 'is empty');
  if (!definition.tags.includes(MANAGED_TAG)) add('tags', `must contain ${MANAGED_TAG}`);
  if (!definition.tags.includes(`${ID_TAG_PREFIX}${definition.key}`)) {
    add('tags', `must contain ${ID_TAG_PREFIX}${definition.key}`);
  }
  if (!/@slack-[\w-]+/.test(definition.message)) add('message', 'notifies no @slack- handle');
  if (!definition.message.includes('{{#is_recovery}}')) add('message', 'has no {{#is_recovery}} section');

  return problems;
}

/**
 * Runs the checks that need no API call: a critical threshold exists and equals the query's,
 * warning and recovery thresholds sit on the right side of the comparator, and windows fit the
 * collection interval. No distribution metric may get `.as_count()`, and ownership tags, Slack
 * handles and the recovery section must be present.
 */
export function checkDefinitions(definitions: MonitorDefinition[], intervalMinutes: number): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const keys = new Set<string>();
  const names = new Set<string>();

  for (const definition of definitions) {
    if (keys.has(definition.key)) {
      problems.push({ monitor: definition.name, field: 'key', message: `"${definition.key}" is used by another monitor` });
    }
    if (names.has(definition.name)) {
      problems.push({ monitor: definition.name, field: 'name', message: 'is used by another monitor' });
    }
    keys.add(definition.key);
    names.add(definition.name);
    problems.push(...checkMetadata(definition), ...checkModifiers(definition));
    const parsed = parseQuery(definition.query);
    if (!parsed) {
      problems.push({ monitor: definition.name, field: 'query', message: 'does not end in a comparison such as "> 25" after a window such as avg(last_30m)' });
      continue;
    }
    problems.push(...checkThresholds(definition, parsed), ...checkWindows(definition, parsed, intervalMinutes));
  }

  return problems;
}
