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
    // This test process is alive, on this boot and started before the lock, so the lock is live.
    const startedAt = new Date().toISOString();
    const holder = { pid: process.pid, bootId: systemClock.bootId(), startedAt };
    mkdirSync(stateDir);
    writeFileSync(join(stateDir, 'run.lock'), JSON.stringify(holder));

    const result = await cli(['run', '--config', path]);

    expect(result.stderr).toBe(
      `hometemp-collector: another collector run (pid ${process.pid}, started ${startedAt}) holds ${join(stateDir, 'run.lock')}\n`,
    );
    expect(result.code).toBe(3);
  });

  it('exits 4 naming a state folder it cannot create', async () => {
    const parent = join(folder(), 'not-a-folder');
    writeFileSync(parent, '');
    const stateDir = join(parent, 'state');
    const path = writeTestConfig(validConfig('pi-test', stateDir));

    const result = await cli(['run', '--config', path]);

    expect(result.stderr).toBe(
      `hometemp-collector: cannot create the state folder ${stateDir} (ENOTDIR); create it for the user that runs the collector (sudo install -d -m 700 -o hometemp ${stateDir}), run hometemp-collector install, or set stateDir in the config to a folder that user can write\n`,
    );
    expect(result.code).toBe(4);
  });
});

describe('hometemp-collector install', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/bash\nhometemp:x:999:998::/nonexistent:/usr/sbin/nologin\n';
  // A system root for --root: an /etc/passwd with the hometemp user, and a valid config.
  const imageRoot = () => {
    const root = folder();
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/passwd'), passwd);
    const configPath = join(root, 'my config.json');
    writeFileSync(configPath, JSON.stringify(validConfig('pi-test', '/var/lib/hometemp-collector')));

    return { root, configPath };
  };

  it('writes the systemd units once', async () => {
    const { root } = imageRoot();
    const args = ['install', '--scheduler', 'systemd', '--root', root, '--config', 'my config.json'];

    const first = await runCli(bundle, args, { exitWithinMs: 10_000, cwd: root });
    const second = await runCli(bundle, args, { exitWithinMs: 10_000, cwd: root });
    const service = readFileSync(join(root, 'etc/systemd/system/hometemp-collector.service'), 'utf8');

    expect(first.stdout).toBe(
      `wrote ${join(root, 'etc/systemd/system/hometemp-collector.service')}, ` +
        `${join(root, 'etc/systemd/system/hometemp-collector.timer')}, ${join(root, 'var/lib/hometemp-collector')}\n`,
    );
    expect(second.stdout).toBe('nothing to change\n');
    expect(service).toContain(
      `ExecStart="${process.execPath}" --max-semi-space-size=1 --max-old-space-size=48 "${bundle}" run --config "${root}/my config.json"\n`,
    );
    expect(service).toContain('User=hometemp\nStateDirectory=hometemp-collector\n');
  });

  it('writes a cron entry and removes it', async () => {
    const { root, configPath } = imageRoot();
    const cronPath = join(root, 'etc/cron.d/hometemp-collector');

    await cli(['install', '--root', root, '--interval', '10', '--config', configPath]);
    const entry = readFileSync(cronPath, 'utf8');
    const removed = await cli(['uninstall', '--root', root]);
    const again = await cli(['uninstall', '--root', root]);

    expect(entry).toContain(
      `*/10 * * * * hometemp '${process.execPath}' --max-semi-space-size=1 --max-old-space-size=48 '${bundle}' run --config '${configPath}' 2>&1 | logger -t hometemp-collector\n`,
    );
    expect(removed.stdout).toBe(`removed ${cronPath}\n`);
    expect(existsSync(cronPath)).toBe(false);
    expect(again.stdout).toBe('nothing to change\n');
  });

  it('replaces cron with the systemd timer', async () => {
    const { root, configPath } = imageRoot();
    await cli(['install', '--root', root, '--config', configPath]);

    const result = await cli(['install', '--scheduler', 'systemd', '--root', root, '--config', configPath]);

    expect(result.stdout).toBe(
      `wrote ${join(root, 'etc/systemd/system/hometemp-collector.service')}, ${join(root, 'etc/systemd/system/hometemp-collector.timer')}\n` +
        `removed ${join(root, 'etc/cron.d/hometemp-collector')}\n`,
    );
    expect(existsSync(join(root, 'etc/cron.d/hometemp-collector'))).toBe(false);
  });

  it('exits 2 for an unknown user', async () => {
    const { root, configPath } = imageRoot();

    const result = await cli(['install', '--root', root, '--config', configPath, '--user', 'nosuchuser']);

    expect(result.stderr).toBe(
      `hometemp-collector: --user: user "nosuchuser" is not in ${join(root, 'etc/passwd')}; create it (sudo useradd --system --groups gpio nosuchuser) or pass another with --user\n`,
    );
    expect(result.code).toBe(2);
  });

  it('exits 2 for a missing config', async () => {
    const { root } = imageRoot();
    const missing = join(root, 'missing.json');

    const result = await cli(['install', '--root', root, '--config', missing]);

    expect(result.stderr).toBe(
      `hometemp-collector: cannot read the config file ${missing} (ENOENT); pass another with --config or HOMETEMP_CONFIG\n`,
    );
    expect(result.code).toBe(2);
    expect(existsSync(join(root, 'etc/cron.d/hometemp-collector'))).toBe(false);
  });

  it('rejects a relative root', async () => {
    const result = await runCli(bundle, ['install', '--root', 'relative-root'], { exitWithinMs: 10_000, cwd: '/tmp' });

    expect(result.stderr).toBe(
      "error: option '--root <path>' argument 'relative-root' is invalid. must be an absolute path, such as /tmp/relative-root\n",
    );
    expect(result.code).toBe(2);
  });

  it('rejects an interval that does not divide 60', async () => {
    const result = await cli(['install', '--interval', '7', '--root', folder()]);

    expect(result.stderr).toBe(
      "error: option '--interval <minutes>' argument '7' is invalid. must divide the hour evenly, so the runs are evenly spaced: one of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 minutes\n",
    );
    expect(result.code).toBe(2);
  });

  it('rejects an unknown scheduler', async () => {
    const result = await cli(['install', '--scheduler', 'anacron', '--root', folder()]);

    expect(result.stderr).toBe(
      "error: option '--scheduler <name>' argument 'anacron' is invalid. Allowed choices are cron, systemd.\n",
    );
    expect(result.code).toBe(2);
  });
});

describe('hometemp-collector run with a bad sensor', () => {
  it('exits 2 for a missing replay CSV', async () => {
    const csvPath = join(folder(), 'missing.csv');
    const config = validConfig('pi-test');
    const path = writeTestConfig({
      ...config,
      sensors: [...config.sensors, { id: 'hall', room: 'Hall', type: 'dht22', driver: 'replay', csvPath }],
    });

    const result = await cli(['run', '--config', path]);
    const heartbeat = ingest.heartbeats.at(-1);

    expect(result.code).toBe(2);
    expect(heartbeat?.sensors.map((sensor) => sensor.status)).toEqual(['ok', 'misconfigured']);
    expect(result.stdout).toContain(`"problems":["hall: cannot read the recording ${csvPath} (ENOENT)"]`);
    // The bundle keeps class names, so the log names the error type.
    expect(result.stdout).toContain('"type":"ConfigError"');
  });
});
