import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

function startCli(args: string[]) {
  // A process group of its own, as a terminal gives a foreground job, so Ctrl-C can be sent to
  // every process the command started.
  const child = spawn(TSX, ['local/src/main.ts', ...args], {
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

async function waitFor(check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
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

  it('rejects invalid flags with the flag named', async () => {
    const cli = startCli(['--port', 'eighty', '--interval', '0']);

    const code = await cli.exited;

    expect(code).toBe(1);
    expect(cli.stderr()).toContain('hometemp: invalid options:\n  --port must be a number\n  --interval must be at least 1 second');
  }, 30_000);
});
