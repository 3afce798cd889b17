// Room tags are built with the conversion ingest applies to the tags it emits, so both agree.
export { toTagValue } from '../../../core/src/index';

/** Builds `key IN (a,b)`, Datadog's tag filter for any of several values. */
export function anyOf(key: string, values: string[]): string {
  return `${key} IN (${values.join(',')})`;
}

/**
 * Joins tag filters with AND. Datadog rejects a filter that mixes `,` with AND, OR or IN, so
 * every filter that contains `IN` is joined this way.
 */
export function allOf(...filters: string[]): string {
  return filters.join(' AND ');
}

/** Formats minutes as the window Datadog expects in `last_…`: hours when whole, else minutes. */
export function windowOf(minutes: number): string {
  return minutes % 60 === 0 ? `last_${minutes / 60}h` : `last_${minutes}m`;
}
