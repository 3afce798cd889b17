import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lockDataDir } from './data-dir-lock';

const freshDir = () => mkdtempSync(path.join(tmpdir(), 'hometemp-lock-'));

describe('lockDataDir', () => {
  it('records its pid and releases the folder', async () => {
    const dataDir = freshDir();

    const release = await lockDataDir(dataDir);
    const recorded = readFileSync(path.join(dataDir, 'hometemp.pid'), 'utf8');
    await release();

    expect(recorded.split(' ')[0]).toBe(String(process.pid));
    await expect(lockDataDir(dataDir)).resolves.toBeInstanceOf(Function);
  });

  it('takes over the file of a process that has exited', async () => {
    const dataDir = freshDir();
    writeFileSync(path.join(dataDir, 'hometemp.pid'), '999999999 1700000000000\n');

    const release = await lockDataDir(dataDir);

    expect(readFileSync(path.join(dataDir, 'hometemp.pid'), 'utf8').split(' ')[0]).toBe(String(process.pid));
    await release();
  });

  it('takes over a pid now used by another process', async () => {
    const dataDir = freshDir();
    const sleeper = spawn('sleep', ['30']);
    // The sleeper runs under the recorded pid, but started long after the recorded time.
    writeFileSync(path.join(dataDir, 'hometemp.pid'), `${sleeper.pid} 1700000000000\n`);

    const release = await lockDataDir(dataDir);
    sleeper.kill();

    expect(readFileSync(path.join(dataDir, 'hometemp.pid'), 'utf8').split(' ')[0]).toBe(String(process.pid));
    await release();
  });

  it('rejects a folder held by a running stack', async () => {
    const dataDir = freshDir();
    const release = await lockDataDir(dataDir);

    await expect(lockDataDir(dataDir)).rejects.toThrow(
      `${dataDir} is in use by another hometemp local stack (pid ${process.pid}); stop it, or pass another --data-dir or --in-memory`,
    );
    await release();
  });
});
