import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { LockHeldError } from './errors';
import { stateWriteError } from './files';

/** The lock's holder: a process on a given boot. */
interface Holder {
  pid: number;
  bootId: string;
  startedAt: string;
}

export interface RunLock {
  release(): void;
}

// A run ends by its deadline (600 s at most) plus the exit grace, so a lock older than this
// belongs to a run that is gone, even when its pid now names another live process.
const MAX_LOCK_AGE_MS = 15 * 60_000;
// /proc/<pid>/stat counts in clock ticks: USER_HZ, which is 100 on Linux for x86 and ARM.
const CLOCK_TICKS_PER_SECOND = 100;
// Slack for the tick rounding and for the gap between a run's start and its lock write.
const START_TIME_SLACK_MS = 2_000;

// A lock file with no holder written yet belongs to a run between its open and its write, unless
// it is older than this: then its creator died in between.
const EMPTY_LOCK_GRACE_MS = 10_000;

/**
 * Takes the run lock at `path`, a file created with O_EXCL that names its holder. A lock is stale
 * and is taken over when its holder is dead, was taken before the last boot, is older than any
 * run lasts, or names a pid that a process started after the lock now uses. So a crashed or
 * killed run does not block the next one, even after its pid is reused.
 * @throws LockHeldError when a live run holds it.
 * @throws SpoolWriteError when the lock file cannot be written (a full disk, say).
 */
export function acquireRunLock(
  path: string,
  bootId: string,
  isAlive = isProcessAlive,
  processStartMs = readProcessStartMs,
): RunLock {
  const me: Holder = { pid: process.pid, bootId, startedAt: new Date().toISOString() };
  const isLive = (holder: Holder) => {
    const lockedAtMs = Date.parse(holder.startedAt);
    if (holder.bootId !== bootId || !isAlive(holder.pid)) return false;
    if (!(Date.now() - lockedAtMs < MAX_LOCK_AGE_MS)) return false;
    const startMs = processStartMs(holder.pid);

    return startMs === undefined || startMs <= lockedAtMs + START_TIME_SLACK_MS;
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, me)) return { release: () => releaseIfMine(path, me) };
    const holder = readHolder(path);
    if (holder ? isLive(holder) : isYoung(path)) {
      const who = holder ? `pid ${holder.pid}, started ${holder.startedAt}` : 'a run that is starting';
      throw new LockHeldError(`another collector run (${who}) holds ${path}`);
    }
    takeOverStale(path, holder, me, isLive);
  }
  throw new LockHeldError(`could not take ${path}: other runs keep taking it`);
}

/**
 * Removes the stale lock `seen` while holding `<path>.takeover`. Only a run holding that guard
 * removes a lock that is not its own, and a stale lock's holder is dead, so the lock file cannot
 * change between the check and the unlink. Without the guard, a second run could check the stale
 * lock, then unlink the fresh lock a first run had just created in its place, and both would run.
 */
function takeOverStale(path: string, seen: Holder | undefined, me: Holder, isLive: (holder: Holder) => boolean) {
  const guard = `${path}.takeover`;
  if (!tryCreate(guard, me)) {
    // Another run is taking over; the next attempt finds its lock. A guard left by a run that
    // died during the take-over is removed here.
    // NOTE: two runs that find such a dead guard at the same moment can both remove it. That
    // needs a run to crash inside a take-over first, which lasts a few microseconds.
    const guardHolder = readHolder(guard);
    if (guardHolder ? !isLive(guardHolder) : !isYoung(guard)) unlinkIfExists(guard);
    return;
  }
  try {
    if (JSON.stringify(readHolder(path)) === JSON.stringify(seen)) unlinkIfExists(path);
  } finally {
    unlinkIfExists(guard);
  }
}

function tryCreate(path: string, me: Holder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw stateWriteError('the run lock', path, error);
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } catch (error) {
    closeSync(fd);
    unlinkIfExists(path);
    throw stateWriteError('the run lock', path, error);
  }
  closeSync(fd);

  return true;
}

function readHolder(path: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Holder;
  } catch {
    // Missing, or empty because its creator is between open and write, or died there.
    return undefined;
  }
}

function isYoung(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < EMPTY_LOCK_GRACE_MS;
  } catch {
    return false;
  }
}

function unlinkIfExists(path: string) {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

// Only this run's own lock is removed: a lock taken over after this run was presumed dead (a
// frozen process, say) belongs to the run that took it.
function releaseIfMine(path: string, me: Holder) {
  if (JSON.stringify(readHolder(path)) === JSON.stringify(me)) unlinkIfExists(path);
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

/** Reads when process `pid` started, epoch ms, from /proc; undefined where /proc cannot tell. */
export function readProcessStartMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in brackets may contain spaces, so fields are counted after its `)`.
    // starttime is field 22 of the line, the 20th after the name.
    const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    const startMs = bootSeconds * 1000 + (startTicks * 1000) / CLOCK_TICKS_PER_SECOND;

    return Number.isFinite(startMs) ? startMs : undefined;
  } catch {
    return undefined;
  }
}
