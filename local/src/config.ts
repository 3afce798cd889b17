import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../core/src/index';

const REPOSITORY_ROOT = path.resolve(__dirname, '../..');

const portSchema = z.coerce
  .number({ message: 'must be a number' })
  .int({ message: 'must be a whole number' })
  .min(0, { message: 'must be between 0 and 65535' })
  .max(65535, { message: 'must be between 0 and 65535' });

/** The local stack's flags, after validation. */
export const localConfigSchema = z.strictObject({
  host: z.enum(['127.0.0.1', '::1', 'localhost'], {
    message: 'must be 127.0.0.1, ::1 or localhost: the local stack has no authentication yet',
  }),
  port: portSchema,
  apiPort: portSchema,
  dataDir: z.string().min(1),
  inMemory: z.boolean(),
  interval: z.coerce
    .number({ message: 'must be a number of seconds' })
    .min(1, { message: 'must be at least 1 second' })
    .max(3600, { message: 'must be at most 3600 seconds' }),
  backfillDays: z.coerce
    .number({ message: 'must be a number of days' })
    .min(0, { message: 'must be between 0 and 30 days' })
    .max(30, { message: 'must be between 0 and 30 days' }),
  recording: z.string().min(1),
  logLevel: z.enum(['debug', 'info', 'warn', 'error'], {
    message: 'must be debug, info, warn or error',
  }),
});

export type LocalConfig = z.output<typeof localConfigSchema>;

export const DEFAULTS = {
  host: '127.0.0.1',
  port: '3000',
  apiPort: '3001',
  dataDir: path.join(REPOSITORY_ROOT, '.data'),
  inMemory: false,
  interval: '10',
  backfillDays: '4',
  recording: path.join(REPOSITORY_ROOT, 'data', 'dht11-indoor-2019-09.csv'),
  logLevel: 'info',
};

/** Validates the flags; every problem is listed in one error, with the flag to change. */
export function parseLocalConfig(flags: Record<string, unknown>): LocalConfig {
  const result = localConfigSchema.safeParse(flags);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `  --${toFlag(String(issue.path[0]))} ${issue.message}`,
    );
    throw new ConfigError(`invalid options:\n${lines.join('\n')}`);
  }

  return Object.freeze(result.data);
}

const toFlag = (key: string) => key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
