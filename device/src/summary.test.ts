import { formatCount, formatSummary } from './summary';

describe('formatSummary', () => {
  it('lists sensors and problems', () => {
    const summary = formatSummary({
      sent: 3,
      rejectedByServer: 0,
      problems: ['delivery stopped: ingest returned HTTP 500 after 4 tries'],
      heartbeat: {
        deviceId: 'pi-test',
        runId: 'run-1',
        startedAt: '2026-06-01T12:00:00.000Z',
        finishedAt: '2026-06-01T12:00:01.000Z',
        outcome: 'partial',
        collectorVersion: '0.1.0',
        sensors: [
          { sensorId: 'kitchen', room: 'Kitchen', status: 'ok', rejections: {} },
          { sensorId: 'garage', room: 'Garage', status: 'read_failed', rejections: { read_error: 5 } },
        ],
        spool: { depth: 2, dropped: 0 },
      },
    });

    expect(summary).toBe(
      'run partial: 3 readings sent, 2 in the spool. Sensors: kitchen ok, garage read_failed\n' +
        '  - delivery stopped: ingest returned HTTP 500 after 4 tries\n',
    );
  });

  it('counts readings rejected by ingest', () => {
    const summary = formatSummary({
      sent: 1,
      rejectedByServer: 2,
      problems: ['ingest rejected 2 readings; moved to /var/lib/hometemp-collector/rejected.jsonl with the reasons'],
      heartbeat: {
        deviceId: 'pi-test',
        runId: 'run-1',
        startedAt: '2026-06-01T12:00:00.000Z',
        finishedAt: '2026-06-01T12:00:01.000Z',
        outcome: 'partial',
        collectorVersion: '0.1.0',
        sensors: [{ sensorId: 'kitchen', room: 'Kitchen', status: 'ok', rejections: {} }],
        spool: { depth: 0, dropped: 0 },
      },
    });

    expect(summary).toBe(
      'run partial: 1 reading sent, 2 rejected by ingest, 0 in the spool. Sensors: kitchen ok\n' +
        '  - ingest rejected 2 readings; moved to /var/lib/hometemp-collector/rejected.jsonl with the reasons\n',
    );
  });
});

describe('formatCount', () => {
  it.each([
    [0, 'spool line', '0 spool lines'],
    [1, 'spool line', '1 spool line'],
    [2, 'spool line', '2 spool lines'],
  ])('formats %d %s as %s', (count, noun, expected) => {
    expect(formatCount(count, noun)).toBe(expected);
  });

  it('takes an irregular plural', () => {
    expect(formatCount(2, 'entry', 'entries')).toBe('2 entries');
  });
});
