import { ID_TAG_PREFIX, MANAGED_TAG } from './definitions/types';

// Downtimes and dashboards carry no monitor-style tags, so sync marks them with one line of
// text (in a downtime's message, in a dashboard's description) that names the site and the key.
const MARKER_PATTERN = new RegExp(`${MANAGED_TAG} site:([a-z0-9-]+) ${ID_TAG_PREFIX}(\\S+)`);

/** Builds the ownership line, such as `managed-by:hometemp site:home hometemp-id:overview`. */
export function ownershipMarker(siteName: string, key: string): string {
  return `${MANAGED_TAG} site:${siteName} ${ID_TAG_PREFIX}${key}`;
}

/** Returns the key of a text's ownership line when it names this site, else undefined. */
export function ownedKey(text: string | undefined | null, siteName: string): string | undefined {
  const match = MARKER_PATTERN.exec(text ?? '');
  return match && match[1] === siteName ? match[2] : undefined;
}
