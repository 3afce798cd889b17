import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateWriteError, writeFileAtomic } from './files';
import type { LastAccepted } from './read-policy';

/** What the collector remembers about one sensor between runs. */
export interface SensorState {
  lastAccepted?: LastAccepted;
  /** Since when the sensor has returned exactly `lastAccepted`'s raw values, epoch ms. */
  unchangedSinceMs?: number;
  /** Next row of a replayed recording. */
  replayIndex?: number;
}

export type DeviceState = Record<string, SensorState>;

const FILE_NAME = 'sensors.json';

/** Loads the sensors' state from `stateDir`; a missing or unreadable file starts afresh. */
export function loadDeviceState(stateDir: string): DeviceState {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(stateDir, FILE_NAME), 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as DeviceState) : {};
  } catch {
    // A first run, or a file cut short by a power cut: spike and stuck checks start again.
    return {};
  }
}

/**
 * Saves the sensors' state atomically.
 * @throws SpoolWriteError when it cannot be written (a full disk, say); the old file stays.
 */
export function saveDeviceState(stateDir: string, state: DeviceState): void {
  const path = join(stateDir, FILE_NAME);
  try {
    writeFileAtomic(path, `${JSON.stringify(state)}\n`);
  } catch (error) {
    throw stateWriteError('the sensor state', path, error);
  }
}

/** Records an accepted reading; returns whether the sensor has now been unchanged too long. */
export function recordAccepted(
  state: SensorState,
  raw: { temperature: number; humidity: number },
  takenAtMs: number,
  stuckAfterMs: number,
): boolean {
  const last = state.lastAccepted;
  const unchanged = last && last.temperature === raw.temperature && last.humidity === raw.humidity;
  if (!unchanged || state.unchangedSinceMs === undefined) state.unchangedSinceMs = takenAtMs;
  state.lastAccepted = { ...raw, takenAtMs };

  return takenAtMs - state.unchangedSinceMs >= stuckAfterMs;
}
