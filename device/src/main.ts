import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../../core/src/errors';
import { createLogger } from '../../core/src/logger';
import { systemClock } from './clock';
import { DEFAULT_CONFIG_PATH, loadConfig } from './config';
import { createDriver } from './drivers/create-driver';
import type { SensorDriver } from './drivers/driver';
import type { Recording } from './drivers/recording';
import { LockHeldError, SpoolWriteError } from './errors';
import {
  INTERVALS,
  type Scheduler,
  type SystemUser,
  TIMER_FILE,
  findUser,
  installSchedule,
  uninstallSchedule,
} from './install';
import { EXIT_CODES, runCollector } from './run';
import { loadDeviceState, saveDeviceState } from './sensor-state';
import { formatSummary } from './summary';
import { type Metrics, type Tracing, noMetrics, noTracing, startMetrics, startTracing } from './telemetry';
import { COLLECTOR_VERSION } from './version';

// After the run, the process gets this long to flush spans and metrics; then it exits anyway,
// so a 15-minute cron never piles up processes waiting on an absent Agent.
const EXIT_GRACE_MS = 2000;

const parseInterval = (value: string) => {
  const minutes = Number(value);
  if (!(INTERVALS as readonly number[]).includes(minutes)) {
    throw new InvalidArgumentError(
      `must divide the hour evenly, so the runs are evenly spaced: one of ${INTERVALS.join(', ')} minutes`,
    );
  }
  return minutes;
};

const parseRoot = (value: string) => {
  if (!isAbsolute(value)) {
    throw new InvalidArgumentError(`must be an absolute path, such as ${resolve(value)}`);
  }
  return value;
};

async function runCommand(options: { config?: string }) {
  const env = process.env;
  const configPath = options.config ?? env.HOMETEMP_CONFIG ?? DEFAULT_CONFIG_PATH;
  const config = loadConfig(configPath, env);
  const logger = createLogger({ service: 'device', level: config.logLevel });
  const agentHost = config.datadog.agentHost;
  // Without an Agent the spans have nowhere to go, so dd-trace (about 200 ms and 25 MB of RSS on
  // a 2-core x86 machine, bench/collector.ts) is not loaded at all: a Pi Zero cannot run one.
  const tracing: Tracing = config.datadog.tracing && agentHost
    ? startTracing({
        agentUrl: `http://${agentHost.includes(':') ? `[${agentHost}]` : agentHost}:${config.datadog.traceAgentPort}`,
        version: COLLECTOR_VERSION,
        deviceId: config.deviceId,
        env,
      })
    : noTracing;
  const metrics: Metrics = agentHost
    ? startMetrics({ host: agentHost, port: config.datadog.dogstatsdPort, deviceId: config.deviceId, logger })
    : noMetrics;

  createStateFolder(config.stateDir);
  const state = loadDeviceState(config.stateDir);
  const recordings = new Map<string, Recording>();
  const drivers = new Map<string, SensorDriver | Error>();
  for (const sensor of config.sensors) {
    const replayCursor = { index: state[sensor.id]?.replayIndex ?? 0 };
    try {
      drivers.set(sensor.id, createDriver(sensor, { replayCursor, recordings }));
    } catch (error) {
      logger.error({ error, sensor_id: sensor.id }, 'sensor driver could not start');
      drivers.set(sensor.id, error as Error);
    }
    cursors.set(sensor.id, replayCursor);
  }

  const report = await runCollector({ config, logger, clock: systemClock, tracing, metrics, drivers, version: COLLECTOR_VERSION });
  saveReplayCursors(config.stateDir);
  await metrics.close();
  if (process.stderr.isTTY) process.stderr.write(formatSummary(report));
  // The other sensors were still read and sent, but a driver that cannot start (a missing replay
  // CSV, say) is a config problem, which the caller expects as exit 2, not 1.
  const configFailed = [...drivers.values()].some((driver) => driver instanceof ConfigError);
  const isPartialOrOk = report.exitCode === EXIT_CODES.ok || report.exitCode === EXIT_CODES.partial;

  return configFailed && isPartialOrOk ? EXIT_CODES.config : report.exitCode;
}

const cursors = new Map<string, { index: number }>();

function createStateFolder(stateDir: string) {
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new SpoolWriteError(
      `cannot create the state folder ${stateDir} (${code}); create it for the user that runs the ` +
        `collector (sudo install -d -m 700 -o hometemp ${stateDir}), run hometemp-collector install, ` +
        'or set stateDir in the config to a folder that user can write',
      { cause: error },
    );
  }
}

function saveReplayCursors(stateDir: string) {
  const replayed = [...cursors].filter(([, cursor]) => cursor.index > 0);
  if (replayed.length === 0) return;
  const state = loadDeviceState(stateDir);
  for (const [sensorId, cursor] of replayed) (state[sensorId] ??= {}).replayIndex = cursor.index;
  saveDeviceState(stateDir, state);
}

interface ScheduleOptions {
  scheduler: Scheduler;
  config: string;
  user: string;
  interval: number;
  root: string;
}

