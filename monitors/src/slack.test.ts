import { IncomingWebhook, IncomingWebhookHTTPError } from '@slack/webhook';
import { renderSlackResult } from './renderer';
import { postToSlack, serializeSlackMessages, toSlackFailure } from './slack';
import { FakeSlack } from './testing/fake-slack';

describe('serializeSlackMessages', () => {
  it('groups many texts into few posts', () => {
    const texts = Array.from({ length: 100 }, (_, index) => `change ${index} `.padEnd(100, 'x'));

    const payloads = serializeSlackMessages(texts);

    expect(payloads).toHaveLength(3);
    expect(payloads.every((payload) => payload.text.length <= 3900)).toBe(true);
    expect(payloads[0]!.text.startsWith('change 0 x')).toBe(true);
  });

  it('escapes Slack control characters', () => {
    const payloads = serializeSlackMessages(['• create monitor: [home] <!channel> & Kids is too hot']);

    expect(payloads).toEqual([
      { text: '• create monitor: [home] &lt;!channel&gt; &amp; Kids is too hot' },
    ]);
  });

  it('drops empty texts', () => {
    expect(serializeSlackMessages(['', '  '])).toEqual([]);
  });
});

describe('postToSlack', () => {
  let slack: FakeSlack;
  let url: string;

  beforeEach(async () => {
    slack = new FakeSlack(2);
    url = await slack.start();
  });

  afterEach(async () => {
    await slack.stop();
  });

  it('posts text without a channel', async () => {
    const result = await postToSlack(`${url}/services/T1/B1/secret`, ['Applied 2 changes']);

    expect(result).toEqual({ sent: 1, failures: [] });
    expect(slack.received).toEqual([{ text: 'Applied 2 changes' }]);
  });

  it('reports a revoked webhook with no_service', async () => {
    const result = await postToSlack(`${url}/services/T1/B1/revoked`, ['hello']);

    expect(result).toEqual({ sent: 0, failures: [{ status: 404, reason: 'no_service' }] });
  });

  it('reports 429 with Retry-After', async () => {
    const result = await postToSlack(`${url}/services/T1/B1/secret`, ['a'.repeat(3000), 'b'.repeat(3000), 'c'.repeat(3000)]);

    expect(result).toEqual({ sent: 2, failures: [{ status: 429, reason: 'rate_limited', retryAfterSeconds: 30 }] });
  });

  it('sends nothing for empty texts', async () => {
    const result = await postToSlack(`${url}/services/T1/B1/secret`, ['']);

    expect(result).toEqual({ sent: 0, failures: [] });
    expect(slack.received).toEqual([]);
  });
});

// Payloads our serializer never builds, sent with the real @slack/webhook to show that the fake
// rejects what Slack rejects, with Slack's status and reason in the client's error.
describe('fake Slack webhook rules', () => {
  let slack: FakeSlack;
  let url: string;

  beforeEach(async () => {
    slack = new FakeSlack();
    url = `${await slack.start()}/services/T1/B1/secret`;
  });

  afterEach(async () => {
    await slack.stop();
  });

  async function sendRejected(payload: Parameters<IncomingWebhook['send']>[0], options: ConstructorParameters<typeof IncomingWebhook>[1] = {}) {
    const error = await new IncomingWebhook(url, options).send(payload).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IncomingWebhookHTTPError);
    return error as IncomingWebhookHTTPError;
  }

  it('rejects an empty text with no_text', async () => {
    const error = await sendRejected({ text: '   ' });

    expect(error.statusCode).toBe(400);
    expect(error.body).toBe('no_text');
    expect(slack.received).toEqual([]);
  });

  it('rejects a channel override with channel_not_found', async () => {
    const error = await sendRejected({ text: 'hello', channel: '#general' });

    expect(error.statusCode).toBe(404);
    expect(error.body).toBe('channel_not_found');
  });

  it('rejects a body that is not JSON with invalid_payload', async () => {
    const formFetch: typeof fetch = (input, init) =>
      fetch(input, { ...init, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'payload=hello' });

    const error = await sendRejected({ text: 'hello' }, { fetch: formFetch });

    expect(error.statusCode).toBe(400);
    expect(error.body).toBe('invalid_payload');
  });

  it('reports each rule with its reason', async () => {
    const formFetch: typeof fetch = (input, init) =>
      fetch(input, { ...init, headers: { 'content-type': 'text/plain' }, body: 'hello' });
    const errors = [
      await sendRejected({ text: '' }),
      await sendRejected({ text: 'hello', channel: 'general' }),
      await sendRejected({ text: 'hello' }, { fetch: formFetch }),
    ];

    const text = renderSlackResult({ sent: 0, failures: errors.map((error) => toSlackFailure(error)) });

    expect(text.split('\n')).toEqual([
      'Slack: 0 message(s) sent, 3 failed:',
      '  HTTP 400 no_text',
      '  HTTP 404 channel_not_found',
      '  HTTP 400 invalid_payload',
    ]);
  });
});
