import { postJson } from '../http-post';
import { type FakeIngest, startFakeIngest } from './fake-ingest';

let ingest: FakeIngest;
beforeAll(async () => {
  ingest = await startFakeIngest();
});
afterAll(async () => {
  await ingest.close();
});

const headers = { 'content-type': 'application/json', 'x-api-key': 'test-key' };
const post = async (path: string, body: unknown) => {
  const response = await postJson(`${ingest.endpoint}${path}`, JSON.stringify(body), {
    headers, signal: new AbortController().signal,
  });
  return { status: response.status, body: JSON.parse(response.body) as unknown };
};
const reading = (takenAt: string, temperature: number) => ({
  deviceId: 'pi-fake', sensorId: 'hall', room: 'Hall', takenAt, temperature, humidity: 50,
});

describe('fake ingest', () => {
  it('answers readings with late and conflicts', async () => {
    const recent = new Date(Date.now() - 60_000).toISOString();
    await post('/readings', { readings: [reading('2026-01-01T00:00:00.000Z', 20)] });

    const response = await post('/readings', {
      readings: [reading('2026-01-01T00:00:00.000Z', 21), reading('2026-01-02T00:00:00.000Z', 20), reading(recent, 20)],
    });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      stored: 2,
      duplicates: 1,
      rejected: [],
      late: 1,
      conflicts: ['26b4e736719c935317897eb2'],
    });
  });

  it('answers heartbeats with latest and repeated', async () => {
    const heartbeat = (runId: string, finishedAt: string) => ({
      deviceId: 'pi-fake', runId, startedAt: finishedAt, finishedAt, outcome: 'ok',
      collectorVersion: '0.1.0', sensors: [], spool: { depth: 0, dropped: 0 },
    });

    const first = await post('/heartbeats', heartbeat('run-2', '2026-01-02T00:00:00.000Z'));
    const repeat = await post('/heartbeats', heartbeat('run-2', '2026-01-02T00:00:00.000Z'));
    const older = await post('/heartbeats', heartbeat('run-1', '2026-01-01T00:00:00.000Z'));

    expect(first).toEqual({ status: 200, body: { accepted: true, latest: true, repeated: false } });
    expect(repeat).toEqual({ status: 200, body: { accepted: true, latest: true, repeated: true } });
    expect(older).toEqual({ status: 200, body: { accepted: true, latest: false, repeated: false } });
  });
});
