// Times the local stack from a cold start (in memory, four days of backfill) until every
// simulated sensor's last four days are in DynamoDB, as a user of `npm start` waits for it.
import '../local/src/datadog-env';
import path from 'node:path';
import { startLocalStack } from '../local/src/stack';

const DAY_MS = 86_400_000;
const BACKFILL_DAYS = 4;

async function readingCount(dashboardUrl: string, deviceId: string, sensorId: string) {
  const from = new Date(Date.now() - BACKFILL_DAYS * DAY_MS - 60_000).toISOString();
  const response = await fetch(
    `${dashboardUrl}/api/sensors/${deviceId}/${sensorId}/readings?from=${from}&maxPoints=2`,
  );
  if (response.status !== 200) return 0;

  return ((await response.json()) as { readingCount: number }).readingCount;
}

async function main() {
  // datadog-lambda-js writes one metric line per reading to stdout: keep the figures readable.
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const started = performance.now();
  const stack = await startLocalStack({
    host: '127.0.0.1',
    dashboardPort: 0,
    apiPort: 0,
    recordingPath: path.resolve(__dirname, '../data/dht11-indoor-2019-09.csv'),
    backfillDays: BACKFILL_DAYS,
    intervalMs: 10_000,
    logLevel: 'silent',
  });
  const ready = performance.now();
  const sensors = [
    ['pi-living', 'living-dht11'],
    ['pi-bedroom', 'bedroom-dht11'],
    ['pi-attic', 'attic-dht11'],
  ] as const;
  // One reading per 5 minutes for four days, less at most the two physically impossible rows
  // of the recording, which the read policy rejects.
  const expected = (BACKFILL_DAYS * DAY_MS) / 300_000 - 2;
  let counts: number[] = [];
  while (counts.length === 0 || counts.some((count) => count < expected)) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    counts = await Promise.all(sensors.map(([device, sensor]) => readingCount(stack.dashboardUrl, device, sensor)));
  }
  const backfilled = performance.now();
  await stack.stop();

  process.stderr.write(
    [
      `local stack started (dynalite, ingest, frontend, collectors): ${Math.round(ready - started)} ms`,
      `${BACKFILL_DAYS} days backfilled for 3 sensors (${counts.join(', ')} readings): ${((backfilled - started) / 1000).toFixed(1)} s after start`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
