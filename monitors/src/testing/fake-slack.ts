import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local Slack incoming webhook on 127.0.0.1 that enforces Slack's rules. A body that is not
 * JSON gets 400 `invalid_payload`, one without a non-empty `text` or `blocks` gets 400
 * `no_text`, and a channel override gets 404 `channel_not_found`, as on an app webhook. A revoked
 * URL gets 404 `no_service`, and posts past `rateLimit` get 429 with Retry-After. Success is 200
 * with the body `ok`.
 */
export class FakeSlack {
  readonly received: Record<string, unknown>[] = [];
  private server: Server | undefined;
  private posts = 0;

  constructor(private readonly rateLimit = Infinity) {}

  async start(): Promise<string> {
    this.server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const [status, body, headers] = this.answer(request.url ?? '', request.headers['content-type'], Buffer.concat(chunks).toString('utf8'));
      response.writeHead(status, { 'content-type': 'text/html', ...headers });
      response.end(body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private answer(path: string, contentType: string | undefined, text: string): [number, string, Record<string, string>?] {
    if (path.endsWith('/revoked')) return [404, 'no_service'];
    this.posts += 1;
    if (this.posts > this.rateLimit) return [429, 'rate_limited', { 'retry-after': '30' }];
    if (!contentType?.startsWith('application/json')) return [400, 'invalid_payload'];
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return [400, 'invalid_payload'];
    }
    if (payload.channel !== undefined) return [404, 'channel_not_found'];
    const hasText = typeof payload.text === 'string' && payload.text.trim() !== '';
    if (!hasText && !Array.isArray(payload.blocks)) return [400, 'no_text'];
    this.received.push(payload);
    return [200, 'ok'];
  }
}
