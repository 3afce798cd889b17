import { z } from 'zod';
import { idSchema } from './reading';

export const RUN_OUTCOMES = ['ok', 'partial', 'failed'] as const;
export const SENSOR_STATUSES = ['ok', 'read_failed', 'rejected', 'stuck', 'misconfigured'] as const;

const countSchema = z.number().int().nonnegative();

/**
 * What a collector run reports about itself, sent after every run even when every sensor failed,
 * so a Pi that stopped running and a sensor that stopped answering can be told apart.
 */
export const heartbeatSchema = z.strictObject({
  deviceId: idSchema,
  runId: z.string().min(1).max(64),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  outcome: z.enum(RUN_OUTCOMES),
  collectorVersion: z.string().min(1).max(32),
  sensors: z
    .array(
      z.strictObject({
        sensorId: idSchema,
        room: z.string().min(1).max(64),
        status: z.enum(SENSOR_STATUSES),
        /** Rejected attempts in this run, by reason (`out_of_range`, `spike`, `invalid`, ...). */
        rejections: z.record(z.string().regex(/^[a-z_]{1,32}$/), countSchema),
      }),
    )
    .max(32),
  spool: z.strictObject({ depth: countSchema, dropped: countSchema }),
});

export type Heartbeat = z.output<typeof heartbeatSchema>;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];
export type SensorStatus = (typeof SENSOR_STATUSES)[number];
