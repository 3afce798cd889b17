import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type Scheduler = 'cron' | 'systemd';

/** The account a scheduled run starts as, as `getent passwd` or `/etc/passwd` lists it. */
export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
}

export interface InstallOptions {
  scheduler: Scheduler;
  /** Absolute path of the Node.js binary, so cron's short PATH does not matter. */
  nodePath: string;
  /** Absolute path of the collector script, e.g. `/opt/hometemp-collector/bin/hometemp-collector.js`. */
  command: string;
  /** Absolute path of the config file. */
  configPath: string;
  user: SystemUser;
  /** Minutes between runs; a divisor of 60 so the runs are evenly spaced. */
  intervalMinutes: number;
  /** The config's state folder, which the installer creates owned by `user`. */
  stateDir: string;
  /** Prefix for the system paths; `/` on a Pi, a temporary folder in tests. */
  root: string;
}

/** The cron entry `install` writes, relative to the root. */
export const CRON_FILE = 'etc/cron.d/hometemp-collector';
const SERVICE_FILE = 'etc/systemd/system/hometemp-collector.service';
/** The systemd timer `install --scheduler systemd` writes, relative to the root. */
export const TIMER_FILE = 'etc/systemd/system/hometemp-collector.timer';

const FILES_OF: Record<Scheduler, string[]> = {
  cron: [CRON_FILE],
  systemd: [SERVICE_FILE, TIMER_FILE],
};

/** Intervals that divide the hour evenly. A 7-minute cron step runs at :56 and again at :00. */
export const INTERVALS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30] as const;

// The bin script's shebang passes this flag; a scheduled run calls node directly, so it repeats it.
const NODE_FLAGS = '--max-semi-space-size=1 --max-old-space-size=48';

/** Quotes `value` as one word for /bin/sh, which runs a cron command. */
export function quoteForShell(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Quotes `value` as one word of a systemd `ExecStart=` line. `%` starts a specifier and `$` a
 * variable there, so both are doubled.
 */
export function quoteForSystemd(value: string): string {
  const escaped = value
    .replaceAll('\\', '\\\\')
    .replaceAll('"', '\\"')
    .replaceAll('%', '%%')
    .replaceAll('$', '$$$$');

  return `"${escaped}"`;
}

/** The files `install` writes for a scheduler, by path under `root`. */
export function scheduleFiles(options: InstallOptions): Record<string, string> {
  if (options.scheduler === 'cron') {
    // cron turns an unescaped % into a line break, even inside quotes.
    const run = [options.nodePath, NODE_FLAGS, options.command, 'run', '--config', options.configPath]
      .map((word) => (word.startsWith('-') || word === 'run' ? word : quoteForShell(word)))
      .join(' ')
      .replaceAll('%', '\\%');
    // The user cannot create a file in /var/log, so the output goes to syslog (the journal on
    // Raspberry Pi OS) through logger(1), which is in cron's PATH of /usr/bin:/bin.
    // The collector's own lock keeps runs from piling up, so no flock -n here.
    return {
      [CRON_FILE]:
        '# Written by hometemp-collector install; remove with hometemp-collector uninstall.\n' +
        `*/${options.intervalMinutes} * * * * ${options.user.name} ${run} 2>&1 | logger -t hometemp-collector\n`,
    };
  }

  const run = [
    quoteForSystemd(options.nodePath),
    NODE_FLAGS,
    quoteForSystemd(options.command),
    'run',
    '--config',
    quoteForSystemd(options.configPath),
  ].join(' ');
  // systemd creates /var/lib/<name> owned by User= before each start; another state folder is
  // created by `install` itself.
  const stateDirectory = /^\/var\/lib\/[^/]+$/.test(options.stateDir)
    ? [`StateDirectory=${options.stateDir.slice('/var/lib/'.length)}`, 'StateDirectoryMode=0700']
    : [];

  return {
    [SERVICE_FILE]: [
      '[Unit]',
      'Description=hometemp collector run',
      'After=network-online.target time-sync.target',
      'Wants=network-online.target',
      '',
      '[Service]',
      'Type=oneshot',
      `User=${options.user.name}`,
      ...stateDirectory,
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

/**
 * Writes the schedule files, removes those of the other scheduler so only one starts the runs,
 * and creates the state folder owned by the user. Returns the paths it wrote and removed (none
 * when already installed).
 */
export function installSchedule(options: InstallOptions): { written: string[]; removed: string[] } {
  const written: string[] = [];
  for (const [relative, content] of Object.entries(scheduleFiles(options))) {
    const path = join(options.root, relative);
    if (existsSync(path) && readFileSync(path, 'utf8') === content) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, { mode: 0o644 });
    written.push(path);
  }
  const other: Scheduler = options.scheduler === 'cron' ? 'systemd' : 'cron';
  const removed = removeFiles(options.root, FILES_OF[other]);
  const stateDir = join(options.root, options.stateDir);
  if (!existsSync(stateDir)) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    written.push(stateDir);
  }
  // Only root can give the folder away; `install` runs as root on a Pi, and tests may not.
  if (process.getuid?.() === 0) chownSync(stateDir, options.user.uid, options.user.gid);

  return { written, removed };
}

/** Removes the schedule files of both schedulers; returns the paths it removed. */
export function uninstallSchedule(root: string): string[] {
  return removeFiles(root, [...FILES_OF.cron, ...FILES_OF.systemd]);
}

function removeFiles(root: string, relativePaths: string[]): string[] {
  const removed: string[] = [];
  for (const relative of relativePaths) {
    const path = join(root, relative);
    if (!existsSync(path)) continue;
    rmSync(path);
    removed.push(path);
  }

  return removed;
}

/**
 * Finds `name` in passwd text (`/etc/passwd` or `getent passwd` output); returns undefined when
 * it is not there.
 */
export function findUser(passwd: string, name: string): SystemUser | undefined {
  for (const line of passwd.split('\n')) {
    const [entryName, , uid, gid] = line.split(':');
    if (entryName === name && uid !== undefined && gid !== undefined) {
      return { name, uid: Number(uid), gid: Number(gid) };
    }
  }

  return undefined;
}
