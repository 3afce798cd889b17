import { IncomingWebhook, IncomingWebhookHTTPError } from '@slack/webhook';

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
 * Builds the payloads for a set of texts: empty texts are dropped, and texts are grouped into as
 * few posts as fit `MAX_TEXT_LENGTH`, so fifty changes make one message, not fifty. A single
 * text longer than the limit is cut with a note.
 */
export function serializeSlackMessages(texts: string[]): SlackPayload[] {
  const payloads: SlackPayload[] = [];
  let current = '';
  for (const raw of texts.map((text) => text.trim()).filter((text) => text !== '')) {
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

/** Converts a failed `send` into Slack's status and reason, such as 404 `channel_not_found`. */
export function toSlackFailure(error: unknown, retryAfter: string | null = null): SlackFailure {
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
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    retryAfter = response.headers.get('retry-after');
    return response;
  };
  const webhook = new IncomingWebhook(webhookUrl, { fetch: recordingFetch, timeout: 10_000 });
  const result: SlackResult = { sent: 0, failures: [] };
  for (const payload of serializeSlackMessages(texts)) {
    try {
      await webhook.send(payload);
      result.sent += 1;
    } catch (error) {
      result.failures.push(toSlackFailure(error, retryAfter));
    }
  }

  return result;
}
