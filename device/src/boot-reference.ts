import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reading } from '../../core/src/index';
import type { Clock } from './clock';
import type { UnstampedReading } from './collect-readings';
import { stateWriteError, writeFileAtomic } from './files';

/** When the current boot started by the wall clock, first estimated once the clock was right. */
export interface BootReference {
  bootId: string;
  bootedAtMs: number;
}

const FILE_NAME = 'boot.json';

/**
 * Returns the saved boot reference of the current boot, or estimates it now (wall clock minus
 * uptime) and saves it. Stamping from one saved estimate gives a reading the same `takenAt`, and
 * so the same id, however often a crashed run stamps it again.
 * @throws SpoolWriteError when the estimate cannot be saved.
 */
export function loadBootReference(stateDir: string, clock: Clock): BootReference {
  const path = join(stateDir, FILE_NAME);
  const bootId = clock.bootId();
  const saved = readSaved(path);
  if (saved?.bootId === bootId) return saved;

  const reference = { bootId, bootedAtMs: Math.round(clock.now() - clock.uptimeMs()) };
  try {
    writeFileAtomic(path, `${JSON.stringify(reference)}\n`);
  } catch (error) {
    throw stateWriteError('the boot reference', path, error);
  }

  return reference;
}

/** Stamps readings taken with a wrong clock on the referenced boot; drops those of other boots. */
export function restamp(
  entries: UnstampedReading[],
  reference: BootReference,
): { restamped: Reading[]; dropped: number } {
  const restamped = entries
    .filter((entry) => entry.bootId === reference.bootId)
    .map((entry) => ({
      ...entry.reading,
      takenAt: new Date(reference.bootedAtMs + Math.round(entry.uptimeMs)).toISOString(),
    }));

  return { restamped, dropped: entries.length - restamped.length };
}

function readSaved(path: string): BootReference | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<BootReference>;
    if (typeof value.bootId === 'string' && typeof value.bootedAtMs === 'number') {
      return { bootId: value.bootId, bootedAtMs: value.bootedAtMs };
    }
  } catch {
    // Missing on the first stamping of a boot; writeFileAtomic never leaves a partial file.
  }

  return undefined;
}
