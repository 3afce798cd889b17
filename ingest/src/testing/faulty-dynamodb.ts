import { type IncomingMessage, type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A failure the proxy injects into the next matching requests. */
export type Fault =
  /**
   * Returns 400 ProvisionedThroughputExceededException, as DynamoDB does when throttling, after
   * letting the first `after` matching requests through.
   */
  | { kind: 'throttle'; operation: string; times: number; after?: number }
  /**
   * Forwards only the first half of a BatchGetItem's keys (at least one is held back) and returns
   * the rest as UnprocessedKeys, as DynamoDB does when a partition is busy. With a single key,
   * nothing is forwarded and the response contains no items.
   */
  | { kind: 'unprocessed'; operation: 'BatchGetItem'; times: number };

export interface FaultyDynamo {
  endpoint: string;
  /** Adds a fault; faults apply in the order added. */
  inject(fault: Fault): void;
  /** Drops every fault not yet used up. */
  clear(): void;
  /** Requests seen so far, by operation (`PutItem`, `Query`, ...), faulted ones included. */
  counts: Record<string, number>;
  /** Requests that got an injected fault, by operation. */
  faulted: Record<string, number>;
  /**
   * Capacity units dynalite reported, when started with `measureCapacity`. Failed conditional
   * writes are not included: dynalite reports no capacity for them, DynamoDB charges 1 WCU.
   */
  capacity: { read: number; write: number };
  close(): Promise<void>;
}

/**
 * Starts a DynamoDB endpoint on 127.0.0.1 that forwards every request to `target` (dynalite) and
 * injects throttling and unprocessed keys on request, so tests run the real SDK client against
 * DynamoDB's real failure answers.
 */
export async function startFaultyDynamo(
  target: string,
  options: { measureCapacity?: boolean } = {},
): Promise<FaultyDynamo> {
  const capacity = { read: 0, write: 0 };
  const faults: Fault[] = [];
  const counts: Record<string, number> = {};
  const faulted: Record<string, number> = {};
  const targetUrl = new URL(target);

  const server: Server = createServer(async (incoming, outgoing) => {
    const body = await readBody(incoming);
    const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    counts[operation] = (counts[operation] ?? 0) + 1;
    let fault = faults.find((candidate) => candidate.operation === operation && candidate.times > 0);
    // `after` lets that many matching requests through before the fault starts.
    if (fault?.kind === 'throttle' && (fault.after ?? 0) > 0) {
      fault.after! -= 1;
      fault = undefined;
    }
    if (fault) {
      fault.times--;
      faulted[operation] = (faulted[operation] ?? 0) + 1;
    }

    if (fault?.kind === 'throttle') {
      outgoing.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      outgoing.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          message: 'The level of configured provisioned throughput for the table was exceeded.',
        }),
      );
      return;
    }

    let forwardBody = options.measureCapacity ? withCapacityRequested(body) : body;
    let heldBack: Record<string, { Keys: unknown[] }> | undefined;
    if (fault?.kind === 'unprocessed') {
      const parsed = JSON.parse(forwardBody) as { RequestItems: Record<string, { Keys: unknown[] }> };
      heldBack = {};
      for (const [table, entry] of Object.entries(parsed.RequestItems)) {
        const keep = Math.floor(entry.Keys.length / 2);
        heldBack[table] = { ...entry, Keys: entry.Keys.slice(keep) };
        entry.Keys = entry.Keys.slice(0, keep);
      }
      forwardBody = JSON.stringify(parsed);
    }

    const nothingLeft =
      heldBack !== undefined && !forwardBody.includes('"Keys":[{');
    const answer = nothingLeft
      ? { status: 200, contentType: 'application/x-amz-json-1.0', body: '{"Responses":{}}' }
      : await forward(targetUrl, incoming, forwardBody, forwardBody !== body);
    if (options.measureCapacity) addCapacity(capacity, operation, answer.body);
    if (heldBack) {
      const parsed = JSON.parse(answer.body) as Record<string, unknown>;
      parsed.UnprocessedKeys = heldBack;
      answer.body = JSON.stringify(parsed);
    }
    outgoing.writeHead(answer.status, {
      'content-type': answer.contentType,
      'content-length': Buffer.byteLength(answer.body),
    });
    outgoing.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    inject: (fault) => faults.push({ ...fault }),
    clear: () => faults.splice(0),
    counts,
    faulted,
    capacity,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function withCapacityRequested(body: string): string {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  return JSON.stringify({ ...parsed, ReturnConsumedCapacity: 'TOTAL' });
}

const READ_OPERATIONS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);

function addCapacity(total: { read: number; write: number }, operation: string, body: string) {
  const { ConsumedCapacity } = JSON.parse(body) as { ConsumedCapacity?: unknown };
  const entries = (Array.isArray(ConsumedCapacity) ? ConsumedCapacity : [ConsumedCapacity]) as
    | { CapacityUnits?: number }[]
    | undefined[];
  const units = entries.reduce((sum: number, entry) => sum + (entry?.CapacityUnits ?? 0), 0);
  if (READ_OPERATIONS.has(operation)) total.read += units;
  else total.write += units;
}

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', reject);
  });
}

function forward(target: URL, incoming: IncomingMessage, body: string, rewritten: boolean) {
  return new Promise<{ status: number; contentType: string; body: string }>((resolve, reject) => {
    const headers: Record<string, string | string[] | undefined> = { ...incoming.headers, host: target.host };
    if (rewritten) {
      headers['content-length'] = String(Buffer.byteLength(body));
      delete headers['x-amz-crc32'];
    }
    const proxied = request(
      { host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers },
      (response) => {
        readBody(response).then(
          (text) =>
            resolve({
              status: response.statusCode ?? 500,
              contentType: String(response.headers['content-type'] ?? 'application/x-amz-json-1.0'),
              body: text,
            }),
          reject,
        );
      },
    );
    proxied.on('error', reject);
    proxied.end(body);
  });
}
