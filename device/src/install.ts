import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type Scheduler = 'cron' | 'systemd';

export interface InstallOptions {
  scheduler: Scheduler;
  /** Absolute command that starts the collector, e.g. `/usr/local/bin/hometemp-collector`. */
  command: string;
  configPath: string;
  user: string;
  intervalMinutes: number;
  /** Prefix for the system paths; `/` on a Pi, a temporary folder in tests. */
  root: string;
}

const CRON_FILE = 'etc/cron.d/hometemp-collector';
const SERVICE_FILE = 'etc/systemd/system/hometemp-collector.service';
/** The systemd timer `install --scheduler systemd` writes, relative to the root. */
export const TIMER_FILE = 'etc/systemd/system/hometemp-collector.timer';

/** The files `install` writes for a scheduler, by path under `root`. */
export function scheduleFiles(options: InstallOptions): Record<string, string> {
  const run = `${options.command} run --config ${options.configPath}`;
  if (options.scheduler === 'cron') {
    // flock -n would also do, but the collector's own lock already keeps runs from piling up.
    return {
      [CRON_FILE]:
        '# Written by hometemp-collector install; remove with hometemp-collector uninstall.\n' +
        `*/${options.intervalMinutes} * * * * ${options.user} ${run} >>/var/log/hometemp-collector.log 2>&1\n`,
    };
  }

  return {
    [SERVICE_FILE]: [
      '[Unit]',
      'Description=hometemp collector run',
      'After=network-online.target time-sync.target',
      'Wants=network-online.target',
      '',
      '[Service]',
      'Type=oneshot',
      `User=${options.user}`,
      `ExecStart=${run}`,
      // A second guard behind the collector's own deadline (600 s at most).
      'TimeoutStartSec=660',
      '',
    ].join('\n'),
    [TIMER_FILE]: [
      '[Unit]',
      'Description=Run the hometemp collector every few minutes',
      '',
      '[Timer]',
      `OnCalendar=*:0/${options.intervalMinutes}`,
      'Persistent=true',
      'RandomizedDelaySec=30',
      '',
      '[Install]',
      'WantedBy=timers.target',
      '',
    ].join('\n'),
  };
}

/** Writes the schedule files; returns the paths it changed (none when already installed). */
export function installSchedule(options: InstallOptions): string[] {
  const changed: string[] = [];
  for (const [relative, content] of Object.entries(scheduleFiles(options))) {
    const path = join(options.root, relative);
    if (existsSync(path) && readFileSync(path, 'utf8') === content) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, { mode: 0o644 });
    changed.push(path);
  }

  return changed;
}

/** Removes the schedule files of both schedulers; returns the paths it removed. */
export function uninstallSchedule(root: string): string[] {
  const removed: string[] = [];
  for (const relative of [CRON_FILE, SERVICE_FILE, TIMER_FILE]) {
    const path = join(root, relative);
    if (!existsSync(path)) continue;
    rmSync(path);
    removed.push(path);
  }

  return removed;
}
