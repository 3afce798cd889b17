import type { Logger, Reading, SensorStatus } from '../../core/src/index';
import { readingSchema } from '../../core/src/reading';
import type { CollectorConfig, SensorConfig } from './config';
import type { SensorDriver } from './drivers/driver';
import { type Rejections, applyReadPolicy } from './read-policy';
import { sampleSensor } from './sample-sensor';
import { type DeviceState, recordAccepted } from './sensor-state';
import type { Metrics, Tracing } from './telemetry';

/** A reading taken while the clock was wrong: its time is known only relative to boot. */
export interface UnstampedReading {
  reading: Omit<Reading, 'takenAt'>;
  bootId: string;
  uptimeMs: number;
}

/** The outcome of one sensor in this run. */
export interface SensorOutcome {
  sensor: SensorConfig;
  status: SensorStatus;
  rejections: Rejections;
  reading?: Reading;
  unstamped?: UnstampedReading;
  problem?: string;
}

export interface CollectOptions {
  config: CollectorConfig;
  drivers: Map<string, SensorDriver | Error>;
  state: DeviceState;
  /** Set when the clock cannot be trusted: readings are then kept relative to boot. */
  clockProblem?: string;
  clock: { now(): number; uptimeMs(): number; bootId(): string };
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  signal: AbortSignal;
  tracing: Tracing;
  metrics: Metrics;
  logger: Logger;
}

/** Reads every sensor at once through the read policy; never throws for a sensor's failure. */
export function collectReadings(options: CollectOptions): Promise<SensorOutcome[]> {
  return Promise.all(options.config.sensors.map((sensor) => collectOne(sensor, options)));
}

async function collectOne(sensor: SensorConfig, options: CollectOptions): Promise<SensorOutcome> {
  const tags = { sensor: sensor.id, room: sensor.room };
  return options.tracing.span('sensor.read', { resource: sensor.id, tags }, async (span) => {
    const outcome = await readSensor(sensor, options);
    span.setTag('sensor.status', outcome.status);
    for (const [reason, count] of Object.entries(outcome.rejections)) {
      options.metrics.rejection({ ...tags, reason }, count);
    }
    const log = { sensor_id: sensor.id, status: outcome.status, rejections: outcome.rejections };
    if (outcome.status === 'ok') options.logger.info({ ...log, reading: outcome.reading ?? outcome.unstamped?.reading }, 'sensor read');
    else options.logger.warn({ ...log, problem: outcome.problem }, 'sensor gave no usable reading');

    return outcome;
  });
}

async function readSensor(sensor: SensorConfig, options: CollectOptions): Promise<SensorOutcome> {
  const driver = options.drivers.get(sensor.id);
  if (!driver || driver instanceof Error) {
    return { sensor, status: 'misconfigured', rejections: {}, problem: driver?.message ?? 'no driver' };
  }
  const samples = await sampleSensor(driver, {
    attempts: options.config.readAttempts,
    sleep: options.sleep,
    signal: options.signal,
  });
  const takenAtMs = options.clock.now();
  const state = (options.state[sensor.id] ??= {});
  const result = applyReadPolicy({
    samples,
    type: sensor.type,
    takenAtMs,
    // A wrong clock makes the elapsed time meaningless, so the spike check waits for a good one.
    lastAccepted: options.clockProblem ? undefined : state.lastAccepted,
    spike: options.config.spike,
    offset: sensor.offset,
  });

  if (result.misconfigured) {
    return { sensor, status: 'misconfigured', rejections: result.rejections, problem: result.misconfigured };
  }
  if (!result.reading) {
    const failedReads = (result.rejections.read_error ?? 0) + (result.rejections.invalid ?? 0);
    const status = samples.length === 0 || failedReads === samples.length ? 'read_failed' : 'rejected';
    const problem = samples.length === 0 ? 'no sample before the run deadline' : 'every sample was rejected';
    return { sensor, status, rejections: result.rejections, problem };
  }
  const base = {
    deviceId: options.config.deviceId,
    sensorId: sensor.id,
    room: sensor.room,
    temperature: result.reading.temperature,
    humidity: result.reading.humidity,
    raw: result.reading.raw,
  };
  if (options.clockProblem) {
    const unstamped = { reading: base, bootId: options.clock.bootId(), uptimeMs: options.clock.uptimeMs() };
    return { sensor, status: 'ok', rejections: result.rejections, unstamped };
  }
  const stuck = recordAccepted(state, result.reading.raw, takenAtMs, options.config.stuckAfterHours * 3_600_000);
  const reading = readingSchema.parse({ ...base, takenAt: new Date(takenAtMs).toISOString() });

  return { sensor, status: stuck ? 'stuck' : 'ok', rejections: result.rejections, reading };
}
