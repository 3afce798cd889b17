import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Logger } from '../../core/src/index';
import type { LocalDevice } from './devices';
import { toProxyEvent } from './proxy-event';

export type ProxyHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

// API Gateway's own payload limit; ingest applies its smaller limit itself.
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface ApiGateway {
  server: Server;
  /** Resolves once no request is being handled, so DynamoDB can be stopped after it. */
  idle(): Promise<void>;
}

/**
 * Creates a local stand-in for the REST API in front of ingest: it checks `x-api-key` against
 * the devices list as a usage plan does (403 `Forbidden` otherwise), builds the proxy event and
 * returns what the handler returns. Every path is forwarded, as with a `{proxy+}` resource.
 */
export function createApiGateway(options: {
  devices: LocalDevice[];
  handler: ProxyHandler;
  logger: Logger;
}): ApiGateway {
  const byKey = new Map(options.devices.map((device) => [device.apiKey, device]));
  const inFlight = new Set<Promise<void>>();

  const server = createServer((request, response) => {
    const handled = handle(request, response)
      .catch((error: unknown) => {
        options.logger.error({ error }, 'local API gateway failed to respond to a request');
        if (!response.headersSent) send(response, 500, { message: 'Internal server error' });
      })
      .finally(() => inFlight.delete(handled));
    inFlight.add(handled);
  });

  return {
    server,
    idle: async () => {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  };

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const device = byKey.get(String(request.headers['x-api-key'] ?? ''));
    if (!device) {
      request.resume();
      send(response, 403, { message: 'Forbidden' });
      return;
    }
    const body = await readBody(request);
    if (body === undefined) {
      send(response, 413, { message: 'Request Too Long' });
      return;
    }

    const url = new URL(request.url ?? '/', 'http://localhost');
    const requestId = randomUUID();
    const event = toProxyEvent(
      {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: collectHeaders(request),
        body,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        requestId,
        receivedAt: new Date(),
      },
      device,
    );
    let result: APIGatewayProxyResult;
    try {
      result = await options.handler(event, lambdaContext(requestId));
    } catch (error) {
      // API Gateway's response when the integration throws.
      options.logger.error({ error, request_id: requestId }, 'ingest handler threw');
      send(response, 502, { message: 'Internal server error' });
      return;
    }

    const payload = result.isBase64Encoded
      ? Buffer.from(result.body, 'base64')
      : Buffer.from(result.body ?? '');
    response.writeHead(result.statusCode, {
      ...stringHeaders(result.headers),
      'x-amzn-requestid': requestId,
    });
    response.end(payload);
  }
}

function collectHeaders(request: IncomingMessage): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index]!;
    (headers[name] ??= []).push(request.rawHeaders[index + 1]!);
  }
  return headers;
}

/** Reads the body, or returns undefined once it passes API Gateway's limit. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) {
      request.resume();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function stringHeaders(headers: APIGatewayProxyResult['headers']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]),
  );
}

function send(response: ServerResponse, status: number, body: object) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

// The slice of the Lambda context ingest and datadog-lambda-js read.
function lambdaContext(requestId: string): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'hometemp-ingest-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:hometemp-ingest-local',
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/hometemp-ingest-local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
