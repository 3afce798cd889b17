import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../core/src/errors';
import { describeIssues, idSchema, roomSchema } from '../../core/src/reading';
import { SENSOR_TYPES } from '../../core/src/sensor-types';

/** Where `run` looks for its config file unless `--config` or `HOMETEMP_CONFIG` names another. */
export const DEFAULT_CONFIG_PATH = '/etc/hometemp/collector.json';

const DRIVERS = ['dht', 'replay', 'fake'] as const;

const offsetSchema = z
  .strictObject({ temperature: z.number().default(0), humidity: z.number().default(0) })
  .default({ temperature: 0, humidity: 0 });

const sensorSchema = z
  .strictObject({
    id: idSchema,
    // The reading contract's own rule, so a room the collector accepts is one ingest accepts.
    room: roomSchema,
    type: z.enum(Object.keys(SENSOR_TYPES) as [keyof typeof SENSOR_TYPES], {
      message: 'must be "dht11" or "dht22"',
    }),
    driver: z.enum(DRIVERS, { message: 'must be "dht", "replay" or "fake"' }).default('dht'),
    /** BCM GPIO number of the data line (the `dht` driver). */
    pin: z.number().int().min(0).max(31).optional(),
    /** Recorded CSV to play back (the `replay` driver). */
    csvPath: z.string().min(1).optional(),
    /** Fixed values the `fake` driver returns. */
    fake: z.strictObject({ temperature: z.number(), humidity: z.number() }).optional(),
    /** Calibration: added to what the sensor returns; the raw value is kept beside it. */
    offset: offsetSchema,
  })
  .superRefine((sensor, context) => {
    if (sensor.driver === 'dht' && sensor.pin === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['pin'],
        message: 'is required for the dht driver: the BCM GPIO number of the data line, 0-31',
      });
    }
    if (sensor.driver === 'replay' && sensor.csvPath === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['csvPath'],
        message: 'is required for the replay driver: the path of a recorded CSV file',
      });
    }
  });

const configSchema = z
  .strictObject({
    deviceId: idSchema,
    endpoint: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://abc.execute-api.eu-west-1.amazonaws.com/prod' })
      .superRefine((endpoint, context) => {
        // zod runs this refinement even when the URL check above failed, and that check has
        // already reported a string that does not parse.
        if (!URL.canParse(endpoint)) return;
        const problem = findEndpointProblem(new URL(endpoint));
        if (problem) context.addIssue({ code: 'custom', message: problem });
      }),
    apiKey: z.string().min(1).optional(),
    /** A file holding the API key, so the key can stay out of a world-readable config. */
    apiKeyFile: z.string().min(1).optional(),
    stateDir: z.string().min(1).default('/var/lib/hometemp-collector'),
    sensors: z
      .array(sensorSchema)
      .min(1, { message: 'must list at least one sensor' })
      .max(32, { message: 'must list at most 32 sensors' }),
    /** Valid attempts per sensor and run; their median is the reading. */
    readAttempts: z.number().int().min(1).max(9).default(3),
    /** The whole run ends by then, whatever is left undone stays in the spool. */
    deadlineSeconds: z.number().int().min(10).max(600).default(120),
    /** Fastest believable change; a faster jump from the last accepted value is a spike. */
    spike: z
      .strictObject({
        temperaturePerMinute: z.number().positive().default(2),
        humidityPerMinute: z.number().positive().default(10),
      })
      .default({ temperaturePerMinute: 2, humidityPerMinute: 10 }),
    stuckAfterHours: z.number().positive().max(24 * 30).default(12),
    delivery: z
      .strictObject({
        timeoutSeconds: z.number().positive().max(60).default(10),
        retries: z.number().int().min(0).max(10).default(3),
        batchSize: z.number().int().min(1).max(100).default(100),
      })
      .default({ timeoutSeconds: 10, retries: 3, batchSize: 100 }),
    spool: z
      .strictObject({
        maxAgeDays: z.number().positive().max(365).default(30),
        maxReadings: z.number().int().min(100).max(10_000_000).default(200_000),
      })
      .default({ maxAgeDays: 30, maxReadings: 200_000 }),
    datadog: z
      .strictObject({
        /** Host of a Datadog Agent; `DD_AGENT_HOST` is used when absent. */
        agentHost: z.string().min(1).optional(),
        traceAgentPort: z.number().int().min(1).max(65535).default(8126),
        dogstatsdPort: z.number().int().min(1).max(65535).default(8125),
        tracing: z.boolean().default(true),
      })
      .default({ traceAgentPort: 8126, dogstatsdPort: 8125, tracing: true }),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  })
  .superRefine((config, context) => {
    if ((config.apiKey === undefined) === (config.apiKeyFile === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['apiKey'],
        message: 'set exactly one of apiKey or apiKeyFile',
      });
    }
    const seen = new Set<string>();
    config.sensors.forEach((sensor, index) => {
      if (seen.has(sensor.id)) {
        context.addIssue({
          code: 'custom',
          path: ['sensors', index, 'id'],
          message: `"${sensor.id}" is used by another sensor; each sensor needs its own id`,
        });
      }
      seen.add(sensor.id);
    });
  });

