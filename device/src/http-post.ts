import { type IncomingHttpHeaders, type RequestOptions, request as httpRequest } from 'node:http';

/** An HTTP response as the delivery code reads it: status, headers and the body text. */
export interface PostResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

// Ingest's response bodies are a few hundred bytes. A longer one is cut, since only its start
// is logged.
const MAX_BODY_BYTES = 64 * 1024;

/**
 * POSTs a JSON text with node:http or node:https. The collector avoids the global `fetch`
 * because loading undici costs about 100 ms and 40 MB of RSS per run (measured with Node 20.20
 * by `bench/collector.ts`), more than the rest of a run together. Idle keep-alive sockets are
 * unreferenced by Node's agent, so they never hold the process open.
 * @throws Error with `name` `AbortError` when `signal` aborts, or the socket error otherwise.
 */
export function postJson(
  url: string,
  body: string,
  options: { headers: Record<string, string>; signal: AbortSignal },
): Promise<PostResponse> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? loadHttps().request : httpRequest;
  const requestOptions: RequestOptions = {
    method: 'POST',
    headers: { ...options.headers, 'content-length': String(Buffer.byteLength(body)) },
    signal: options.signal,
  };

  return new Promise((resolve, reject) => {
    const outgoing = request(target, requestOptions, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size >= MAX_BODY_BYTES) return;
        chunks.push(chunk);
        size += chunk.length;
      });
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

// Loaded on demand, so a plain-http endpoint (the local stack) never loads TLS.
function loadHttps(): typeof import('node:https') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
  return require('node:https') as typeof import('node:https');
}
