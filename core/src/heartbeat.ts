import { z } from 'zod';
import { idSchema, printableTextSchema, roomSchema } from './reading';

export const RUN_OUTCOMES = ['ok', 'partial', 'failed'] as const;
export const SENSOR_STATUSES = ['ok', 'read_failed', 'rejected', 'stuck', 'misconfigured'] as const;

const countSchema = z.number().int().nonnegative();

/**
 * What a collector run reports about itself, sent after every run even when every sensor failed,
 * so a Pi that stopped running and a sensor that stopped answering can be told apart.
 */
export const heartbeatSchema = z.strictObject({
  deviceId: idSchema,
  runId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, {
    message: 'must be 1-64 characters of letters, digits, ".", "_", ":" or "-", such as a UUID',
  }),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  outcome: z.enum(RUN_OUTCOMES),
  collectorVersion: printableTextSchema(32),
  sensors: z
    .array(
      z.strictObject({
        sensorId: idSchema,
        room: roomSchema,
        status: z.enum(SENSOR_STATUSES),
        /** Rejected attempts in this run, by reason (`out_of_range`, `spike`, `invalid`, ...). */
        rejections: z.record(z.string().regex(/^[a-z_]{1,32}$/), countSchema),
      }),
    )
    .max(32),
  spool: z.strictObject({ depth: countSchema, dropped: countSchema }),
  /**
   * Readings this run delivered from the spool: `sent` that ingest took, `rejectedByServer`
   * that ingest rejected and the collector moved aside. Optional, because collectors before
   * this field do not send it.
   */
  delivery: z.strictObject({ sent: countSchema, rejectedByServer: countSchema }).optional(),
});

export type Heartbeat = z.output<typeof heartbeatSchema>;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];
export type SensorStatus = (typeof SENSOR_STATUSES)[number];
