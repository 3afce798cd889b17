import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../core/src/index';
import type { Clock } from './clock';
import { parseConfig } from './config';
import type { SensorDriver } from './drivers/driver';
import { createFakeDriver } from './drivers/fake';
import { runCollector } from './run';
import { noMetrics, noTracing } from './telemetry';
import { buildTestBundle, runCli, writeTestConfig } from './testing/collector-cli';
import { type FakeIngest, startFakeIngest } from './testing/fake-ingest';

const PAGE = 4096;
const silent = createLogger({ service: 'device', level: 'silent' });
const clock: Clock = {
  now: () => Date.UTC(2026, 5, 1, 12),
  uptimeMs: () => 60_000,
  bootId: () => 'boot-1',
  synchronised: () => undefined,
};
const drivers = () =>
  new Map<string, SensorDriver | Error>([['kitchen', createFakeDriver({ temperature: 21, humidity: 40, valid: true })]]);

let ingest: FakeIngest;
beforeEach(async () => {
  ingest = await startFakeIngest();
});
afterEach(async () => {
  await ingest.close();
});

function configFor(stateDir: string) {
  const text = JSON.stringify({
    deviceId: 'pi-test',
    endpoint: ingest.endpoint,
    apiKey: 'test-key',
    stateDir,
    sensors: [{ id: 'kitchen', room: 'Kitchen', type: 'dht22', driver: 'fake' }],
    deadlineSeconds: 10,
  });
  return parseConfig(text, { source: 'test.json', env: {} });
}

const run = (stateDir: string, spoolWrite?: (fd: number, text: string) => void) =>
  runCollector({
    config: configFor(stateDir), logger: silent, clock, tracing: noTracing, metrics: noMetrics,
    drivers: drivers(), version: '0.1.0', sleep: async () => {}, random: () => 0.5, spoolWrite,
  });

/** Spool lines of readings taken 10 s apart from an hour before the run, `size` bytes in all. */
function spoolText(size: number): string {
  const lines: string[] = [];
  let length = 0;
  for (let index = 0; length < size - 400; index++) {
    const takenAt = new Date(Date.UTC(2026, 5, 1, 11, 0, index * 10)).toISOString();
    const line = `${JSON.stringify({ deviceId: 'pi-test', sensorId: 'hall', room: 'Hall', takenAt, temperature: 20, humidity: 50 })}\n`;
    lines.push(line);
    length += line.length;
  }
  // JSON allows spaces between tokens: the last line is padded to reach exactly `size` bytes.
  const last = lines.pop()!;
  const padding = ' '.repeat(size - length);

  return `${lines.join('')}${last.slice(0, -2)}${padding}}\n`;
}

describe('run with a failing spool write', () => {
  it('exits 4 and keeps the spool intact', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'hometemp-full-'));
    const before = spoolText(2000);
    writeFileSync(join(stateDir, 'spool.jsonl'), before);
    // Writes part of the text, as a disk that fills up mid-write does, then fails.
    const spoolWrite = (fd: number, text: string) => {
      writeSync(fd, text.slice(0, 20));
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    };

    const report = await run(stateDir, spoolWrite);

    expect(report.exitCode).toBe(4);
    expect(report.problems).toEqual([
      `cannot write the spool ${join(stateDir, 'spool.jsonl')} (ENOSPC): the disk is full; free some space`,
    ]);
    expect(readFileSync(join(stateDir, 'spool.jsonl'), 'utf8')).toBe(before);
    expect(ingest.heartbeats).toHaveLength(1);
  });
});

// A real full file system: a 64 KiB tmpfs, mounted for this file and removed after it.
const mount = mountTmpfs(64);
const onTmpfs = mount.path ? describe : describe.skip;

onTmpfs(`run on a full tmpfs${mount.path ? '' : ` (skipped: ${mount.reason})`}`, () => {
  let bundle: string;
  beforeAll(async () => {
    bundle = await buildTestBundle();
  });
  afterAll(() => {
    spawnSync('umount', [mount.path!]);
    rmSync(mount.path!, { recursive: true, force: true });
  });

  const freshStateDir = () => {
    for (const entry of readdirSync(mount.path!)) rmSync(join(mount.path!, entry), { recursive: true });
    const stateDir = join(mount.path!, 'state');
    mkdirSync(stateDir);
    return stateDir;
  };

  it('keeps the spool when appending fails', async () => {
    const stateDir = freshStateDir();
    // The spool ends on a page boundary, so the run's new line needs a page of its own.
    const before = spoolText(2 * PAGE);
    writeFileSync(join(stateDir, 'spool.jsonl'), before);
    // One free page is left, which the run lock takes.
    fillDisk(join(mount.path!, 'filler'), PAGE);

    const report = await run(stateDir);

    expect(report.exitCode).toBe(4);
    expect(report.problems).toEqual([
      `cannot write the spool ${join(stateDir, 'spool.jsonl')} (ENOSPC): the disk is full; free some space`,
    ]);
    expect(readFileSync(join(stateDir, 'spool.jsonl'), 'utf8')).toBe(before);
    expect(readdirSync(stateDir).sort()).toEqual(['spool.jsonl']);
    // The 64 spooled readings and the run's own are delivered, though the spool keeps them.
    expect(ingest.stored.size).toBe(65);
  });

  it('exits 4 from the CLI when nothing fits', async () => {
    const stateDir = freshStateDir();
    const before = spoolText(PAGE);
    writeFileSync(join(stateDir, 'spool.jsonl'), before);
    const config = writeTestConfig({ ...configFor(stateDir), datadog: { tracing: false } });
    fillDisk(join(mount.path!, 'filler'), 0);

    const result = await runCli(bundle, ['run', '--config', config], { exitWithinMs: 10_000 });

    expect(result.stderr).toBe(
      `hometemp-collector: cannot write the run lock ${join(stateDir, 'run.lock')} (ENOSPC): the disk is full; free some space\n`,
    );
    expect(result.code).toBe(4);
    expect(readFileSync(join(stateDir, 'spool.jsonl'), 'utf8')).toBe(before);
    expect(existsSync(join(stateDir, 'run.lock'))).toBe(false);
  });
});

function mountTmpfs(sizeKib: number): { path?: string; reason?: string } {
  const path = mkdtempSync(join(tmpdir(), 'hometemp-tmpfs-'));
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKib}k,mode=0700`, 'tmpfs', path], {
    encoding: 'utf8',
  });
  if (result.status === 0) return { path };
  rmSync(path, { recursive: true, force: true });
  const reason = result.error ? result.error.message : result.stderr.trim() || `mount exited ${result.status}`;

  return { reason: `cannot mount a tmpfs here: ${reason}` };
}

/** Writes `path` until the file system is full, then frees `leaveBytes` of it again. */
function fillDisk(path: string, leaveBytes: number) {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(PAGE);
  let size = 0;
  try {
    for (;;) size += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  ftruncateSync(fd, size - leaveBytes);
  closeSync(fd);
}
