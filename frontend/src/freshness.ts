/** How long ago a sensor last reported, and whether that is too long. */
export interface Freshness {
  ageSeconds: number;
  stale: boolean;
  /** The age in words, such as "just now", "12 min ago", "3 h ago" or "2 d ago". */
  label: string;
}

/** Collectors run every 15 minutes, so three missed runs make a sensor stale. */
export const DEFAULT_STALE_AFTER_MS = 45 * 60_000;

/** Rates `takenAt` (UTC ISO 8601) against `now`: its age in seconds, in words, and staleness. */
export function describeFreshness(takenAt: string, now: Date, staleAfterMs: number): Freshness {
  const ageMs = now.getTime() - Date.parse(takenAt);

  return {
    ageSeconds: Math.round(ageMs / 1000),
    stale: ageMs > staleAfterMs,
    label: formatAge(ageMs),
  };
}

/** Formats an age in milliseconds in the largest whole unit, rounding down. */
export function formatAge(ageMs: number): string {
  const minutes = Math.floor(ageMs / 60_000);
  if (ageMs < 0) return 'in the future (check the device clock)';
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;

  return `${Math.floor(hours / 24)} d ago`;
}