function scheduleCommand(install: boolean, options: ScheduleOptions) {
  const onThisSystem = options.root === '/';
  // A running timer is stopped before its unit files go, or systemd keeps starting it. Installing
  // cron removes the timer too, so only one scheduler starts the runs.
  const removesTimer = !install || options.scheduler === 'cron';
  if (removesTimer && onThisSystem && existsSync(join(options.root, TIMER_FILE))) {
    execFileSync('systemctl', ['disable', '--now', 'hometemp-collector.timer'], { stdio: 'inherit' });
  }
  let written: string[] = [];
  let removed: string[];
  if (install) {
    const configPath = resolve(options.config);
    const config = loadConfig(configPath, {});
    ({ written, removed } = installSchedule({
      scheduler: options.scheduler,
      nodePath: process.execPath,
      command: realpathSync(process.argv[1]!),
      configPath,
      user: lookUpUser(options.user, options.root),
      intervalMinutes: options.interval,
      stateDir: config.stateDir,
      root: options.root,
    }));
  } else {
    removed = uninstallSchedule(options.root);
  }
  const lines = [
    ...(written.length ? [`wrote ${written.join(', ')}`] : []),
    ...(removed.length ? [`removed ${removed.join(', ')}`] : []),
  ];
  process.stdout.write(lines.length ? `${lines.join('\n')}\n` : 'nothing to change\n');
  // systemd must reload changed unit files; with --root the files are not the running system's.
  const unitsChanged = [...written, ...removed].some((path) => path.endsWith('.service') || path.endsWith('.timer'));
  if (onThisSystem && unitsChanged) {
    execFileSync('systemctl', ['daemon-reload'], { stdio: 'inherit' });
    if (install && options.scheduler === 'systemd') {
      execFileSync('systemctl', ['enable', '--now', 'hometemp-collector.timer'], { stdio: 'inherit' });
    }
  }

  return EXIT_CODES.ok;
}

/** Finds the user with getent on this system, or in `<root>/etc/passwd` for an image. */
function lookUpUser(name: string, root: string): SystemUser {
  let passwd = '';
  const source = root === '/' ? 'the user database (getent passwd)' : join(root, 'etc/passwd');
  try {
    passwd = root === '/'
      ? execFileSync('getent', ['passwd', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      : readFileSync(source, 'utf8');
  } catch {
    // getent exits 2 for an unknown user; a missing passwd file has no users either.
  }
  const user = findUser(passwd, name);
  if (!user) {
    throw new ConfigError(
      `--user: user "${name}" is not in ${source}; create it (sudo useradd --system --groups gpio ${name}) or pass another with --user`,
    );
  }

  return user;
}

async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT_CODES.ok;
  const program = new Command('hometemp-collector')
    .description('Reads DHT sensors and sends the readings to hometemp ingest')
    .version(COLLECTOR_VERSION)
    .exitOverride();
  program
    .command('run')
    .description('read every sensor once, deliver the spool and send a heartbeat')
    .option('-c, --config <path>', `config file (default: $HOMETEMP_CONFIG or ${DEFAULT_CONFIG_PATH})`)
    .action(async (options) => {
      exitCode = await runCommand(options);
    });
  for (const install of [true, false]) {
    program
      .command(install ? 'install' : 'uninstall')
      .description(install ? 'write the cron entry or systemd timer that starts `run`' : 'remove the cron entry and systemd timer')
      .addOption(new Option('--scheduler <name>', 'what starts the runs').choices(['cron', 'systemd']).default('cron'))
      .option('-c, --config <path>', 'config file the scheduled run uses', DEFAULT_CONFIG_PATH)
      .option('--user <name>', 'user the run starts as (needs the gpio group)', 'hometemp')
      .option('--interval <minutes>', `minutes between runs: ${INTERVALS.join(', ')}`, parseInterval, 15)
      .option('--root <path>', 'absolute prefix for /etc and /var, for images and tests', parseRoot, '/')
      .action((options) => {
        exitCode = scheduleCommand(install, options);
      });
  }
  await program.parseAsync(argv);

  return exitCode;
}

main(process.argv).then(
  (code) => exitSoon(code),
  (error: unknown) => {
    const known =
      error instanceof ConfigError ||
      error instanceof LockHeldError ||
      error instanceof SpoolWriteError ||
      error instanceof InvalidArgumentError;
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return exitSoon(EXIT_CODES.ok);
    if (code?.startsWith('commander.')) return exitSoon(EXIT_CODES.config);
    process.stderr.write(`hometemp-collector: ${known ? (error as Error).message : (error as Error).stack}\n`);
    exitSoon(exitCodeOf(error));
  },
);

function exitCodeOf(error: unknown): number {
  if (error instanceof LockHeldError) return EXIT_CODES.locked;
  if (error instanceof SpoolWriteError) return EXIT_CODES.spoolWrite;
  if (error instanceof ConfigError || error instanceof InvalidArgumentError) return EXIT_CODES.config;

  return EXIT_CODES.partial;
}

function exitSoon(code: number) {
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}
