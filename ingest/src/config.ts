import { z } from 'zod';
import { ConfigError, idSchema } from '../../core/src/index';

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

const positiveIntFromEnv = (name: string, min: number, max: number) =>
  z
    .string({ message: `${name} must be a whole number` })
    .regex(/^\d+$/, { message: `${name} must be a whole number` })
    .transform(Number)
    .refine((value) => value >= min && value <= max, {
      message: `${name} must be between ${min} and ${max}`,
    });

const deviceKeysSchema = z
  .string({ message: 'INGEST_DEVICE_KEYS is not set; set it to JSON such as {"<apiKeyId>":"<deviceId>"}' })
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({
        code: 'custom',
        message: 'INGEST_DEVICE_KEYS is not valid JSON; set it to JSON such as {"<apiKeyId>":"<deviceId>"}',
      });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(z.string().min(1).max(128), idSchema, {
      message: 'INGEST_DEVICE_KEYS must map API key ids to device ids, e.g. {"a1b2c3":"pi-kitchen"}',
    }),
  );

const envSchema = z.object({
  INGEST_TABLE: z
    .string({ message: 'INGEST_TABLE is not set; set it to the DynamoDB table name' })
    .regex(/^[a-zA-Z0-9_.-]{3,255}$/, {
      message: 'INGEST_TABLE must be a DynamoDB table name: 3-255 of a-z, A-Z, 0-9, "_", "-", "."',
    }),
  INGEST_DYNAMODB_ENDPOINT: z
    .url({ message: 'INGEST_DYNAMODB_ENDPOINT must be a URL such as http://127.0.0.1:4567' })
    .optional(),
  AWS_REGION: z.string().min(1).optional(),
  INGEST_DEVICE_KEYS: deviceKeysSchema,
  INGEST_MAX_BODY_BYTES: positiveIntFromEnv('INGEST_MAX_BODY_BYTES', 1024, 6 * 1024 * 1024).optional(),
  INGEST_MAX_FUTURE_SECONDS: positiveIntFromEnv('INGEST_MAX_FUTURE_SECONDS', 0, 86400).optional(),
  INGEST_EARLIEST_READING: z.iso
    .datetime({ message: 'INGEST_EARLIEST_READING must be a UTC ISO 8601 time such as 2019-01-01T00:00:00Z' })
    .optional(),
  INGEST_METRIC_MAX_AGE_SECONDS: positiveIntFromEnv('INGEST_METRIC_MAX_AGE_SECONDS', 60, 86400).optional(),
  INGEST_RETRY_AFTER_SECONDS: positiveIntFromEnv('INGEST_RETRY_AFTER_SECONDS', 1, 3600).optional(),
  INGEST_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional(),
});

/** Ingest's settings, read once at start from the environment. */
export interface IngestConfig {
  tableName: string;
  /** A local DynamoDB (dynalite); AWS's regional endpoint when absent. */
  dynamoEndpoint?: string;
  region?: string;
  /** API Gateway API key id to the one device that key may write for. */
  deviceKeys: Readonly<Record<string, string>>;
  /** The largest decoded request body accepted, in bytes. */
  maxBodyBytes: number;
  /** How far ahead of the receipt time `takenAt` may be, in seconds (device clock skew). */
  maxFutureSeconds: number;
  /** Readings taken before this instant are rejected as `before_epoch`. */
  earliestReading: Date;
  /** Readings older than this at receipt are stored but counted as late instead of emitted. */
  metricMaxAgeSeconds: number;
  /** The `Retry-After` of a 503, in seconds. */
  retryAfterSeconds: number;
  logLevel: string;
}

/**
 * Reads ingest's settings from `env` (process.env in Lambda) and reports every problem at once.
 *
 * @throws ConfigError listing each invalid or missing variable and how to fix it.
 */
export function loadConfig(env: Record<string, string | undefined>): Readonly<IngestConfig> {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => issue.message);
    throw new ConfigError(`invalid ingest configuration: ${problems.join('; ')}`);
  }
  const values = result.data;

  return withDefaults({
    tableName: values.INGEST_TABLE,
    dynamoEndpoint: values.INGEST_DYNAMODB_ENDPOINT,
    region: values.AWS_REGION,
    deviceKeys: values.INGEST_DEVICE_KEYS,
    maxBodyBytes: values.INGEST_MAX_BODY_BYTES,
    maxFutureSeconds: values.INGEST_MAX_FUTURE_SECONDS,
    earliestReading: values.INGEST_EARLIEST_READING
      ? new Date(values.INGEST_EARLIEST_READING)
      : undefined,
    metricMaxAgeSeconds: values.INGEST_METRIC_MAX_AGE_SECONDS,
    retryAfterSeconds: values.INGEST_RETRY_AFTER_SECONDS,
    logLevel: values.INGEST_LOG_LEVEL,
  });
}

/** Settings as code passes them: the device map is required, everything else has a default. */
export type IngestSettings = Partial<IngestConfig> & Pick<IngestConfig, 'deviceKeys'>;

/** Fills every setting left out with ingest's default and freezes the result. */
export function withDefaults(settings: IngestSettings): Readonly<IngestConfig> {
  return Object.freeze({
    tableName: settings.tableName ?? 'hometemp',
    dynamoEndpoint: settings.dynamoEndpoint,
    region: settings.region,
    deviceKeys: Object.freeze({ ...settings.deviceKeys }),
    maxBodyBytes: settings.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxFutureSeconds: settings.maxFutureSeconds ?? 300,
    // The product began in 2019 (its oldest recordings are from September 2019); a reading
    // stamped earlier comes from a Pi that booted without a real-time clock.
    earliestReading: settings.earliestReading ?? new Date('2019-01-01T00:00:00Z'),
    // Datadog drops points more than one hour older than their submission unless historical
    // ingestion is on, which distributions do not support (Datadog docs, "Historical Metrics
    // Ingestion"). 50 minutes leaves 10 for the log forwarder or the extension to flush.
    metricMaxAgeSeconds: settings.metricMaxAgeSeconds ?? 3000,
    retryAfterSeconds: settings.retryAfterSeconds ?? 30,
    logLevel: settings.logLevel ?? 'info',
  });
}
