import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../core/src/index';

const LOCK_FILE = 'hometemp.pid';

/**
 * Claims `dataDir` for this process by writing its pid there, so a second local stack on the
 * same folder stops with a clear message instead of a LevelDB error. A pid file left by a
 * process that no longer runs is taken over.
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
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (isRunning(holder)) {
      throw new ConfigError(
        `${dataDir} is in use by another hometemp local stack (pid ${holder}); stop it, or pass another --data-dir or --in-memory`,
      );
    }
    await rm(file, { force: true });
  }
  throw new ConfigError(`could not claim ${dataDir}: another process keeps taking it; try again`);
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
