import { spawn } from 'node:child_process';

export interface ProcessFigures {
  ms: number;
  rssMb: number;
  code: number | null;
}

/**
 * Runs a command under GNU time and returns its wall time (from our own clock), its peak RSS
 * (time's %M, in KiB) and its exit code. The command gets only PATH from the environment.
 */
export function measureProcess(args: string[]): Promise<ProcessFigures> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%M', ...args], {
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const kib = Number(stderr.trim().split('\n').pop());
      resolve({ ms, rssMb: kib / 1024, code });
    });
  });
}
