// Offset of `timeZone` from UTC at an instant, in milliseconds, read through Intl.
function offsetAt(instantMs: number, timeZone: string): number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const part = (parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((candidate) => candidate.type === type)?.value);
  const parts = format.formatToParts(new Date(instantMs));
  const wallAsUtc = Date.UTC(
    part(parts, 'year'),
    part(parts, 'month') - 1,
    part(parts, 'day'),
    part(parts, 'hour'),
    part(parts, 'minute'),
    part(parts, 'second'),
  );

  return wallAsUtc - Math.floor(instantMs / 1000) * 1000;
}

/**
 * Converts a wall-clock time without offset (`2026-03-02T08:00:00`) in an IANA time zone to the
 * instant it names. The second pass corrects the offset across a DST change. A time skipped by
 * a spring-forward change resolves to the instant one hour later, and a time that occurs twice
 * in the autumn resolves to the second occurrence.
 */
export function localTimeToUtc(localTime: string, timeZone: string): Date {
  const wallMs = Date.parse(`${localTime}Z`);
  const first = wallMs - offsetAt(wallMs, timeZone);
  const second = wallMs - offsetAt(first, timeZone);

  return new Date(second);
}
