import { readFileSync } from 'node:fs';
import { readProcessStartMs } from '../../device/src/lock';

// npm runs a script through `sh -c`, so npm is the parent or the grandparent.
const MAX_ANCESTORS = 3;

/** The npm process that started this one, with its start time so a reused pid is not mistaken. */
export interface NpmProcess {
  pid: number;
  startMs: number | undefined;
}

/** Finds the npm process among this process's nearest ancestors, reading Linux's /proc. */
export function findNpmAncestor(): NpmProcess | undefined {
  let pid = process.ppid;
  for (let level = 0; level < MAX_ANCESTORS && pid > 1; level++) {
    // npm sets its process title to `npm start ...`; otherwise it is `node .../npm-cli.js ...`.
    const command = readProc(pid, 'cmdline').split(/[\0 ]/);
    if (command.slice(0, 2).some((part) => /(^|\/)npm(-cli\.js)?$/.test(part))) {
      return { pid, startMs: readProcessStartMs(pid) };
    }
    // The parent pid is the second field after the command name in brackets.
    const stat = readProc(pid, 'stat');
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return undefined;
}

/** Tells whether that npm process still runs: the pid exists and started at the same time. */
export function isRunning(npm: NpmProcess): boolean {
  try {
    process.kill(npm.pid, 0);
  } catch {
    return false;
  }
  return npm.startMs === undefined || readProcessStartMs(npm.pid) === npm.startMs;
}

function readProc(pid: number, file: 'cmdline' | 'stat'): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}
