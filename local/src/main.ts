import './datadog-env';
import { access } from 'node:fs/promises';
import { Command } from 'commander';
import { HometempError, createLogger } from '../../core/src/index';
import { DEFAULTS, parseLocalConfig } from './config';
import { findNpmAncestor, isRunning } from './npm-parent';
import { startLocalStack } from './stack';

// How long a clean stop may take before the process exits anyway.
const STOP_TIMEOUT_MS = 10_000;
// Signals closer together than this are one Ctrl-C delivered by several processes.
const REPEATED_SIGNAL_MS = 1_000;
const PARENT_CHECK_MS = 1_000;

const program = new Command('npm start --')
  .description('Runs hometemp on this machine: DynamoDB (dynalite), ingest, the dashboard and three simulated Pis.')
  .option('--port <port>', 'dashboard port (0 picks a free one)', DEFAULTS.port)
  .option('--api-port <port>', 'port of the local API Gateway in front of ingest', DEFAULTS.apiPort)
  .option('--host <host>', 'address to listen on', DEFAULTS.host)
  .option('--data-dir <dir>', 'where DynamoDB data, device keys and collector spools are kept', DEFAULTS.dataDir)
  .option('--in-memory', 'keep nothing: start empty and forget everything on exit', DEFAULTS.inMemory)
  .option('--interval <seconds>', 'seconds between live collector runs', DEFAULTS.interval)
  .option('--backfill-days <days>', 'days of recorded history to backfill on first start', DEFAULTS.backfillDays)
  .option('--recording <csv>', 'recorded DHT readings the simulated Pis replay', DEFAULTS.recording)
  .option('--log-level <level>', 'debug, info, warn or error', DEFAULTS.logLevel)
  .showHelpAfterError();

// npm sets this for the scripts it runs.
const runByNpm = process.env.npm_lifecycle_event === 'start';

async function main() {
  program.parse();
  const config = parseLocalConfig(program.opts());
  await access(config.recording).catch(() => {
    throw new HometempError(`recording ${config.recording} not found; pass a CSV with --recording`);
  });
  const logger = createLogger({ service: 'local', level: config.logLevel });

  const stack = await startLocalStack({
    host: config.host,
    dashboardPort: config.port,
    apiPort: config.apiPort,
    dataDir: config.inMemory ? undefined : config.dataDir,
    recordingPath: config.recording,
    backfillDays: config.backfillDays,
    intervalMs: config.interval * 1000,
    logLevel: config.logLevel,
  });
  process.stderr.write(
    [
      '',
      `hometemp is running`,
      `  dashboard  ${stack.dashboardUrl}`,
      `  ingest API ${stack.apiUrl} (API Gateway stand-in; device keys in ${stack.devicesFile})`,
      `  data       ${config.inMemory ? 'in memory, gone on exit' : config.dataDir}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  let stoppingSince: number | undefined;
  const shutdown = async (signal: string) => {
    if (stoppingSince !== undefined) {
      // npm and tsx pass Ctrl-C on to their child, which the terminal also signals: the same
      // keypress arrives more than once within milliseconds.
      if (Date.now() - stoppingSince < REPEATED_SIGNAL_MS) return;
      logger.warn({ signal }, 'second signal: exiting without waiting for a clean stop');
      process.exit(130);
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'stopping the local stack');
    setTimeout(() => {
      logger.error(`the local stack did not stop within ${STOP_TIMEOUT_MS / 1000} s; exiting`);
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    try {
      await stack.stop();
      logger.info('local stack stopped');
    } catch (error) {
      logger.error({ error }, 'the local stack failed to stop cleanly');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // npm 11 does not pass SIGTERM on to the script it runs, and the `sh -c` between them may
  // outlive it: this process would keep the ports and the data folder. Stop when npm exits.
  const npm = runByNpm ? findNpmAncestor() : undefined;
  if (npm) {
    setInterval(() => {
      if (!isRunning(npm)) void shutdown('npm exited');
    }, PARENT_CHECK_MS).unref();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof HometempError ? error.message : String((error as Error)?.stack ?? error);
  process.stderr.write(`hometemp: ${message}\n`);
  process.exit(1);
});
