/**
 * Converts a value such as a room name into the form Datadog stores as a tag value: lower case,
 * with every character other than letters, digits, `_`, `-`, `.` and `/` replaced by `_`, at most
 * 200 characters. Datadog applies the same conversion on intake, so monitors that build the tag
 * from a room name with this function match the tags ingest emits.
 */
export function toTagValue(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\-./]/gu, '_')
    .slice(0, 200);
}
