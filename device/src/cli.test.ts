import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from './clock';
import { buildTestBundle, runCli, writeTestConfig } from './testing/collector-cli';
import { type FakeIngest, startFakeIngest } from './testing/fake-ingest';

let bundle: string;
let ingest: FakeIngest;
beforeAll(async () => {
  bundle = await buildTestBundle();
  ingest = await startFakeIngest();
});
afterAll(async () => {
  await ingest.close();
});

const folder = () => mkdtempSync(join(tmpdir(), 'hometemp-cli-'));
const validConfig = (deviceId: string, stateDir = join(folder(), 'state')) => ({
  deviceId,
  endpoint: ingest.endpoint,
  apiKey: 'test-key',
  stateDir,
  sensors: [{ id: 'kitchen', room: 'Kitchen', type: 'dht22', driver: 'fake' }],
});
const cli = (args: string[], env: Record<string, string> = {}) => runCli(bundle, args, { exitWithinMs: 10_000, env });

describe('hometemp-collector run', () => {
  it('prefers --config over HOMETEMP_CONFIG', async () => {
    const flagConfig = writeTestConfig(validConfig('pi-flag'));
    const envConfig = writeTestConfig(validConfig('pi-env'));

    const result = await cli(['run', '--config', flagConfig], { HOMETEMP_CONFIG: envConfig });

    expect(result.code).toBe(0);
    expect(ingest.heartbeats.at(-1)?.deviceId).toBe('pi-flag');
  });

  it('reads HOMETEMP_CONFIG without --config', async () => {
    const envConfig = writeTestConfig(validConfig('pi-env'));

    const result = await cli(['run'], { HOMETEMP_CONFIG: envConfig });

    expect(result.code).toBe(0);
    expect(ingest.heartbeats.at(-1)?.deviceId).toBe('pi-env');
  });

  it('exits 2 naming a missing config file', async () => {
    const path = join(folder(), 'missing.json');

    const result = await cli(['run', '--config', path]);

    expect(result.stderr).toBe(
      `hometemp-collector: cannot read the config file ${path} (ENOENT); pass another with --config or HOMETEMP_CONFIG\n`,
    );
    expect(result.code).toBe(2);
  });

  it('exits 2 listing every invalid field', async () => {
    const path = writeTestConfig({ ...validConfig('pi-test'), apiKey: undefined, readAttempts: 0 });

    const result = await cli(['run', '--config', path]);

    expect(result.stderr).toBe(
      [
        `hometemp-collector: ${path} is invalid:`,
        '  readAttempts: Too small: expected number to be >=1',
        '  apiKey: set exactly one of apiKey or apiKeyFile',
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(2);
  });

  it('exits 3 while another run holds the lock', async () => {
    const stateDir = join(folder(), 'state');
    const path = writeTestConfig(validConfig('pi-test', stateDir));
    // This test process is alive and on this boot, so its lock is not stale.
    const holder = { pid: process.pid, bootId: systemClock.bootId(), startedAt: '2026-06-01T12:00:00.000Z' };
    mkdirSync(stateDir);
    writeFileSync(join(stateDir, 'run.lock'), JSON.stringify(holder));

    const result = await cli(['run', '--config', path]);

    expect(result.stderr).toBe(
      `hometemp-collector: another collector run (pid ${process.pid}, started 2026-06-01T12:00:00.000Z) holds ${join(stateDir, 'run.lock')}\n`,
    );
    expect(result.code).toBe(3);
  });
});

describe('hometemp-collector install', () => {
  it('writes the systemd units once', async () => {
    const root = folder();
    const args = ['install', '--scheduler', 'systemd', '--root', root, '--config', '/etc/hometemp/c.json'];

    const first = await cli(args);
    const second = await cli(args);
    const service = readFileSync(join(root, 'etc/systemd/system/hometemp-collector.service'), 'utf8');

    expect(first.stdout).toBe(
      `wrote ${join(root, 'etc/systemd/system/hometemp-collector.service')}, ${join(root, 'etc/systemd/system/hometemp-collector.timer')}\n`,
    );
    expect(second.stdout).toBe('nothing to change\n');
    expect(service).toContain(`ExecStart=${bundle} run --config /etc/hometemp/c.json\n`);
    expect(service).toContain('User=hometemp\n');
  });

  it('writes a cron entry and removes it', async () => {
    const root = folder();
    const cronPath = join(root, 'etc/cron.d/hometemp-collector');

    await cli(['install', '--root', root, '--interval', '10']);
    const entry = readFileSync(cronPath, 'utf8');
    const removed = await cli(['uninstall', '--root', root]);
    const again = await cli(['uninstall', '--root', root]);

    expect(entry).toContain(`*/10 * * * * hometemp ${bundle} run --config /etc/hometemp/collector.json`);
    expect(removed.stdout).toBe(`removed ${cronPath}\n`);
    expect(existsSync(cronPath)).toBe(false);
    expect(again.stdout).toBe('nothing to change\n');
  });

  it('rejects an unknown scheduler', async () => {
    const result = await cli(['install', '--scheduler', 'anacron', '--root', folder()]);

    expect(result.stderr).toBe(
      "error: option '--scheduler <name>' argument 'anacron' is invalid. Allowed choices are cron, systemd.\n",
    );
    expect(result.code).toBe(2);
  });
});
