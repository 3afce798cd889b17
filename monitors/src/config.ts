import { z } from 'zod';
import { ConfigError } from '../../core/src/index';

// The Datadog sites of https://docs.datadoghq.com/getting_started/site/ (API host = api.<site>).
const DATADOG_SITES = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'datadoghq.eu',
  'ap1.datadoghq.com',
  'ap2.datadoghq.com',
  'uk1.datadoghq.com',
  'ddog-gov.com',
] as const;

const envSchema = z.object({
  DD_SITE: z.enum(DATADOG_SITES, { message: `must be one of ${DATADOG_SITES.join(', ')}` }).default('datadoghq.com'),
  DD_API_KEY: z.string({ message: 'is not set; set it to a Datadog API key' }).min(1, { message: 'is empty; set it to a Datadog API key' }),
  DD_APP_KEY: z.string({ message: 'is not set; set it to a Datadog application key with monitors_write and dashboards_write' }).min(1, { message: 'is empty; set it to a Datadog application key' }),
  /** Overrides the API base URL, for a proxy or a local fake; loopback http or any https. */
  HOMETEMP_DATADOG_URL: z
    .url({ message: 'must be a URL such as https://api.datadoghq.eu' })
    .refine((value) => value.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(:\d+)?$/.test(value.replace(/\/$/, '')), {
      message: 'must use https, or http on 127.0.0.1, [::1] or localhost',
    })
    .optional(),
});

/** The monitors CLI's settings from the environment, validated once at start. */
export interface MonitorsConfig {
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly appKey: string;
}

/**
 * Reads `DD_SITE`, `DD_API_KEY`, `DD_APP_KEY` and `HOMETEMP_DATADOG_URL`.
 * @throws ConfigError listing every missing or invalid variable, before any request is made.
 */
export function loadConfig(env: NodeJS.ProcessEnv): MonitorsConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new ConfigError(lines.join('\n'));
  }
  const { DD_SITE, DD_API_KEY, DD_APP_KEY, HOMETEMP_DATADOG_URL } = result.data;

  return Object.freeze({
    apiUrl: (HOMETEMP_DATADOG_URL ?? `https://api.${DD_SITE}`).replace(/\/$/, ''),
    apiKey: DD_API_KEY,
    appKey: DD_APP_KEY,
  });
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Reads `SLACK_WEBHOOK_URL`, which must be an https URL, or http on loopback for a local fake.
 * Returns undefined when it is not set.
 * @throws ConfigError naming the variable and the expected form.
 */
export function loadSlackWebhook(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.SLACK_WEBHOOK_URL;
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('SLACK_WEBHOOK_URL is not a URL; set it to the incoming webhook URL Slack shows, such as https://hooks.slack.com/services/T…/B…/…');
  }
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw new ConfigError(`SLACK_WEBHOOK_URL must use https (or http on 127.0.0.1, [::1] or localhost), not ${url.protocol}//${url.host}`);
  }

  return value;
}
