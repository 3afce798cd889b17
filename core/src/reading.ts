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

/**
 * Builds a schema of one line of printable text, trimmed, of 1 to `max` characters. Such text
 * ends up in HTML, CSV and metric tags, so it rejects characters that change how the text around
 * them is shown:
 * - control characters;
 * - format and other default-ignorable characters: bidi overrides and isolates, zero-width
 *   characters, Hangul fillers, and so the joiner inside emoji sequences too (an emoji's
 *   variation selector passes);
 * - line and paragraph separators, private-use characters and noncharacters;
 * - lone surrogates, which make the string invalid UTF-16.
 *
 * It must also contain a letter or digit, so it never shows as blank.
 */
export function printableTextSchema(max: number) {
  return z
    .string()
    .trim()
    .min(1, { message: 'must not be empty' })
    .max(max, { message: `must be at most ${max} characters` })
    .superRefine((text, context) => {
      const problem = findUnprintable(text);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    });
}

/** A room name, as readings and heartbeats carry it: printable text of 1-64 characters. */
export const roomSchema = printableTextSchema(64);

// With the `u` flag, a lone surrogate is matched as one code point of category Cs. Variation
// selectors are default-ignorable too but pass: they pick the emoji form, as in 🌡️.
const UNPRINTABLE =
  /(?![\uFE00-\uFE0F\u{E0100}-\u{E01EF}])[\p{Cs}\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Co}\p{Noncharacter_Code_Point}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Describes the first character that {@link printableTextSchema} rejects, with its code point. */
function findUnprintable(text: string): string | undefined {
  const match = UNPRINTABLE.exec(text);
  if (!match) {
    // Blank-looking text such as U+2800 (braille blank) alone would show as an empty title.
    return LETTER_OR_DIGIT.test(text) ? undefined : 'must contain at least one letter or digit';
  }

  const char = match[0];
  const codePoint = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  // Counted in code points, as a user counts characters, not in UTF-16 code units.
  const where = `at position ${[...text.slice(0, match.index)].length + 1}`;
  if (/\p{Cs}/u.test(char)) {
    return `must be valid Unicode text, but has a lone surrogate ${codePoint} ${where} (not well-formed UTF-16)`;
  }
  if (/\p{Cc}/u.test(char)) {
    return `must not contain control characters, but has ${codePoint} ${where}`;
  }
  if (/[\p{Zl}\p{Zp}]/u.test(char)) {
    return `must be one line, but has the line or paragraph separator ${codePoint} ${where}`;
  }
  if (/[\p{Co}\p{Noncharacter_Code_Point}]/u.test(char)) {
    return `must contain only assigned characters, but has the private-use or noncharacter ${codePoint} ${where}`;
  }
  return `must not contain invisible characters such as bidi overrides, zero-width spaces or Hangul fillers, but has ${codePoint} ${where}`;
}

// DHT22, the finer of the two supported sensors, resolves 0.1 °C and 0.1 %RH. Values too large
// to scale by 10 are kept as they are (the range check rejects them), so none becomes Infinity.
const roundToSensorResolution = (value: number) =>
  Math.abs(value) < 1e300 ? Math.round(value * 10) / 10 : value;

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
  /** The sensor's values before the calibration offset, when an offset applies. */
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
