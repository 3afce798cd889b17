import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../../core/src/errors';
import { createLogger } from '../../core/src/logger';
import { systemClock } from './clock';
import { DEFAULT_CONFIG_PATH, loadConfig } from './config';
import { createDriver } from './drivers/create-driver';
import type { SensorDriver } from './drivers/driver';
import type { Recording } from './drivers/recording';
import { LockHeldError, SpoolWriteError } from './errors';
import { type Scheduler, TIMER_FILE, installSchedule, uninstallSchedule } from './install';
import { EXIT_CODES, runCollector } from './run';
import { loadDeviceState, saveDeviceState } from './sensor-state';
import { formatSummary } from './summary';
import { type Metrics, type Tracing, noMetrics, noTracing, startMetrics, startTracing } from './telemetry';
import { COLLECTOR_VERSION } from './version';

// After the run, the process gets this long to flush spans and metrics; then it exits anyway,
// so a 15-minute cron never piles up processes waiting on an absent Agent.
const EXIT_GRACE_MS = 2000;

const positiveInteger = (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 59) {
    throw new InvalidArgumentError('must be a whole number of minutes from 1 to 59');
  }
  return number;
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

  return report.exitCode;
}

const cursors = new Map<string, { index: number }>();

function saveReplayCursors(stateDir: string) {
  const replayed = [...cursors].filter(([, cursor]) => cursor.index > 0);
  if (replayed.length === 0) return;
  const state = loadDeviceState(stateDir);
  for (const [sensorId, cursor] of replayed) (state[sensorId] ??= {}).replayIndex = cursor.index;
  saveDeviceState(stateDir, state);
}

function scheduleCommand(install: boolean, options: { scheduler: Scheduler; config: string; user: string; interval: number; root: string }) {
  const command = realpathSync(process.argv[1]!);
  const onThisSystem = options.root === '/';
  // A running timer is stopped before its unit files go, or systemd keeps starting it.
  if (!install && onThisSystem && existsSync(join(options.root, TIMER_FILE))) {
    execFileSync('systemctl', ['disable', '--now', 'hometemp-collector.timer'], { stdio: 'inherit' });
  }
  const paths = install
    ? installSchedule({ scheduler: options.scheduler, command, configPath: options.config, user: options.user, intervalMinutes: options.interval, root: options.root })
    : uninstallSchedule(options.root);
  process.stdout.write(paths.length ? `${install ? 'wrote' : 'removed'} ${paths.join(', ')}\n` : 'nothing to change\n');
  // systemd must reload changed unit files; with --root the files are not the running system's.
  const unitsChanged = paths.some((path) => path.endsWith('.service') || path.endsWith('.timer'));
  if (onThisSystem && unitsChanged) {
    execFileSync('systemctl', ['daemon-reload'], { stdio: 'inherit' });
    if (install) execFileSync('systemctl', ['enable', '--now', 'hometemp-collector.timer'], { stdio: 'inherit' });
  }

  return EXIT_CODES.ok;
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
      .option('--interval <minutes>', 'minutes between runs', positiveInteger, 15)
      .option('--root <path>', 'prefix for /etc, for images and tests', '/')
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
