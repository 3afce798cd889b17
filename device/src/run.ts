import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Heartbeat, Logger, Reading, RunOutcome } from '../../core/src/index';
import { loadBootReference, restamp } from './boot-reference';
import { type Clock, describeClockProblem } from './clock';
import { type SensorOutcome, type UnstampedReading, collectReadings } from './collect-readings';
import type { CollectorConfig } from './config';
import { deliverSpool } from './deliver-spool';
import { type HttpOptions, sendHeartbeat } from './delivery';
import type { SensorDriver } from './drivers/driver';
import { SpoolWriteError } from './errors';
import { acquireRunLock } from './lock';
import { loadDeviceState, saveDeviceState } from './sensor-state';
import { Spool } from './spool';
import { SpoolCursor, type SpoolScan, repairSpoolTail, scanSpool } from './spool-stream';
import { RunDeadline } from './run-deadline';
import { checkSpooledReading, checkUnstampedReading } from './spool-checks';
import { formatCount } from './summary';
import type { Metrics, Tracing } from './telemetry';

/** Exit codes of `hometemp-collector run`; the README lists them. */
export const EXIT_CODES = {
  ok: 0,
  /**
   * A sensor gave no reading, readings are still waiting in the spool, ingest rejected readings, or
   * spool lines were set aside.
   */
  partial: 1,
  config: 2,
  locked: 3,
  spoolWrite: 4,
  deadline: 5,
  /** `signal` aborted the run, as a simulated collector's `stop()` does; what was read is spooled. */
  aborted: 6,
} as const;

export interface RunDependencies {
  config: CollectorConfig;
  logger: Logger;
  clock: Clock;
  tracing: Tracing;
  metrics: Metrics;
  drivers: Map<string, SensorDriver | Error>;
  version: string;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Replaces the spool's write call, to inject a disk error in tests. */
  spoolWrite?: (fd: number, text: string) => void;
  /** Ends the run early, as at its deadline: what was read is spooled, then the run returns. */
  signal?: AbortSignal;
}

export interface RunReport {
  runId: string;
  exitCode: number;
  heartbeat: Heartbeat;
  sent: number;
  rejectedByServer: number;
  deadlineReached: boolean;
  problems: string[];
}

const REJECTED_FILE = 'rejected.jsonl';

/** Keeps this share of the deadline (at most 10 s) for the heartbeat and saving state. */
const RESERVE_MS = 10_000;
const READ_SHARE = 0.6;

/**
 * Performs one collector run: reads every sensor, spools the readings, delivers the spool, sends
 * the heartbeat. Holds the run lock throughout.
 * @throws LockHeldError when another run holds the lock.
 */
export async function runCollector(deps: RunDependencies): Promise<RunReport> {
  const { config } = deps;
  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
  const lock = acquireRunLock(join(config.stateDir, 'run.lock'), deps.clock.bootId());
  try {
    return await deps.tracing.span('collector.run', { resource: config.deviceId }, (span) =>
      runLocked(deps, span.traceId),
    );
  } finally {
    lock.release();
  }
}

async function runLocked(deps: RunDependencies, traceId: string | undefined): Promise<RunReport> {
  const { config, clock } = deps;
  const runId = randomUUID();
  const logger = deps.logger.child({ run_id: runId, ...(traceId && { trace_id: traceId }) });
  const startedAtMs = clock.now();
  const sleep = deps.sleep ?? sleepWithSignal;
  const deadlineMs = config.deadlineSeconds * 1000;
  const runEndsAt = performance.now() + deadlineMs;
  const remainingRunMs = () => Math.max(0, runEndsAt - performance.now());
  const workMs = deadlineMs - Math.min(RESERVE_MS, deadlineMs / 4);
  // Sensors get part of the time, so a sensor that never responds still leaves time to deliver.
  const deadline = new RunDeadline({
    runMs: deadlineMs, workMs, readMs: workMs * READ_SHARE, abort: deps.signal,
  });
  try {
    return await runWithin(deps, { runId, logger, startedAtMs, sleep, deadline, remainingRunMs });
  } finally {
    deadline.clear();
  }
}

