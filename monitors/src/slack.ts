import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';

/** Slack's response to one post that failed. */
export interface SlackFailure {
  status?: number;
  /** Slack's error string, such as `invalid_payload`, `no_service` or `rate_limited`. */
  reason: string;
  retryAfterSeconds?: number;
}

export interface SlackResult {
  sent: number;
  failures: SlackFailure[];
}

/** The one shape hometemp posts: a non-empty `text`, and never a `channel` override. */
export interface SlackPayload {
  text: string;
}

// Slack advises keeping `text` under 4,000 characters; longer messages are truncated.
export const MAX_TEXT_LENGTH = 3_900;

/**
 * Builds the payloads for a set of texts: empty texts are dropped, `&`, `<` and `>` are escaped
 * as Slack requires (so a name such as `<!channel>` cannot notify anyone), and texts are grouped
 * into as few posts as fit `MAX_TEXT_LENGTH`, so fifty changes make one message, not fifty. A
 * single text longer than the limit is cut with a note.
 */
export function serializeSlackMessages(texts: string[]): SlackPayload[] {
  const payloads: SlackPayload[] = [];
  let current = '';
  for (const raw of texts.map((text) => escapeForSlack(text.trim())).filter((text) => text !== '')) {
    const text = raw.length > MAX_TEXT_LENGTH ? `${raw.slice(0, MAX_TEXT_LENGTH - 20)}\n… (shortened)` : raw;
    if (current !== '' && current.length + 2 + text.length > MAX_TEXT_LENGTH) {
      payloads.push({ text: current });
      current = '';
    }
    current = current === '' ? text : `${current}\n\n${text}`;
  }
  if (current !== '') payloads.push({ text: current });

  return payloads;
}

// Slack's message formatting reads these three as control characters.
function escapeForSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Finds the system error code (ECONNREFUSED, ENOTFOUND) under fetch's "fetch failed". The
// causes are walked as plain objects because fetch's errors may come from another realm (jest).
function networkCause(error: unknown): string {
  let current: unknown = error;
  while (typeof current === 'object' && current !== null) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    current = cause;
  }

  return error instanceof Error ? error.message : String(error);
}

/**
 * Converts a failed `send` into Slack's status and reason, such as 404 `channel_not_found`. A
 * request that got no response names the webhook's host and the network error.
 */
export function toSlackFailure(error: unknown, retryAfter: string | null = null, network?: { host: string; cause: unknown }): SlackFailure {
  if (error instanceof IncomingWebhookRequestError) {
    const host = network?.host ?? 'Slack';
    return { reason: `could not reach ${host} (${networkCause(network?.cause ?? error.original)}); check the network and SLACK_WEBHOOK_URL` };
  }
  if (!(error instanceof IncomingWebhookHTTPError)) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
  const failure: SlackFailure = { status: error.statusCode, reason: error.body || error.statusMessage };
  if (error.statusCode === 429 && retryAfter !== null) failure.retryAfterSeconds = Number(retryAfter);

  return failure;
}

/**
 * Posts the texts to an incoming webhook through `@slack/webhook`. Any response other than 2xx
 * is a failure carrying Slack's reason and, for 429, its Retry-After. Nothing is retried here.
 */
export async function postToSlack(webhookUrl: string, texts: string[]): Promise<SlackResult> {
  let retryAfter: string | null = null;
  // The error @slack/webhook raises can lose fetch's cause (it does under jest), so the cause
  // is recorded here.
  let networkError: unknown;
  const recordingFetch: typeof fetch = async (input, init) => {
    try {
      const response = await fetch(input, init);
      retryAfter = response.headers.get('retry-after');
      return response;
    } catch (error) {
      networkError = error;
      throw error;
    }
  };
  const webhook = new IncomingWebhook(webhookUrl, { fetch: recordingFetch, timeout: 10_000 });
  const result: SlackResult = { sent: 0, failures: [] };
  for (const payload of serializeSlackMessages(texts)) {
    try {
      await webhook.send(payload);
      result.sent += 1;
    } catch (error) {
      result.failures.push(toSlackFailure(error, retryAfter, { host: new URL(webhookUrl).host, cause: networkError }));
    }
  }

  return result;
}
