import type { Context } from 'aws-lambda';
import { datadog } from 'datadog-lambda-js';
import { loadConfig } from './config';
import type { ProxyEvent } from './event';
import { type IngestHandler, buildIngestHandler } from './handler';

let ingest: IngestHandler | undefined;

/**
 * The Lambda entry point, wrapped by datadog-lambda-js. The configuration is read from the
 * environment on the first invocation rather than at import, so importing this module (in tests,
 * in the local stack) needs no environment; a bad configuration fails every invocation with a
 * `ConfigError` that names each variable to fix.
 */
export const handler: IngestHandler = datadog(async (event: ProxyEvent, context: Context) => {
  ingest ??= buildIngestHandler({ config: loadConfig(process.env) });
  return ingest(event, context);
}) as IngestHandler;
