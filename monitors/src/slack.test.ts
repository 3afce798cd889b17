import { postToSlack, serializeSlackMessages } from './slack';
import { FakeSlack } from './testing/fake-slack';

describe('serializeSlackMessages', () => {
  it('groups many texts into few posts', () => {
    const texts = Array.from({ length: 100 }, (_, index) => `change ${index} `.padEnd(100, 'x'));

    const payloads = serializeSlackMessages(texts);

    expect(payloads).toHaveLength(3);
    expect(payloads.every((payload) => payload.text.length <= 3900)).toBe(true);
    expect(payloads[0]!.text.startsWith('change 0 x')).toBe(true);
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
