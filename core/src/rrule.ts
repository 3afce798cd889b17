// The RFC 5545 recurrence rule parts a downtime may use, with what each accepts. DTSTART, DTEND
// and DURATION are left out because the downtime's `start` and `durationMinutes` set them.
const DAY_CODE = '(MO|TU|WE|TH|FR|SA|SU)';

interface PartRule {
  pattern: RegExp;
  /** Inclusive bounds for every number in the value, ignoring its sign. */
  range?: [number, number];
  expected: string;
}

const PART_RULES: Record<string, PartRule> = {
  FREQ: { pattern: /^(DAILY|WEEKLY|MONTHLY|YEARLY)$/, expected: 'DAILY, WEEKLY, MONTHLY or YEARLY' },
  INTERVAL: { pattern: /^\d+$/, range: [1, 1000], expected: 'a whole number from 1' },
  COUNT: { pattern: /^\d+$/, range: [1, 100_000], expected: 'a whole number from 1' },
  UNTIL: { pattern: /^\d{8}(T\d{6}Z?)?$/, expected: 'a date such as 20261231 or 20261231T235959Z' },
  BYDAY: {
    pattern: new RegExp(`^[+-]?\\d{0,2}${DAY_CODE}(,[+-]?\\d{0,2}${DAY_CODE})*$`),
    range: [1, 53],
    expected: 'day codes MO, TU, WE, TH, FR, SA or SU, comma-separated, optionally numbered (1MO, -1FR)',
  },
  BYHOUR: { pattern: /^\d{1,2}(,\d{1,2})*$/, range: [0, 23], expected: 'hours 0-23, comma-separated' },
  BYMINUTE: { pattern: /^\d{1,2}(,\d{1,2})*$/, range: [0, 59], expected: 'minutes 0-59, comma-separated' },
  BYMONTHDAY: { pattern: /^[+-]?\d{1,2}(,[+-]?\d{1,2})*$/, range: [1, 31], expected: 'days 1-31 or -31 to -1, comma-separated' },
  BYMONTH: { pattern: /^\d{1,2}(,\d{1,2})*$/, range: [1, 12], expected: 'months 1-12, comma-separated' },
  BYSETPOS: { pattern: /^[+-]?\d{1,3}(,[+-]?\d{1,3})*$/, range: [1, 366], expected: 'positions 1-366 or -366 to -1, comma-separated' },
  WKST: { pattern: new RegExp(`^${DAY_CODE}$`), expected: 'a day code such as MO' },
};

function checkPart(name: string, value: string): string | undefined {
  const rule = PART_RULES[name];
  if (!rule) return `${name} is not a supported part; use ${Object.keys(PART_RULES).join(', ')}`;
  if (!rule.pattern.test(value)) return `${name}=${value} is invalid; ${name} takes ${rule.expected}`;
  if (name === 'UNTIL') {
    return isCalendarDate(value) ? undefined : `${name}=${value} is not a real date; ${name} takes ${rule.expected}`;
  }
  const numbers = (value.match(/\d+/g) ?? []).map(Number);
  if (!rule.range) return undefined;
  const [min, max] = rule.range;
  const outside = numbers.find((number) => number < min || number > max);

  return outside === undefined ? undefined : `${name}=${value} is invalid; ${name} takes ${rule.expected}`;
}

// 20261301 or 20260230 match the pattern but name no day; a UTC Date rolls them over.
function isCalendarDate(value: string): boolean {
  const [year, month, day] = [value.slice(0, 4), value.slice(4, 6), value.slice(6, 8)].map(Number);
  const date = new Date(Date.UTC(year!, month! - 1, day!));

  return date.getUTCFullYear() === year && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day;
}

/**
 * Checks an RFC 5545 RRULE such as `FREQ=WEEKLY;BYDAY=SA,SU` part by part. FREQ must come first,
 * every part must be known and appear once, numbers must be in range, and COUNT and UNTIL must
 * not both be set. Returns one message per problem, or an empty list for a valid rule.
 */
export function checkRrule(rrule: string): string[] {
  const parts = rrule.split(';').map((part) => part.split('='));
  const problems: string[] = [];
  if (parts[0]?.[0] !== 'FREQ') problems.push('must start with FREQ, such as FREQ=WEEKLY;BYDAY=SA,SU');
  const seen = new Set<string>();
  for (const part of parts) {
    const [name = '', value, ...rest] = part;
    if (value === undefined || value === '' || rest.length > 0) {
      problems.push(`"${part.join('=')}" is not a NAME=VALUE part`);
      continue;
    }
    if (seen.has(name)) problems.push(`${name} appears twice`);
    seen.add(name);
    const problem = checkPart(name, value);
    if (problem) problems.push(problem);
  }
  if (seen.has('COUNT') && seen.has('UNTIL')) problems.push('COUNT and UNTIL must not both be set');

  return problems;
}
