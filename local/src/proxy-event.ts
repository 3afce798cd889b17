import { isUtf8 } from 'node:buffer';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { LocalDevice } from './devices';

export interface IncomingRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Header names as received; repeated headers keep every value. */
  headers: Record<string, string[]>;
  body: Buffer;
  sourceIp: string;
  requestId: string;
  receivedAt: Date;
}

/**
 * Builds the REST API (v1) proxy event API Gateway hands the ingest Lambda: the same fields, an
 * API key identity, and the body as text, or base64-encoded when it is not valid UTF-8 (as API
 * Gateway does for a binary media type), so ingest gets the bytes that were sent.
 */
export function toProxyEvent(request: IncomingRequest, device: LocalDevice): APIGatewayProxyEvent {
  const single = (values: Record<string, string[]>) =>
    Object.fromEntries(Object.entries(values).map(([name, list]) => [name, list.at(-1)!]));
  const query: Record<string, string[]> = {};
  for (const [name, value] of request.query) (query[name] ??= []).push(value);
  const hasQuery = Object.keys(query).length > 0;
  const text = isUtf8(request.body);
  const encoding = text ? 'utf8' : 'base64';
  const body = request.body.length > 0 ? request.body.toString(encoding) : null;

  return {
    resource: request.path,
    path: request.path,
    httpMethod: request.method,
    headers: single(request.headers),
    multiValueHeaders: request.headers,
    queryStringParameters: hasQuery ? single(query) : null,
    multiValueQueryStringParameters: hasQuery ? query : null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: !text,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: {},
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      path: `/local${request.path}`,
      stage: 'local',
      requestId: request.requestId,
      requestTimeEpoch: request.receivedAt.getTime(),
      resourceId: 'local',
      resourcePath: request.path,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: device.apiKey,
        apiKeyId: device.apiKeyId,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: request.headers['user-agent']?.at(-1) ?? null,
        userArn: null,
      },
    },
  };
}
