import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger, Reading } from '../../core/src/index';
import { readingSchema } from '../../core/src/reading';
import { systemClock } from './clock';
import type { CollectorConfig } from './config';
import type { SensorDriver } from './drivers/driver';
import { type Recording, loadRecording, rowIndexAt } from './drivers/recording';
import { writeFileAtomic } from './files';
import { createReplayDriver } from './drivers/replay';
import { applyReadPolicy } from './read-policy';
import { runCollector } from './run';
import { type SensorState, loadDeviceState, recordAccepted, saveDeviceState } from './sensor-state';
import { Spool } from './spool';
import { noMetrics, noTracing } from './telemetry';
import { COLLECTOR_VERSION } from './version';

export interface SimulatedCollectorOptions {
  deviceId: string;
  apiKey: string;
  endpoint: string;
  sensors: Array<{ sensorId: string; room: string; csvPath: string; startOffset: number }>;
  stateDir: string;
  backfillDays: number;
  intervalMs: number;
  logger: Logger;
}

// History needs one point per 5 minutes, not the recording's one per 10 seconds.
const BACKFILL_STEP_MS = 5 * 60_000;
const READ_ATTEMPTS = 3;
const BACKFILL_MARKER = 'backfilled.json';
// The end time of the backfill, written before anything is spooled. A start killed before the
// marker is written backfills again from the same time, so it spools the same readings with the
// same ids, and ingest stores each of them once.
const BACKFILL_PLAN = 'backfill-plan.json';

/**
 * Runs the real collector on recorded data: on first start it backfills `backfillDays` of
 * history (the recording time-shifted to end now, read through the read policy and spooled),
 * then runs a collector run every `intervalMs`. State lives in `stateDir`, so a restart neither
 * backfills again nor loses spooled readings.
 */
export async function startSimulatedCollector(
  options: SimulatedCollectorOptions,
): Promise<{ stop(): Promise<void> }> {
  mkdirSync(options.stateDir, { recursive: true });
  const config = simulatedConfig(options);
  const recordings = new Map<string, Recording>();
  for (const sensor of options.sensors) {
    if (!recordings.has(sensor.csvPath)) recordings.set(sensor.csvPath, loadRecording(sensor.csvPath));
  }
  const count = backfillOnce(options, config, recordings, Date.now());
  if (count !== undefined) {
    options.logger.info({ device_id: options.deviceId, readings: count }, 'backfill spooled');
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // Aborts the run in progress on stop(), so a long backfill delivery does not hold the stop up.
  const stopping = new AbortController();
  let current: Promise<void> = Promise.resolve();
  const runOnce = async () => {
    const state = loadDeviceState(options.stateDir);
    const cursors = new Map<string, { index: number }>();
    const drivers = new Map<string, SensorDriver | Error>();
    for (const sensor of options.sensors) {
      const recording = recordings.get(sensor.csvPath)!;
      const cursor = { index: state[sensor.sensorId]?.replayIndex ?? rowIndexAt(recording, sensor.startOffset) };
      cursors.set(sensor.sensorId, cursor);
      drivers.set(sensor.sensorId, createReplayDriver(recording, cursor));
    }
    try {
      await runCollector({ config, logger: options.logger, clock: systemClock, tracing: noTracing, metrics: noMetrics, drivers, version: COLLECTOR_VERSION, signal: stopping.signal });
      const after = loadDeviceState(options.stateDir);
      for (const [sensorId, cursor] of cursors) (after[sensorId] ??= {}).replayIndex = cursor.index;
      saveDeviceState(options.stateDir, after);
    } catch (error) {
      options.logger.error({ error, device_id: options.deviceId }, 'simulated collector run failed');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = runOnce().then(schedule);
    }, options.intervalMs);
  };
  current = runOnce().then(schedule);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      stopping.abort();
      await current;
    },
  };
}

export function simulatedConfig(options: SimulatedCollectorOptions): CollectorConfig {
  return Object.freeze({
    deviceId: options.deviceId,
    endpoint: options.endpoint,
    apiKey: options.apiKey,
    stateDir: options.stateDir,
    sensors: options.sensors.map((sensor) => ({
      id: sensor.sensorId,
      room: sensor.room,
      type: 'dht11' as const,
      driver: 'replay' as const,
      csvPath: sensor.csvPath,
      offset: { temperature: 0, humidity: 0 },
    })),
    readAttempts: READ_ATTEMPTS,
    // Simulated runs follow each other, never overlap, and stop() aborts them, so the longest
    // deadline allowed fits the first run's delivery of the whole backfill.
    deadlineSeconds: 600,
    spike: { temperaturePerMinute: 2, humidityPerMinute: 10 },
    stuckAfterHours: 12,
    delivery: { timeoutSeconds: 5, retries: 2, batchSize: 100 },
    spool: { maxAgeDays: 30, maxReadings: 200_000 },
    datadog: { traceAgentPort: 8126, dogstatsdPort: 8125, tracing: false },
    logLevel: 'info' as const,
  });
}

