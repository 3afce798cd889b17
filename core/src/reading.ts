import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Most readings one batch may carry. */
export const MAX_BATCH_SIZE = 100;

/** Device and sensor ids: lower-case letters, digits, `-` and `_`, as used in keys and metric tags. */
export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
    message: 'must be 1-63 characters of a-z, 0-9, "-" or "_", starting with a letter or digit',
  });

// Printable text only: a room name ends up in HTML, CSV and metric tags.
const roomSchema = z
  .string()
  .trim()
  .min(1, { message: 'must not be empty' })
  .max(64, { message: 'must be at most 64 characters' })
  .refine((room) => !/\p{Cc}/u.test(room), { message: 'must not contain control characters' });

// DHT22, the finer of the two supported sensors, resolves 0.1 °C and 0.1 %RH.
const roundToSensorResolution = (value: number) => Math.round(value * 10) / 10;

const measurementSchema = z.number().transform(roundToSensorResolution);

/**
 * One measurement as it travels from collector to ingest. `takenAt` is UTC ISO 8601 with a `Z`
 * and is normalised to millisecond precision, so the same instant always gives the same id.
 */
export const readingSchema = z.strictObject({
  deviceId: idSchema,
  sensorId: idSchema,
  room: roomSchema,
  takenAt: z.iso.datetime({ message: 'must be a UTC ISO 8601 time such as 2026-01-31T08:15:00Z' })
    .transform((value) => new Date(value).toISOString()),
  temperature: measurementSchema,
  humidity: measurementSchema,
  /** What the sensor returned before the calibration offset, when an offset applies. */
  raw: z
    .strictObject({ temperature: measurementSchema, humidity: measurementSchema })
    .optional(),
});

export type Reading = z.output<typeof readingSchema>;
export type ReadingInput = z.input<typeof readingSchema>;

/** Up to {@link MAX_BATCH_SIZE} readings, all from one device. */
export const batchSchema = z
  .strictObject({
    readings: z
      .array(readingSchema)
      .min(1, { message: 'must contain at least one reading' })
      .max(MAX_BATCH_SIZE, { message: `must contain at most ${MAX_BATCH_SIZE} readings` }),
  })
  .superRefine((batch, context) => {
    const deviceId = batch.readings[0]?.deviceId;
    batch.readings.forEach((reading, index) => {
      if (reading.deviceId !== deviceId) {
        context.addIssue({
          code: 'custom',
          path: ['readings', index, 'deviceId'],
          message: `must be "${deviceId}" like the first reading: a batch holds one device's readings`,
        });
      }
    });
  });

export type Batch = z.output<typeof batchSchema>;

/**
 * Derives the stable id of a reading from device, sensor and time, so a reading sent twice is
 * recognised as the same one. Pass `takenAt` as produced by {@link readingSchema}.
 */
export function readingId(reading: Pick<Reading, 'deviceId' | 'sensorId' | 'takenAt'>): string {
  return createHash('sha256')
    .update(`${reading.deviceId}\n${reading.sensorId}\n${reading.takenAt}`)
    .digest('hex')
    .slice(0, 24);
}

/** One problem of an input, as ingest returns it: the field path and what is wrong there. */
export interface ValidationProblem {
  path: string;
  message: string;
}

/** Lists every problem zod found, with dotted paths such as `readings.3.temperature`. */
export function describeIssues(error: z.ZodError): ValidationProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}