async function runWithin(
  deps: RunDependencies,
  context: {
    runId: string; logger: Logger; startedAtMs: number; sleep: SleepFunction; deadline: RunDeadline;
    remainingRunMs: () => number;
  },
): Promise<RunReport> {
  const { config, clock } = deps;
  const { runId, logger, startedAtMs, sleep, deadline, remainingRunMs } = context;
  const runSignal = deadline.run;
  const workSignal = deadline.work;
  const readSignal = deadline.read;
  const problems: string[] = [];
  let spoolWriteFailed = false;

  const rejectedPath = join(config.stateDir, REJECTED_FILE);
  const spool = new Spool<Reading>(join(config.stateDir, 'spool.jsonl'), {
    write: deps.spoolWrite, validate: checkSpooledReading(config.deviceId), invalidPath: rejectedPath,
  });
  const unstampedSpool = new Spool<UnstampedReading>(join(config.stateDir, 'unstamped.jsonl'), {
    write: deps.spoolWrite, validate: checkUnstampedReading(config.deviceId), invalidPath: rejectedPath,
  });
  // The reading spool is read as a stream after this run's readings are appended. Only a torn
  // last line is moved aside now, so the append starts on a line of its own.
  const tornTail = repairSpoolTail(spool);
  const unstamped = unstampedSpool.load();
  const state = loadDeviceState(config.stateDir);
  const clockProblem = describeClockProblem(clock);
  if (clockProblem) logger.warn({ problem: clockProblem }, 'clock not trusted; readings kept relative to boot');

  const outcomes = await collectReadings({
    config, drivers: deps.drivers, state, clockProblem, clock, sleep,
    signal: readSignal, tracing: deps.tracing, metrics: deps.metrics, logger,
  });

  // The summary names why a sensor is misconfigured: the GPIO message or the wrong-type hint.
  for (const outcome of outcomes) {
    if (outcome.status === 'misconfigured') problems.push(`${outcome.sensor.id}: ${outcome.problem}`);
  }

  // Write-ahead: every new reading is on disk before anything is sent.
  const fresh = outcomes.flatMap((outcome) => (outcome.reading ? [outcome.reading] : []));
  const freshUnstamped = outcomes.flatMap((outcome) => (outcome.unstamped ? [outcome.unstamped] : []));
  let restamped: Reading[] = [];
  let clockDropped = 0;
  try {
    if (!clockProblem && unstamped.entries.length > 0) {
      const reference = loadBootReference(config.stateDir, clock);
      ({ restamped, dropped: clockDropped } = restamp(unstamped.entries, reference));
    }
    spool.append([...restamped, ...fresh]);
    if (clockProblem) unstampedSpool.append(freshUnstamped);
    else if (unstamped.entries.length > 0) unstampedSpool.rewrite([]);
    saveDeviceState(config.stateDir, state);
  } catch (error) {
    if (!(error instanceof SpoolWriteError)) throw error;
    spoolWriteFailed = true;
    problems.push(error.message);
    logger.error({ error }, 'spool write failed; sending this run\'s readings without a copy on disk');
  }
  if (clockDropped > 0) {
    problems.push(
      `${formatCount(clockDropped, 'reading')} taken with a wrong clock before a reboot ` +
        `${clockDropped === 1 ? 'was' : 'were'} dropped`,
    );
  }

  const check = checkSpooledReading(config.deviceId);
  const scan = scanSpool(spool, {
    check,
    nowMs: clock.now(),
    maxAgeMs: config.spool.maxAgeDays * 86_400_000,
    maxEntries: config.spool.maxReadings,
    timeOf: (reading) => Date.parse(reading.takenAt),
  });
  const setAside = reportSetAside({
    torn: tornTail + scan.torn + unstamped.setAside, tornPath: spool.tornPath, rejectedPath, logger, problems,
    invalidReasons: [...scan.invalidReasons, ...unstamped.invalid.map((item) => item.reason)].slice(0, 3),
    invalid: scan.invalid + unstamped.invalid.length,
  });
  if (scan.dropped > 0) {
    problems.push(`${formatCount(scan.dropped, 'reading')} past the spool cap ${scan.dropped === 1 ? 'was' : 'were'} dropped`);
    logger.warn({ dropped: scan.dropped }, 'spool cap reached; oldest readings dropped');
  }

  const http: HttpOptions = {
    endpoint: config.endpoint, apiKey: config.apiKey, timeoutMs: config.delivery.timeoutSeconds * 1000,
    retries: config.delivery.retries, signal: workSignal, remainingMs: () => deadline.remainingWorkMs(), sleep,
    random: deps.random ?? Math.random, tracing: deps.tracing,
  };
  // After a failed append, this run's readings are delivered from memory and the spool is kept.
  const cursor = new SpoolCursor(spool, scan, check, spoolWriteFailed ? [...restamped, ...fresh] : []);
  const delivery = await deliverSpool(cursor, {
    ...http, batchSize: config.delivery.batchSize, rejectedPath, logger,
  }).catch((error: unknown) => {
    cursor.close();
    throw error;
  });
  const spoolDepth = delivery.unsent.length + cursor.remaining;
  try {
    if (!spoolWriteFailed && spoolChanged(scan, delivery)) cursor.rewrite(delivery.unsent);
  } catch (error) {
    if (!(error instanceof SpoolWriteError)) throw error;
    // The old spool stays whole; delivered readings are sent again, which ingest ignores.
    problems.push(error.message);
    spoolWriteFailed = true;
  } finally {
    cursor.close();
  }
  if (delivery.failure) {
    problems.push(`delivery stopped: ${delivery.failure}`);
    deps.metrics.deliveryFailure();
  }
  for (const { sensor, room, count } of delivery.deliveredBySensor) deps.metrics.readingSent({ sensor, room }, count);
  for (const { sensor, room, count } of delivery.rejectedBySensor) deps.metrics.rejectedByServer({ sensor, room }, count);
  if (delivery.rejected > 0) {
    problems.push(`ingest rejected ${formatCount(delivery.rejected, 'reading')}; moved to ${rejectedPath} with the reasons`);
  }

  const heartbeat = buildHeartbeat({
    deps, runId, startedAtMs, outcomes, delivered: delivery.failure === undefined && delivery.rejected === 0,
    setAside,
    spoolDepth: spoolDepth + (clockProblem ? unstamped.entries.length + freshUnstamped.length : 0),
    dropped: scan.dropped + clockDropped,
    delivery: { sent: delivery.delivered, rejectedByServer: delivery.rejected },
  });
  // The heartbeat may use the reserve after the work time, but a Retry-After past the run
  // deadline stops it at once instead of sleeping until the deadline.
  const heartbeatProblem = await sendHeartbeat(heartbeat, {
    ...http, signal: runSignal, remainingMs: remainingRunMs, retries: workSignal.aborted ? 0 : 1,
  });
  if (heartbeatProblem) problems.push(`heartbeat not delivered: ${heartbeatProblem}`);
  deps.metrics.spoolDepth(heartbeat.spool.depth);
  deps.metrics.runDuration(clock.now() - startedAtMs);

  const aborted = deps.signal?.aborted === true;
  const deadlineReached = readSignal.aborted && !aborted;
  const exitCode = spoolWriteFailed ? EXIT_CODES.spoolWrite
    : aborted ? EXIT_CODES.aborted
    : deadlineReached ? EXIT_CODES.deadline
    : heartbeat.outcome === 'ok' ? EXIT_CODES.ok : EXIT_CODES.partial;
  logger[exitCode === 0 ? 'info' : 'warn']({
    outcome: heartbeat.outcome, exit_code: exitCode, sent: delivery.delivered, rejected_by_server: delivery.rejected,
    spool_depth: heartbeat.spool.depth, duration_ms: clock.now() - startedAtMs, problems,
  }, 'run finished');

  return { runId, exitCode, heartbeat, sent: delivery.delivered, rejectedByServer: delivery.rejected, deadlineReached, problems };
}