/**
 * Spools the backfill unless `stateDir` marks it done, and returns how many readings it spooled
 * (undefined when it was done before). The backfill ends at the time in `backfill-plan.json`,
 * written on the first try as `nowMs`, so every retry after a crash spools the same readings.
 */
export function backfillOnce(
  options: SimulatedCollectorOptions,
  config: CollectorConfig,
  recordings: Map<string, Recording>,
  nowMs: number,
): number | undefined {
  const markerPath = join(options.stateDir, BACKFILL_MARKER);
  if (existsSync(markerPath)) return undefined;

  const planPath = join(options.stateDir, BACKFILL_PLAN);
  const endMs = readBackfillEnd(planPath) ?? nowMs;
  writeFileAtomic(planPath, `${JSON.stringify({ endAt: new Date(endMs).toISOString() })}\n`);
  const count = backfill(options, config, recordings, endMs);
  writeFileAtomic(markerPath, `${JSON.stringify({ at: new Date(endMs).toISOString(), readings: count })}\n`);

  return count;
}

function readBackfillEnd(planPath: string): number | undefined {
  try {
    const plan = JSON.parse(readFileSync(planPath, 'utf8')) as { endAt?: unknown };
    const endMs = typeof plan.endAt === 'string' ? Date.parse(plan.endAt) : Number.NaN;
    return Number.isNaN(endMs) ? undefined : endMs;
  } catch {
    // No plan yet: this is the first try. writeFileAtomic never leaves a partial plan.
    return undefined;
  }
}

/** Spools the time-shifted recording for every sensor; returns how many readings it spooled. */
function backfill(
  options: SimulatedCollectorOptions,
  config: CollectorConfig,
  recordings: Map<string, Recording>,
  nowMs: number,
): number {
  const startMs = nowMs - options.backfillDays * 86_400_000;
  const state = loadDeviceState(options.stateDir);
  const readings: Reading[] = [];
  for (const sensor of options.sensors) {
    const recording = recordings.get(sensor.csvPath)!;
    // A fresh state, not one a killed earlier try saved, so each try applies the same checks.
    const sensorState: SensorState = {};
    state[sensor.sensorId] = sensorState;
    const cursor = { index: rowIndexAt(recording, sensor.startOffset) };
    const driverRows = recording.rows;
    let previousOffsetMs = driverRows[cursor.index]!.offsetMs;
    for (let takenAtMs = startMs; takenAtMs <= nowMs; takenAtMs += BACKFILL_STEP_MS) {
      // Skip ahead in the recording by one step, wrapping at its end.
      while (stepDistance(driverRows[cursor.index]!.offsetMs, previousOffsetMs, recording.durationMs) < BACKFILL_STEP_MS) {
        cursor.index = (cursor.index + 1) % driverRows.length;
        if (driverRows[cursor.index]!.offsetMs === previousOffsetMs) break;
      }
      previousOffsetMs = driverRows[cursor.index]!.offsetMs;
      const samples = Array.from({ length: READ_ATTEMPTS }, (_, attempt) => {
        const row = driverRows[(cursor.index + attempt) % driverRows.length]!;
        return { temperature: row.temperature, humidity: row.humidity, valid: true };
      });
      const result = applyReadPolicy({
        samples, type: 'dht11', takenAtMs, lastAccepted: sensorState.lastAccepted,
        spike: config.spike, offset: { temperature: 0, humidity: 0 },
      });
      if (!result.reading) continue;
      recordAccepted(sensorState, result.reading.raw, takenAtMs, config.stuckAfterHours * 3_600_000);
      readings.push(readingSchema.parse({
        deviceId: options.deviceId, sensorId: sensor.sensorId, room: sensor.room,
        takenAt: new Date(takenAtMs).toISOString(), temperature: result.reading.temperature,
        humidity: result.reading.humidity, raw: result.reading.raw,
      }));
    }
    sensorState.replayIndex = cursor.index;
  }
  // The collector sends in spool order, so the sensors' histories are interleaved oldest first.
  readings.sort((a, b) => a.takenAt.localeCompare(b.takenAt));
  new Spool<Reading>(join(options.stateDir, 'spool.jsonl')).append(readings);
  saveDeviceState(options.stateDir, state);

  return readings.length;
}

function stepDistance(offsetMs: number, fromMs: number, durationMs: number): number {
  return offsetMs >= fromMs ? offsetMs - fromMs : offsetMs + durationMs - fromMs;
}
