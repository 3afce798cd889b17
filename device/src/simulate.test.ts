import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reading } from '../../core/src/index';
import { createLogger, readingId } from '../../core/src/index';
import { loadRecording } from './drivers/recording';
import { type SimulatedCollectorOptions, backfillOnce, simulatedConfig, startSimulatedCollector } from './simulate';
import { startFakeIngest } from './testing/fake-ingest';

const CSV = join(__dirname, '../../data/dht11-indoor-2019-09.csv');
const END_MS = Date.parse('2026-03-01T12:00:00.000Z');

function setUp() {
  const stateDir = mkdtempSync(join(tmpdir(), 'hometemp-simulate-'));
  const options: SimulatedCollectorOptions = {
    deviceId: 'pi-sim',
    apiKey: 'test-key',
    endpoint: 'http://127.0.0.1:9/',
    sensors: [{ sensorId: 'lounge', room: 'Lounge', csvPath: CSV, startOffset: 0 }],
    stateDir,
    backfillDays: 1,
    intervalMs: 60_000,
    logger: createLogger({ service: 'device', level: 'error', destination: { write: () => undefined } }),
  };
  const recordings = new Map([[CSV, loadRecording(CSV)]]);

  return { stateDir, options, config: simulatedConfig(options), recordings };
}

const spooled = (stateDir: string): Reading[] =>
  readFileSync(join(stateDir, 'spool.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Reading);

describe('backfillOnce', () => {
  it('ends the backfill at the given time', () => {
    const { stateDir, options, config, recordings } = setUp();

    const count = backfillOnce(options, config, recordings, END_MS);
    const readings = spooled(stateDir);

    expect(count).toBe(289);
    expect(readings[0]?.takenAt).toBe('2026-02-28T12:00:00.000Z');
    expect(readings.at(-1)?.takenAt).toBe('2026-03-01T12:00:00.000Z');
  });

  it('spools the same readings again after a crash', () => {
    const { stateDir, options, config, recordings } = setUp();
    backfillOnce(options, config, recordings, END_MS);
    // A start killed after spooling but before the done marker was written.
    rmSync(join(stateDir, 'backfilled.json'));

    const count = backfillOnce(options, config, recordings, END_MS + 4_000);
    const readings = spooled(stateDir);
    const ids = new Set(readings.map((reading) => readingId(reading)));

    expect(count).toBe(289);
    expect(readings).toHaveLength(578);
    expect(ids.size).toBe(289);
    expect(readings.at(-1)?.takenAt).toBe('2026-03-01T12:00:00.000Z');
  });

  it('skips a finished backfill', () => {
    const { stateDir, options, config, recordings } = setUp();
    backfillOnce(options, config, recordings, END_MS);

    const count = backfillOnce(options, config, recordings, END_MS + 60_000);

    expect(count).toBeUndefined();
    expect(spooled(stateDir)).toHaveLength(289);
  });
});

describe('startSimulatedCollector', () => {
  it('aborts the run in progress on stop', async () => {
    const ingest = await startFakeIngest();
    const { stateDir, options } = setUp();
    const logs: Array<Record<string, unknown>> = [];
    const logger = createLogger({
      service: 'device', level: 'info', destination: { write: (line: string) => logs.push(JSON.parse(line)) },
    });
    // Ingest never responds, so without the abort the run waits 5 s per try for 3 tries.
    ingest.script.push('stall', 'stall', 'stall');
    const collector = await startSimulatedCollector({ ...options, endpoint: ingest.endpoint, logger });
    while (ingest.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));

    await collector.stop();
    await ingest.close();

    const finished = logs.find((line) => line.message === 'run finished');
    expect(finished?.exit_code).toBe(6);
    expect(finished?.spool_depth).toBe(290);
    expect(spooled(stateDir)).toHaveLength(290);
  });
});
