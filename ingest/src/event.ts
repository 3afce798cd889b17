import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';

/** The parts of an API Gateway proxy event that ingest uses, alike for REST (v1) and HTTP API (v2). */
export interface IngestRequest {
  method: string;
  /** The path without the stage, e.g. `/readings`. */
  path: string;
  /** Header names in lower case; for repeated headers, the last value. */
  headers: Record<string, string>;
  body: string | null;
  isBase64Encoded: boolean;
  /** The API Gateway API key id that authenticated the call, when there is one. */
  apiKeyId?: string;
  /** API Gateway's request id (v1 `requestContext.requestId`, v2 the same field). */
  requestId?: string;
}

export type ProxyEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const stringOrUndefined = (value: unknown) =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/**
 * Reads an API Gateway proxy event of either version into an {@link IngestRequest}, or returns
 * the reason it is not one. Nothing in the event is trusted: every field is checked for type.
 *
 * Identity: REST APIs put the API key's id in `requestContext.identity.apiKeyId`. HTTP APIs have
 * no API keys, so for v2 events the id must come from a Lambda authorizer that returns it in its
 * context as `apiKeyId` (`requestContext.authorizer.lambda.apiKeyId`).
 */
export function readProxyEvent(event: unknown): IngestRequest | { invalid: string } {
  if (!isRecord(event) || !isRecord(event.requestContext)) {
    return { invalid: 'the event is not an API Gateway proxy event: requestContext is missing' };
  }
  const context = event.requestContext;
  const headers = readHeaders(event.headers);
  const body = typeof event.body === 'string' ? event.body : null;
  const isBase64Encoded = event.isBase64Encoded === true;
  const requestId = stringOrUndefined(context.requestId);

  if (event.version === '2.0') {
    const http = isRecord(context.http) ? context.http : {};
    const method = stringOrUndefined(http.method);
    const rawPath = stringOrUndefined(event.rawPath);
    if (!method || !rawPath) {
      return { invalid: 'the HTTP API event has no requestContext.http.method or rawPath' };
    }
    const authorizer = isRecord(context.authorizer) ? context.authorizer : {};
    const lambda = isRecord(authorizer.lambda) ? authorizer.lambda : {};
    const stage = stringOrUndefined(context.stage);
    return {
      method,
      path: stripStage(rawPath, stage),
      headers,
      body,
      isBase64Encoded,
      apiKeyId: stringOrUndefined(lambda.apiKeyId),
      requestId,
    };
  }

  const method = stringOrUndefined(event.httpMethod);
  const path = stringOrUndefined(event.path);
  if (!method || !path) return { invalid: 'the REST API event has no httpMethod or path' };
  const identity = isRecord(context.identity) ? context.identity : {};

  return {
    method,
    path,
    headers,
    body,
    isBase64Encoded,
    apiKeyId: stringOrUndefined(identity.apiKeyId),
    requestId,
  };
}

function readHeaders(raw: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!isRecord(raw)) return headers;
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  return headers;
}

// A v2 `rawPath` includes a named stage (`/prod/readings`); the `$default` stage adds nothing.
function stripStage(rawPath: string, stage: string | undefined): string {
  if (!stage || stage === '$default') return rawPath;
  const prefix = `/${stage}`;
  return rawPath === prefix || rawPath.startsWith(`${prefix}/`)
    ? rawPath.slice(prefix.length) || '/'
    : rawPath;
}
