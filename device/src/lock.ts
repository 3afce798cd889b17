import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { LockHeldError } from './errors';

/** Who holds the lock: a process on a given boot. */
interface Holder {
  pid: number;
  bootId: string;
  startedAt: string;
}

export interface RunLock {
  release(): void;
}

/**
 * Takes the run lock at `path`, a file created with O_EXCL that names its holder. A lock whose
 * holder is dead, or was taken before the last boot, is stale and is taken over, so a crashed or
 * killed run never blocks the next one.
 * @throws LockHeldError when a live run holds it.
 */
export function acquireRunLock(path: string, bootId: string, isAlive = isProcessAlive): RunLock {
  const me: Holder = { pid: process.pid, bootId, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, me)) return { release: () => releaseIfMine(path, me) };
    const holder = readHolder(path);
    if (holder && holder.bootId === bootId && isAlive(holder.pid)) {
      throw new LockHeldError(
        `another collector run (pid ${holder.pid}, started ${holder.startedAt}) holds ${path}`,
      );
    }
    // Two runs may find the same stale lock; only one create below succeeds, and the other
    // finds a live holder on its next attempt.
    removeIfUnchanged(path, holder);
  }
  throw new LockHeldError(`could not take ${path}: other runs keep taking it`);
}

function tryCreate(path: string, me: Holder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }

  return true;
}

function readHolder(path: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Holder;
  } catch {
    // Missing, or empty because its creator died between open and write.
    return undefined;
  }
}

function removeIfUnchanged(path: string, seen: Holder | undefined) {
  const now = readHolder(path);
  if (JSON.stringify(now) !== JSON.stringify(seen)) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function releaseIfMine(path: string, me: Holder) {
  if (readHolder(path)?.pid === me.pid) removeIfUnchanged(path, readHolder(path));
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