// The API key travels in a header, so plain http is safe only when the request never leaves
// the machine.
const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

function findEndpointProblem(url: URL): string | undefined {
  if (url.username || url.password) {
    return 'must not contain a user name or password, which would end up in logs; the collector authenticates with apiKey';
  }
  if (url.search || url.hash) {
    return `must not contain a query string or fragment ("${url.search}${url.hash}"), because the collector appends /readings and /heartbeats to it`;
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.test(url.hostname)) {
    return `must use https for ${url.hostname}, because http would send the API key in clear text; http is allowed only for localhost, 127.0.0.0/8 and [::1]`;
  }

  return undefined;
}

/** Lists zod's issues as config lines, naming each unknown field instead of its parent object. */
function describeConfigIssues(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') {
      return describeIssues(new z.ZodError([issue])).map(({ path, message }) => `${path}: ${message}`);
    }
    const parent = issue.path.map(String).join('.');
    return issue.keys.map((key) =>
      parent
        ? `${parent}.${key}: unknown field; check its spelling or remove it`
        : `${key}: unknown field at the top level; check its spelling or remove it`,
    );
  });
}

export type SensorConfig = z.output<typeof sensorSchema>;

/** The validated collector config with the API key resolved and the Agent host settled. */
export type CollectorConfig = Omit<z.output<typeof configSchema>, 'apiKey' | 'apiKeyFile'> & {
  readonly apiKey: string;
};

/**
 * Parses and validates the config file text. Every problem is listed in one `ConfigError`, each
 * naming the field and what it allows. `DD_AGENT_HOST` fills `datadog.agentHost` when unset.
 */
export function parseConfig(
  text: string,
  options: { source: string; env: Record<string, string | undefined> },
): CollectorConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${options.source} is not valid JSON: ${(error as Error).message}`);
  }
  const result = configSchema.safeParse(json);
  if (!result.success) {
    const lines = describeConfigIssues(result.error).map((line) => `  ${line}`);
    throw new ConfigError(`${options.source} is invalid:\n${lines.join('\n')}`);
  }
  const { apiKey, apiKeyFile, ...rest } = result.data;
  const agentHost = rest.datadog.agentHost ?? (options.env.DD_AGENT_HOST || undefined);

  return Object.freeze({
    ...rest,
    datadog: { ...rest.datadog, agentHost },
    apiKey: apiKey ?? readApiKeyFile(apiKeyFile!),
  });
}

/** Reads and validates the config file at `path`. */
export function loadConfig(
  path: string,
  env: Record<string, string | undefined>,
): CollectorConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `cannot read the config file ${path} (${code}); pass another with --config or HOMETEMP_CONFIG`,
      { cause: error },
    );
  }

  return parseConfig(text, { source: path, env });
}

function readApiKeyFile(path: string): string {
  let key: string;
  try {
    key = readFileSync(path, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`apiKeyFile: cannot read ${path} (${code})`, { cause: error });
  }
  if (!key) throw new ConfigError(`apiKeyFile: ${path} is empty; put the device's API key in it`);

  return key;
}
