import pino from 'pino';

export type Service = 'device' | 'ingest' | 'frontend' | 'monitors' | 'local';
export type Logger = pino.Logger;

export interface LoggerOptions {
  service: Service;
  level?: string;
  /** Where lines go; stdout when absent. Tests pass a stream to capture output. */
  destination?: pino.DestinationStream;
}

// Keys that may carry a secret anywhere in a logged object.
const REDACTED_PATHS = [
  'apiKey',
  'api_key',
  'appKey',
  '*.apiKey',
  '*.api_key',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["dd-api-key"]',
  'headers["dd-application-key"]',
];

/**
 * Creates the one-line JSON logger every part uses: `level`, `message`, `timestamp`, `service`,
 * then context fields; errors go under `error` as `{name, message, stack, cause}`.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      messageKey: 'message',
      errorKey: 'error',
      base: { service: options.service },
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
