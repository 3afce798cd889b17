import { z } from 'zod';
import type { Reading } from '../../core/src/index';
import { readingSchema } from '../../core/src/reading';
import type { UnstampedReading } from './collect-readings';
import type { SpoolCheck } from './spool';

const unstampedSchema = z.strictObject({
  reading: readingSchema.omit({ takenAt: true }),
  bootId: z.string().min(1),
  uptimeMs: z.number().nonnegative(),
});

/**
 * Builds the check of one spool line: it must be a reading of the contract, of the configured
 * device. Readings of another device (after a `deviceId` change) would make ingest reject every
 * batch they are in, so they are set aside instead of blocking the spool.
 */
export function checkSpooledReading(deviceId: string): (value: unknown) => SpoolCheck<Reading> {
  return (value) => {
    const parsed = readingSchema.safeParse(value);
    if (!parsed.success) return { reason: `not a reading: ${describe(parsed.error)}` };
    if (parsed.data.deviceId !== deviceId) {
      return { reason: `a reading of device "${parsed.data.deviceId}", not of the configured "${deviceId}"` };
    }

    return { entry: parsed.data };
  };
}

/** Builds the check of one line of the spool of readings taken while the clock was wrong. */
export function checkUnstampedReading(deviceId: string): (value: unknown) => SpoolCheck<UnstampedReading> {
  return (value) => {
    const parsed = unstampedSchema.safeParse(value);
    if (!parsed.success) return { reason: `not an unstamped reading: ${describe(parsed.error)}` };
    if (parsed.data.reading.deviceId !== deviceId) {
      return { reason: `a reading of device "${parsed.data.reading.deviceId}", not of the configured "${deviceId}"` };
    }

    return { entry: parsed.data };
  };
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(line)'}: ${issue.message}`)
    .join('; ');
}
