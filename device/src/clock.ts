import { existsSync, readFileSync } from 'node:fs';
import { hostname, uptime } from 'node:os';

/** The collector's view of time, injectable so tests can set a wrong clock. */
export interface Clock {
  /** Wall-clock time, epoch ms. */
  now(): number;
  /** Time since boot, ms; unaffected by setting the wall clock. */
  uptimeMs(): number;
  /** Changes at every boot. */
  bootId(): string;
  /** Whether NTP has set the clock; undefined where the system does not tell. */
  synchronised(): boolean | undefined;
}

/** Readings stamped before this instant come from a clock that is plainly wrong. */
export const EARLIEST_VALID_TIME_MS = Date.UTC(2026, 0, 1);

// systemd-timesyncd creates this file once it has synchronised the clock (systemd >= 239).
const TIMESYNC_DIR = '/run/systemd/timesync';

/** Linux's clock, boot id and systemd-timesyncd's synchronisation flag. */
export const systemClock: Clock = {
  now: () => Date.now(),
  uptimeMs: () => uptime() * 1000,
  bootId: () => {
    try {
      return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      // Not Linux (a laptop running the local stack): the boot time identifies the boot.
      return `${hostname()}-${Math.round((Date.now() / 1000 - uptime()) / 60)}`;
    }
  },
  synchronised: () => {
    if (!existsSync(TIMESYNC_DIR)) return undefined;
    return existsSync(`${TIMESYNC_DIR}/synchronized`);
  },
};

/** Says why the clock cannot be trusted now, or returns undefined when it can. */
export function describeClockProblem(clock: Clock): string | undefined {
  const now = clock.now();
  if (now < EARLIEST_VALID_TIME_MS) {
    return `the clock says ${new Date(now).toISOString()}, before this collector was released`;
  }
  if (clock.synchronised() === false) return 'the clock is not yet synchronised by NTP';

  return undefined;
}
