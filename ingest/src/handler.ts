import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { datadog, getTraceHeaders } from 'datadog-lambda-js';
import {
  type Logger,
  ReadingStore,
  PartialWriteError,
  StoreUnavailableError,
  createDocumentClient,
  createLogger,
} from '../../core/src/index';
import { readJsonBody } from './body';
import { type IngestSettings, withDefaults } from './config';
import { type IngestRequest, type ProxyEvent, readProxyEvent } from './event';
import { type RouteContext, handleHeartbeat, handleReadings } from './routes';
import { type RequestOutcome, emitPoints, requestPoint } from './metrics';
import { type IngestResult, errorResult, unavailableResult } from './responses';

export interface IngestHandlerOptions {
  /** `loadConfig(env)`'s result, or settings in code: only `deviceKeys` is required. */
  config: IngestSettings;
  /** The store to write to; built from `client` (or from the config's endpoint) when absent. */
  store?: ReadingStore;
  client?: DynamoDBDocumentClient;
  /** The table of `client`; `config.tableName` when absent. */
  tableName?: string;
  logger?: Logger;
  /** The clock that stamps receipt; tests pass a fixed one. */
  now?: () => Date;
}

/** A Lambda handler for API Gateway REST (v1) and HTTP API (v2) proxy events. */
export type IngestHandler = (event: ProxyEvent, context: Context) => Promise<IngestResult>;

const ROUTES: Record<string, (context: RouteContext) => Promise<IngestResult>> = {
  '/readings': handleReadings,
  '/heartbeats': handleHeartbeat,
};

const OUTCOME_BY_STATUS: Record<number, RequestOutcome> = {
  200: 'ok',
  400: 'invalid',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'too_large',
  415: 'unsupported_media_type',
  503: 'unavailable',
};

/**
 * Builds the ingest handler without the datadog-lambda-js wrapper. It never throws and never
 * returns a 5xx for any input: a 503 means DynamoDB failed, a 500 a bug of ours.
 */
export function buildIngestHandler(options: IngestHandlerOptions): IngestHandler {
  const config = withDefaults({
    ...options.config,
    tableName: options.tableName ?? options.config.tableName,
  });
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? createLogger({ service: 'ingest', level: config.logLevel });
  const store =
    options.store ??
    new ReadingStore(
      options.client ??
        createDocumentClient({ endpoint: config.dynamoEndpoint, region: config.region }),
      config.tableName,
    );

  return async (event, context) => {
    const receivedAt = now();
    const request = readProxyEvent(event);
    const requestLogger = logger.child({
      request_id: ('requestId' in request && request.requestId) || context?.awsRequestId,
      trace_id: traceIdOf(request),
    });

    let route = 'unknown';
    let result: IngestResult;
    try {
      if ('invalid' in request) {
        result = errorResult(400, request.invalid);
      } else {
        route = request.path in ROUTES ? request.path.slice(1) : 'unknown';
        result = await dispatch(request, { config, store, receivedAt, logger: requestLogger });
      }
    } catch (error) {
      result = failureResult(error, requestLogger, config.retryAfterSeconds);
    }

    const outcome = OUTCOME_BY_STATUS[result.statusCode] ?? 'error';
    emitPoints([requestPoint(route, outcome, receivedAt)]);
    requestLogger.info(
      { route, status: result.statusCode, outcome, duration_ms: now().getTime() - receivedAt.getTime() },
      'request served',
    );

    return result;
  };
}

/**
 * Creates the ingest handler wrapped by datadog-lambda-js, exactly as it runs in Lambda. Outside
 * Lambda, set `DD_FLUSH_TO_LOG=true` so that metrics go to stdout instead of the Datadog API.
 */
export function createIngestHandler(options: IngestHandlerOptions): IngestHandler {
  return datadog(buildIngestHandler(options)) as IngestHandler;
}

async function dispatch(
  request: IngestRequest,
  context: Omit<RouteContext, 'request' | 'deviceId' | 'json'>,
): Promise<IngestResult> {
  const handleRoute = Object.hasOwn(ROUTES, request.path) ? ROUTES[request.path] : undefined;
  if (!handleRoute) {
    return errorResult(404, `no route for ${request.path.slice(0, 200)}; use POST /readings or POST /heartbeats`);
  }
  if (request.method !== 'POST') {
    return errorResult(405, `${request.method.slice(0, 20)} is not allowed on ${request.path}; use POST`, {
      allow: 'POST',
    });
  }

  const { deviceKeys } = context.config;
  if (!request.apiKeyId) {
    return errorResult(403, 'the request carries no API key id; send the device API key in x-api-key');
  }
  const deviceId = Object.hasOwn(deviceKeys, request.apiKeyId)
    ? deviceKeys[request.apiKeyId]
    : undefined;
  if (!deviceId) {
    context.logger.warn({ api_key_id: request.apiKeyId }, 'API key id is not mapped to a device');
    return errorResult(403, 'this API key is not registered to any device');
  }

  const body = readJsonBody(request, context.config.maxBodyBytes);
  if ('status' in body) {
    return 'message' in body
      ? errorResult(400, `${body.error}: ${body.message}`)
      : errorResult(body.status, body.error);
  }

  return handleRoute({ ...context, request, deviceId, json: body.json });
}

function failureResult(error: unknown, logger: Logger, retryAfterSeconds: number): IngestResult {
  const failure = error instanceof PartialWriteError ? error.cause : error;
  if (failure instanceof StoreUnavailableError || isAwsServiceOrNetworkError(failure)) {
    logger.error({ error }, 'DynamoDB write failed; responding 503 so the device keeps the batch');
    return unavailableResult(retryAfterSeconds);
  }
  logger.error({ error }, 'unexpected error while handling the request');
  return errorResult(500, 'internal error; the request was not processed');
}

// SDK errors carry `$metadata` (service errors) or come from the HTTP layer (`$fault`, or a
// Node.js network error code such as ECONNREFUSED).
function isAwsServiceOrNetworkError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  return '$metadata' in error || '$fault' in error || typeof (error as { code?: unknown }).code === 'string';
}

function traceIdOf(request: IngestRequest | { invalid: string }): string | undefined {
  const fromTracer = (getTraceHeaders() as Record<string, string | undefined>)['x-datadog-trace-id'];
  if (fromTracer) return fromTracer;
  if ('invalid' in request) return undefined;
  const header = request.headers['x-datadog-trace-id'];
  return header && /^\d{1,20}$/.test(header) ? header : undefined;
}
