import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../core/src/index';
import { readProcessStartMs } from '../../device/src/lock';

const LOCK_FILE = 'hometemp.pid';

/**
 * Claims `dataDir` for this process by writing its pid there, so a second local stack on the
 * same folder stops with a clear message instead of a LevelDB error. The file also records
 * when the process started, so a pid file left by a process that no longer runs is taken over
 * even when another process has been given the same pid since.
 * @returns a function that releases the folder
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `cannot use ${dataDir} as the data folder (${code}); pass a folder with --data-dir`,
      { cause: error },
    );
  }
  const file = path.join(dataDir, LOCK_FILE);

  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const startedMs = readProcessStartMs(process.pid) ?? Date.now();
      await writeFile(file, `${process.pid} ${Math.round(startedMs)}\n`, { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const [pidText, startedText] = (await readFile(file, 'utf8').catch(() => '')).trim().split(' ');
    const holder = Number.parseInt(pidText ?? '', 10);
    if (isRunning(holder, Number(startedText))) {
      throw new ConfigError(
        `${dataDir} is in use by another hometemp local stack (pid ${holder}); stop it, or pass another --data-dir or --in-memory`,
      );
    }
    await rm(file, { force: true });
  }
  throw new ConfigError(`could not claim ${dataDir}: another process keeps taking it; try again`);
}

// Process start times read from /proc are exact to a clock tick; this allows for rounding.
const START_TOLERANCE_MS = 1000;

function isRunning(pid: number, recordedStartMs: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const startMs = readProcessStartMs(pid);
  if (startMs === undefined || !Number.isFinite(recordedStartMs)) return true;

  return Math.abs(startMs - recordedStartMs) <= START_TOLERANCE_MS;
}
