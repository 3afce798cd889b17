import {
  type Logger,
  PartialWriteError,
  type PutResult,
  type Reading,
  type ReadingStore,
  type ValidationProblem,
  describeIssues,
  heartbeatSchema,
  readingId,
} from '../../core/src/index';
import type { IngestConfig } from './config';
import type { IngestRequest } from './event';
import { emitPoints, heartbeatPoints, isLate, readingPoints } from './metrics';
import { type IngestResult, errorResult, jsonResult, problemsResult } from './responses';
import { screenReadings } from './screen-readings';

/** What a route needs: the authenticated device, the parsed body and the shared parts. */
export interface RouteContext {
  config: Readonly<IngestConfig>;
  store: ReadingStore;
  logger: Logger;
  receivedAt: Date;
  request: IngestRequest;
  /** The device that the request's API key belongs to. */
  deviceId: string;
  json: unknown;
}

/** Validates and stores a batch of readings: `POST /readings`. */
export async function handleReadings(context: RouteContext): Promise<IngestResult> {
  const { config, deviceId, receivedAt, logger } = context;
  const screened = screenReadings(context.json, {
    deviceId,
    receivedAt,
    maxFutureSeconds: config.maxFutureSeconds,
    earliestReading: config.earliestReading,
  });
  if ('forbidden' in screened) {
    logger.warn({ device_id: deviceId }, 'batch names another device; nothing stored');
    return errorResult(403, screened.forbidden);
  }
  if ('problems' in screened) {
    return problemsResult('invalid batch; nothing was stored', screened.problems);
  }

  const { accepted, rejected } = screened;
  const emit = (put: PutResult, rejectedNow: typeof rejected) =>
    emitPoints(
      readingPoints({
        deviceId,
        ...put,
        rejected: rejectedNow,
        receivedAt,
        metricMaxAgeSeconds: config.metricMaxAgeSeconds,
      }),
    );
  let put: PutResult = { stored: [], duplicates: [], conflicts: [] };
  try {
    if (accepted.length > 0) put = await context.store.putReadings(accepted, receivedAt);
  } catch (error) {
    // The readings written before the failure are duplicates when the device retries, so
    // their points are sent now or never. Rejections are counted when the retry succeeds.
    if (error instanceof PartialWriteError) {
      emit({ stored: error.stored as Reading[], duplicates: [], conflicts: [] }, []);
    }
    throw error;
  }
  emit(put, rejected);

  const late = put.stored.filter((reading) =>
    isLate(reading, receivedAt, config.metricMaxAgeSeconds),
  ).length;
  const conflicts = put.conflicts.map((reading) => readingId(reading));
  if (conflicts.length > 0) {
    logger.warn(
      { device_id: deviceId, conflicts },
      'readings repeat stored ids with different values; the stored values were kept',
    );
  }
  logger.info(
    {
      device_id: deviceId,
      stored: put.stored.length,
      duplicates: put.duplicates.length,
      rejected: rejected.length,
      late,
    },
    'batch stored',
  );

  return jsonResult(200, {
    stored: put.stored.length,
    duplicates: put.duplicates.length,
    rejected: rejected.map(({ id, reason, message }) => ({ id, reason, message })),
    late,
    conflicts,
  });
}

/** Validates and keeps a collector run's heartbeat: `POST /heartbeats`. */
export async function handleHeartbeat(context: RouteContext): Promise<IngestResult> {
  const { config, deviceId, receivedAt, json, logger } = context;
  const claimed = typeof json === 'object' && json !== null ? (json as { deviceId?: unknown }).deviceId : undefined;
  if (typeof claimed === 'string' && claimed !== deviceId) {
    return errorResult(
      403,
      `this API key belongs to device "${deviceId}" and cannot report for device ${JSON.stringify(claimed).slice(0, 80)}`,
    );
  }

  const parsed = heartbeatSchema.safeParse(json);
  if (!parsed.success) return problemsResult('invalid heartbeat', describeIssues(parsed.error));
  const heartbeat = parsed.data;
  const problems = checkRunTimes(heartbeat.startedAt, heartbeat.finishedAt, receivedAt, config);
  if (problems.length > 0) return problemsResult('invalid heartbeat', problems);

  const put = await context.store.putHeartbeat(heartbeat, receivedAt);
  const isNewRun = put.latest && !put.repeated;
  if (isNewRun) emitPoints(heartbeatPoints(heartbeat, receivedAt));
  logger.info(
    { device_id: deviceId, run_id: heartbeat.runId, outcome: heartbeat.outcome, ...put },
    'heartbeat stored',
  );

  return jsonResult(200, { accepted: true, latest: put.latest, repeated: put.repeated });
}

function checkRunTimes(
  startedAt: string,
  finishedAt: string,
  receivedAt: Date,
  config: Readonly<IngestConfig>,
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  if (Date.parse(finishedAt) < Date.parse(startedAt)) {
    problems.push({ path: 'finishedAt', message: `must not be before startedAt ${startedAt}` });
  }
  if (Date.parse(finishedAt) > receivedAt.getTime() + config.maxFutureSeconds * 1000) {
    problems.push({
      path: 'finishedAt',
      message: `must not be more than ${config.maxFutureSeconds} s after the time of receipt; check the device clock`,
    });
  }
  if (Date.parse(startedAt) < config.earliestReading.getTime()) {
    problems.push({
      path: 'startedAt',
      message: `must not be before ${config.earliestReading.toISOString()}; the device clock was probably not set`,
    });
  }
  return problems;
}
