/**
 * Converts a room name to the tag value Datadog stores: lower case, with every character other
 * than letters, digits, `_`, `-`, `:`, `.` and `/` replaced by `_`, and runs of `_` collapsed.
 * See https://docs.datadoghq.com/getting_started/tagging/ (tag naming rules).
 */
export function toTagValue(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9_\-:./]/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
}

/** Builds `key IN (a,b)`, Datadog's tag filter for any of several values. */
export function anyOf(key: string, values: string[]): string {
  return `${key} IN (${values.join(',')})`;
}

/** Formats minutes as the window Datadog expects in `last_…`: hours when whole, else minutes. */
export function windowOf(minutes: number): string {
  return minutes % 60 === 0 ? `last_${minutes / 60}h` : `last_${minutes}m`;
}
