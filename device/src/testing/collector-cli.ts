import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCollectorBundle } from '../../build';

const NODE_MODULES = join(__dirname, '../../../node_modules');

/** Builds the collector bundle into a fresh temporary folder and returns its path. */
export async function buildTestBundle(): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'hometemp-bundle-')), 'collector.js');
  await buildCollectorBundle(outfile);

  return outfile;
}

/** Writes `config` as JSON into a fresh temporary folder; returns the file's path. */
export function writeTestConfig(config: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'hometemp-cli-')), 'collector.json');
  writeFileSync(path, JSON.stringify(config));

  return path;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the bundle as a child process with only PATH and NODE_PATH set (dd-trace resolves from
 * this repository's node_modules, as from the Pi's). Kills the child and rejects when it has not
 * exited after `exitWithinMs`: the collector must end by itself.
 */
export function runCli(
  bundle: string,
  args: string[],
  options: { exitWithinMs: number; env?: Record<string, string>; cwd?: string },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_PATH: NODE_MODULES, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: options.cwd,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the collector was still running after ${options.exitWithinMs} ms; stderr: ${stderr}`));
    }, options.exitWithinMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}