function buildHeartbeat(input: {
  deps: RunDependencies; runId: string; startedAtMs: number; outcomes: SensorOutcome[];
  delivered: boolean; setAside: number; spoolDepth: number; dropped: number;
  delivery: { sent: number; rejectedByServer: number };
}): Heartbeat {
  const { deps, outcomes } = input;
  const okCount = outcomes.filter((outcome) => outcome.status === 'ok').length;
  // Spool lines set aside are data that did not reach ingest, so such a run is not a success.
  const outcome: RunOutcome = okCount === outcomes.length && input.delivered && input.setAside === 0 ? 'ok'
    : okCount === 0 && outcomes.every((item) => item.status !== 'stuck') ? 'failed' : 'partial';

  return {
    deviceId: deps.config.deviceId,
    runId: input.runId,
    startedAt: new Date(input.startedAtMs).toISOString(),
    finishedAt: new Date(deps.clock.now()).toISOString(),
    outcome,
    collectorVersion: deps.version,
    sensors: outcomes.map((item) => ({
      sensorId: item.sensor.id,
      room: item.sensor.room,
      status: item.status,
      rejections: { ...item.rejections },
    })),
    spool: { depth: input.spoolDepth, dropped: input.dropped },
    delivery: input.delivery,
  };
}

/** Adds the spool lines moved aside on this run to the problems and the log, and returns their count. */
function reportSetAside(input: {
  torn: number; tornPath: string; invalid: number; invalidReasons: string[]; rejectedPath: string;
  logger: Logger; problems: string[];
}): number {
  const { logger, problems } = input;
  if (input.torn > 0) {
    problems.push(`${formatCount(input.torn, 'torn or unreadable spool line')} set aside in ${input.tornPath}`);
    logger.warn({ lines: input.torn, path: input.tornPath }, 'spool lines set aside');
  }
  if (input.invalid > 0) {
    problems.push(
      `${formatCount(input.invalid, 'spool line')} set aside in ${input.rejectedPath}, the first ${input.invalidReasons[0]}`,
    );
    logger.warn({ lines: input.invalid, reasons: input.invalidReasons, path: input.rejectedPath },
      'spool lines that are not readings of this device set aside');
  }

  return input.torn + input.invalid;
}

/** Tells whether the spool file must be rewritten: something was sent, dropped or set aside. */
function spoolChanged(scan: SpoolScan, delivery: { delivered: number; rejected: number }): boolean {
  return delivery.delivered + delivery.rejected + scan.dropped + scan.torn + scan.invalid > 0;
}

type SleepFunction = (ms: number, signal: AbortSignal) => Promise<void>;

function sleepWithSignal(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
