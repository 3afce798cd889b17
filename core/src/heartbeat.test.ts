import { describeIssues } from './reading';
import { heartbeatSchema } from './heartbeat';

const heartbeat = {
  deviceId: 'pi-hall',
  runId: 'run-1',
  startedAt: '2026-01-31T08:15:00Z',
  finishedAt: '2026-01-31T08:15:04Z',
  outcome: 'partial',
  collectorVersion: '0.1.0',
  sensors: [],
  spool: { depth: 3, dropped: 0 },
};

describe('heartbeatSchema delivery', () => {
  it('accepts a heartbeat without delivery', () => {
    expect(heartbeatSchema.safeParse(heartbeat).success).toBe(true);
  });

  it('keeps the delivery counts', () => {
    const parsed = heartbeatSchema.parse({ ...heartbeat, delivery: { sent: 97, rejectedByServer: 3 } });

    expect(parsed.delivery).toEqual({ sent: 97, rejectedByServer: 3 });
  });

  it('rejects a negative or unknown count', () => {
    const parsed = heartbeatSchema.safeParse({ ...heartbeat, delivery: { sent: -1, rejectedByServer: 0, late: 2 } });

    expect(parsed.success).toBe(false);
    expect(describeIssues(parsed.error!)).toEqual([
      { path: 'delivery.sent', message: 'Too small: expected number to be >=0' },
      { path: 'delivery', message: 'Unrecognized key: "late"' },
    ]);
  });
});
