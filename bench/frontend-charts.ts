// Measures how fast a 7-day chart of about 2,000 readings is served and drawn.
// Run: npx tsx bench/frontend-charts.ts (starts dynalite and Chromium on loopback only).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Reading, createLogger, readingSchema } from '../core/src/index';
import { startTestStore } from '../core/src/testing/dynalite';
import { downsample } from '../frontend/src/downsample';
import { createApp } from '../frontend/src/index';
import { launchChromium } from '../frontend/src/testing/chromium';

const NOW = new Date('2026-01-31T12:00:00.000Z');
const WEEK_MS = 7 * 24 * 3_600_000;
const RUNS = 20;

function makeReadings(count: number, spacingMs: number): Reading[] {
  return Array.from({ length: count }, (_, index) =>
    readingSchema.parse({
      deviceId: 'pi-bench',
      sensorId: 'dht22',
      room: 'Bench',
      takenAt: new Date(NOW.getTime() - (count - index) * spacingMs).toISOString(),
      temperature: 21 + Math.sin(index / 50),
      humidity: 45 + Math.cos(index / 70),
    }),
  );
}

async function medianMs(runs: number, task: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await task();
    times.push(performance.now() - started);
  }
  times.sort((left, right) => left - right);

  return Math.round((times[Math.floor(runs / 2)] ?? 0) * 100) / 100;
}

async function main() {
  const range = { from: new Date(NOW.getTime() - WEEK_MS), to: NOW };
  const week = makeReadings(2016, 5 * 60_000);
  const dense = makeReadings(100_000, WEEK_MS / 100_000);
  console.log(
    `downsample 2,016 readings to 500 points: ${await medianMs(RUNS, () => downsample(week, range, 500))} ms median`,
  );
  console.log(
    `downsample 100,000 readings to 500 points: ${await medianMs(RUNS, () => downsample(dense, range, 500))} ms median`,
  );

  const harness = await startTestStore();
  for (let start = 0; start < week.length; start += 100) {
    await harness.store.putReadings(week.slice(start, start + 100));
  }
  const silent = createLogger({ service: 'frontend', level: 'silent' });
  const app = createApp({ store: harness.store, logger: silent, now: () => NOW });
  const path = `/api/sensors/pi-bench/dht22/readings?from=${range.from.toISOString()}&to=${NOW.toISOString()}&maxPoints=600`;
  const body = await (await app.request(path)).text();
  const apiMs = await medianMs(RUNS, async () => (await app.request(path)).text());
  console.log(
    `GET 7 d readings (2,016 from dynalite, 600 points max): ${apiMs} ms median, ${body.length} bytes, ${JSON.parse(body).points.length} points`,
  );

  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.clock.setFixedTime(NOW);
  await page.goto(`${baseUrl}/sensors/pi-bench/dht22`);
  await page.locator('[data-chart="humidity"][data-range="24h"]').waitFor();
  const switchMs = await medianMs(10, async () => {
    const target = page.url().endsWith('range=7d') ? '24h' : '7d';
    await page.click(`a[data-range="${target}"]`);
    await page.locator(`[data-chart="humidity"][data-range="${target}"]`).waitFor();
  });
  console.log(
    `switch range in Chromium, request to both charts drawn: ${switchMs} ms median of 10`,
  );

  await browser.close();
  await new Promise((resolve) => server.close(resolve));
  await harness.dynamo.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
