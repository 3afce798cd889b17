import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireRunLock, readProcessStartMs } from './lock';

const lockPath = () => join(mkdtempSync(join(tmpdir(), 'hometemp-lock-')), 'run.lock');
const holder = (pid: number, bootId = 'boot-1') =>
  JSON.stringify({ pid, bootId, startedAt: '2026-06-01T12:00:00.000Z' });

describe('acquireRunLock', () => {
  it('takes a free lock and releases it', () => {
    const path = lockPath();

    const lock = acquireRunLock(path, 'boot-1');
    const written = JSON.parse(readFileSync(path, 'utf8'));
    lock.release();

    expect(written.pid).toBe(process.pid);
    expect(written.bootId).toBe('boot-1');
    expect(existsSync(path)).toBe(false);
  });

  it('rejects a lock held by a live run', () => {
    const path = lockPath();
    const lockedAt = new Date(Date.now() - 60_000).toISOString();
    writeFileSync(path, JSON.stringify({ pid: 4242, bootId: 'boot-1', startedAt: lockedAt }));

    expect(() => acquireRunLock(path, 'boot-1', () => true, () => undefined)).toThrow(
      `another collector run (pid 4242, started ${lockedAt}) holds ${path}`,
    );
  });

  it('takes over a dead run lock', () => {
    const path = lockPath();
    writeFileSync(path, holder(4242));

    acquireRunLock(path, 'boot-1', () => false);

    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    expect(existsSync(`${path}.takeover`)).toBe(false);
  });

  it('takes over a lock from an earlier boot', () => {
    const path = lockPath();
    writeFileSync(path, holder(4242, 'boot-0'));

    acquireRunLock(path, 'boot-1', () => true);

    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
  });

  it('waits on a young empty lock', () => {
    const path = lockPath();
    writeFileSync(path, '');

    expect(() => acquireRunLock(path, 'boot-1')).toThrow(
      `another collector run (a run that is starting) holds ${path}`,
    );
  });

  it('takes over an old empty lock', () => {
    const path = lockPath();
    writeFileSync(path, '');
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(path, minuteAgo, minuteAgo);

    acquireRunLock(path, 'boot-1');

    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
  });

  it('keeps a lock taken over from it', () => {
    const path = lockPath();
    const lock = acquireRunLock(path, 'boot-1');
    writeFileSync(path, holder(4242));

    lock.release();

    expect(readFileSync(path, 'utf8')).toBe(holder(4242));
  });

  it('lets one of many processes take a stale lock', async () => {
    const path = lockPath();
    // A pid from the previous boot: stale whatever process now has that number.
    writeFileSync(path, holder(1, 'boot-0'));
    const script = `
      const { acquireRunLock } = require(${JSON.stringify(join(__dirname, 'lock.ts'))});
      try { acquireRunLock(${JSON.stringify(path)}, 'boot-1'); process.stdout.write('took'); }
      catch (error) { process.stdout.write(error.name); }
      // Holds the lock until the test closes stdin, so every other process sees a live holder.
      process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`;
    const children = Array.from({ length: 6 }, () =>
      spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );

    const outputs = await Promise.all(
      children.map(
        (child) =>
          new Promise<string>((resolve) => {
            let output = '';
            child.stdout.on('data', (chunk: Buffer) => {
              output += chunk.toString('utf8');
              resolve(output);
            });
          }),
      ),
    );
    await Promise.all(
      children.map((child) => {
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.stdin.end();
        return exited;
      }),
    );

    expect(outputs.filter((output) => output === 'took')).toHaveLength(1);
    expect(outputs.filter((output) => output === 'LockHeldError')).toHaveLength(5);
  });
});

describe('acquireRunLock stale by age', () => {
  it('takes over a month-old lock of a live pid', () => {
    const path = lockPath();
    writeFileSync(path, JSON.stringify({ pid: 1, bootId: 'boot-1', startedAt: '2026-06-01T12:00:00.000Z' }));

    acquireRunLock(path, 'boot-1', () => true);

    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
  });

  it('takes over a lock whose pid started later', () => {
    const path = lockPath();
    const lockedAt = new Date(Date.now() - 60_000).toISOString();
    writeFileSync(path, JSON.stringify({ pid: 4242, bootId: 'boot-1', startedAt: lockedAt }));

    acquireRunLock(path, 'boot-1', () => true, () => Date.now());

    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
  });

  it('keeps a recent lock of a process started before it', () => {
    const path = lockPath();
    const lockedAt = new Date(Date.now() - 60_000).toISOString();
    writeFileSync(path, JSON.stringify({ pid: 4242, bootId: 'boot-1', startedAt: lockedAt }));

    expect(() => acquireRunLock(path, 'boot-1', () => true, () => Date.now() - 61_000)).toThrow(
      `another collector run (pid 4242, started ${lockedAt}) holds ${path}`,
    );
  });
});

describe('readProcessStartMs', () => {
  it('reads this process start from /proc', () => {
    const expected = Date.now() - process.uptime() * 1000;

    const startMs = readProcessStartMs(process.pid);

    // Tick rounding and the time between exec and Node's uptime clock start.
    expect(Math.abs(startMs! - expected)).toBeLessThan(2_000);
  });

  it('returns undefined for a missing pid', () => {
    expect(readProcessStartMs(2 ** 30)).toBeUndefined();
  });
});
