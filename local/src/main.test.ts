import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function startCli(args: string[]) {
  // One Node.js process with tsx loaded as a module hook, as `npm start` runs it. It gets a
  // process group of its own, like a terminal's foreground job, so Ctrl-C reaches every process.
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/src/main.ts', ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout!.resume();
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

async function waitFor(check: () => boolean, timeoutMs: number, poll?: () => Promise<void>) {
  const deadline = Date.now() + timeoutMs;
  for (await poll?.(); !check(); await poll?.()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function groupIsGone(child: ChildProcess): boolean {
  try {
    process.kill(-child.pid!, 0);
    return false;
  } catch {
    return true;
  }
}

describe('npm start', () => {
  it('serves the dashboard and stops cleanly on Ctrl-C', async () => {
    const cli = startCli(['--in-memory', '--port', '0', '--api-port', '0', '--backfill-days', '0.1']);
    await waitFor(() => cli.stderr().includes('Press Ctrl-C to stop.'), 30_000);
    const dashboardUrl = /dashboard +(http:\/\/\S+)/.exec(cli.stderr())![1]!;

    const health = await fetch(`${dashboardUrl}/health`);
    process.kill(-cli.child.pid!, 'SIGINT');
    const code = await cli.exited;

    expect(health.status).toBe(200);
    expect(code).toBe(0);
    await waitFor(() => groupIsGone(cli.child), 5_000);
  }, 45_000);

  it('names the port that is in use', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;

    const cli = startCli(['--in-memory', '--port', String(port), '--api-port', '0', '--backfill-days', '0']);
    const code = await cli.exited;
    busy.close();

    expect(code).toBe(1);
    expect(cli.stderr()).toContain(
      `hometemp: port ${port} on 127.0.0.1 is already in use; choose another with --port or --api-port`,
    );
  }, 30_000);

  it('names the stack that holds the data folder', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'hometemp-lock-'));
    const first = startCli(['--data-dir', dataDir, '--port', '0', '--api-port', '0', '--backfill-days', '0']);
    await waitFor(() => first.stderr().includes('Press Ctrl-C to stop.'), 30_000);

    const second = startCli(['--data-dir', dataDir, '--port', '0', '--api-port', '0', '--backfill-days', '0']);
    const code = await second.exited;
    process.kill(-first.child.pid!, 'SIGINT');
    await first.exited;

    expect(code).toBe(1);
    expect(second.stderr()).toContain(
      `hometemp: ${dataDir} is in use by another hometemp local stack (pid ${first.child.pid}); stop it, or pass another --data-dir or --in-memory`,
    );
    rmSync(dataDir, { recursive: true, force: true });
  }, 45_000);

  it('runs on IPv6 loopback', async () => {
    const cli = startCli(['--in-memory', '--host', '::1', '--port', '0', '--api-port', '0', '--backfill-days', '0', '--interval', '1']);
    await waitFor(() => cli.stderr().includes('Press Ctrl-C to stop.'), 30_000);
    const dashboardUrl = /dashboard +(http:\/\/\S+)/.exec(cli.stderr())![1]!;

    let sensors: unknown[] = [];
    await waitFor(() => sensors.length === 3, 20_000, async () => {
      const response = await fetch(`${dashboardUrl}/api/sensors`);
      sensors = ((await response.json()) as { sensors: unknown[] }).sensors;
    });
    process.kill(-cli.child.pid!, 'SIGINT');
    await cli.exited;

    expect(dashboardUrl).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect(sensors).toHaveLength(3);
  }, 45_000);

  it('rejects invalid flags with the flag named', async () => {
    const cli = startCli(['--port', 'eighty', '--interval', '0']);

    const code = await cli.exited;

    expect(code).toBe(1);
    expect(cli.stderr()).toContain('hometemp: invalid options:\n  --port must be a number\n  --interval must be at least 1 second');
  }, 30_000);
});

describe('npm start, stopped by its parent', () => {
  // npm does not pass these on, and the `sh -c` between npm and the stack may outlive npm.
  it.each(['SIGTERM', 'SIGKILL'] as const)('stops when npm gets %s', async (signal) => {
    const npm = spawn('npm', ['start', '--', '--in-memory', '--port', '0', '--api-port', '0', '--backfill-days', '0'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    npm.stderr!.on('data', (chunk) => (stderr += String(chunk)));
    await waitFor(() => stderr.includes('Press Ctrl-C to stop.'), 30_000);

    process.kill(npm.pid!, signal);

    await waitFor(() => groupIsGone(npm), 15_000);
  }, 60_000);
});
