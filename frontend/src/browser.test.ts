import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { createLogger, readingSchema } from '../../core/src/index';
import { startTestStore } from '../../core/src/testing/dynalite';
import { createApp } from './app';
import { launchChromium } from './testing/chromium';

// Drives the dashboard in headless Chromium against the app on a loopback port. The page's
// clock is fixed to NOW, like the app's, so the ranges the page requests are known exactly.
const NOW = new Date('2026-01-31T12:00:00.000Z');
const HOSTILE_ROOM = '<img src=x onerror="window.xss=1">';

let harness: Awaited<ReturnType<typeof startTestStore>>;
let server: ServerType;
let baseUrl: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  harness = await startTestStore();
  // Every 15 minutes for 7 days, the newest at 11:55: 672 readings, 96 of them in the last 24 h.
  const living = Array.from({ length: 672 }, (_, index) =>
    readingSchema.parse({
      deviceId: 'pi-living',
      sensorId: 'dht22',
      room: 'Living room',
      takenAt: new Date(NOW.getTime() - (5 + index * 15) * 60_000).toISOString(),
      temperature: 21 + Math.sin(index / 12),
      humidity: 45 + 5 * Math.cos(index / 30),
    }),
  );
  for (let start = 0; start < living.length; start += 100) {
    await harness.store.putReadings(living.slice(start, start + 100));
  }
  await harness.store.putReadings([
    readingSchema.parse({
      deviceId: 'pi-attic',
      sensorId: 'dht11',
      room: HOSTILE_ROOM,
      takenAt: '2026-01-31T09:00:00.000Z',
      temperature: 30,
      humidity: 35,
    }),
  ]);

  const silent = createLogger({ service: 'frontend', level: 'silent' });
  const app = createApp({ store: harness.store, logger: silent, now: () => NOW });
  server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    );
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.clock.setFixedTime(NOW);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await harness?.dynamo.close();
});

// Counts the canvas pixels in the chart's series colour; axes and grid are grey.
function countSeriesPixels(chart: string, colour: [number, number, number]) {
  return page.evaluate(
    ([selector, [red, green, blue]]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`${selector} canvas`);
      if (!canvas) return -1;
      const context = canvas.getContext('2d');
      if (!context) return -1;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let index = 0; index < data.length; index += 4) {
        const distance =
          Math.abs((data[index] ?? 0) - red) +
          Math.abs((data[index + 1] ?? 0) - green) +
          Math.abs((data[index + 2] ?? 0) - blue);
        if ((data[index + 3] ?? 0) > 200 && distance < 60) count++;
      }
      return count;
    },
    [`[data-chart="${chart}"]`, colour] as const,
  );
}

describe('dashboard in Chromium', () => {
  it('shows a card per sensor', async () => {
    await page.goto(`${baseUrl}/`);

    const rooms = await page.locator('.card .room').allTextContents();
    expect(rooms).toEqual([HOSTILE_ROOM, 'Living room']);
    expect(await page.locator('.card .temperature').allTextContents()).toEqual([
      '30.0°C',
      '21.0°C',
    ]);
    expect(await page.locator('.card .last-seen time').allTextContents()).toEqual([
      '3 h ago',
      '5 min ago',
    ]);
  });

  it('shows a hostile room name as text', async () => {
    await page.goto(`${baseUrl}/`);

    expect(await page.locator('.card img').count()).toBe(0);
    expect(await page.evaluate(() => 'xss' in window)).toBe(false);
  });

  it('makes the stale card stand out', async () => {
    await page.goto(`${baseUrl}/`);

    const stale = page.locator('.card.stale');
    expect(await stale.count()).toBe(1);
    expect(await stale.locator('.badge').textContent()).toBe('stale');
    expect(await stale.getAttribute('href')).toBe('/sensors/pi-attic/dht11');
  });

  it('draws 24 h charts', async () => {
    await page.goto(`${baseUrl}/sensors/pi-living/dht22`);
    await page.locator('[data-chart="humidity"][data-point-count]').waitFor();

    expect(await page.locator('.chart-status').textContent()).toBe('96 readings in the last 24 h.');
    expect(await page.getAttribute('[data-chart="temperature"]', 'data-point-count')).toBe('96');
    expect(await page.getAttribute('[data-chart="humidity"]', 'data-point-count')).toBe('96');
    expect(await countSeriesPixels('temperature', [220, 90, 40])).toBeGreaterThan(500);
    expect(await countSeriesPixels('humidity', [31, 127, 196])).toBeGreaterThan(500);
  });

  it('switches to 7 d downsampled', async () => {
    await page.goto(`${baseUrl}/sensors/pi-living/dht22`);
    await page.locator('[data-chart="temperature"][data-range="24h"]').waitFor();

    await page.click('a[data-range="7d"]');
    await page.locator('[data-chart="humidity"][data-range="7d"]').waitFor();

    expect(page.url()).toBe(`${baseUrl}/sensors/pi-living/dht22?range=7d`);
    expect(await page.getAttribute('a[data-range="7d"]', 'aria-current')).toBe('true');
    expect(await page.getAttribute('a[data-range="24h"]', 'aria-current')).toBeNull();
    expect(await page.locator('.chart-status').textContent()).toBe(
      '672 readings in the last 7 d, shown as the min, mean and max of every 20 min.',
    );
    expect(await page.getAttribute('[data-chart="temperature"]', 'data-point-count')).toBe('504');
    expect(await page.getAttribute('[data-chart="temperature"]', 'data-bucket-seconds')).toBe(
      '1200',
    );
    expect(await countSeriesPixels('temperature', [220, 90, 40])).toBeGreaterThan(500);
  });

  it('goes back to 24 h with the back button', async () => {
    await page.goBack();
    await page.locator('[data-chart="temperature"][data-range="24h"]').waitFor();

    expect(await page.getAttribute('[data-chart="temperature"]', 'data-point-count')).toBe('96');
    expect(await page.getAttribute('a[data-range="24h"]', 'aria-current')).toBe('true');
  });

  it('refreshes the charts every minute', async () => {
    const refreshPage = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await refreshPage.clock.install({ time: new Date(NOW.getTime() - 60_000) });
    await refreshPage.clock.pauseAt(NOW);
    await refreshPage.goto(`${baseUrl}/sensors/pi-living/dht22`);
    const chart = refreshPage.locator('[data-chart="temperature"]');
    await refreshPage
      .locator('[data-chart="temperature"][data-to="2026-01-31T12:00:00.000Z"]')
      .waitFor();
    await chart.locator('canvas').evaluate((canvas) => canvas.setAttribute('data-marker', 'first'));

    await refreshPage.clock.runFor(60_000);
    await refreshPage
      .locator('[data-chart="temperature"][data-to="2026-01-31T12:01:00.000Z"]')
      .waitFor();

    expect(await chart.getAttribute('data-point-count')).toBe('96');
    // The same canvas: the chart was updated in place, not rebuilt.
    expect(await chart.locator('canvas').getAttribute('data-marker')).toBe('first');
    await refreshPage.close();
  });

  it('logs no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('long ids in Chromium', () => {
  // The longest ids the contract allows: 63 characters without a break opportunity.
  const LONG_DEVICE = `pi-${'d'.repeat(60)}`;
  const LONG_SENSOR = `dht22-${'s'.repeat(57)}`;

  beforeAll(async () => {
    await harness.store.putReadings([
      readingSchema.parse({
        deviceId: LONG_DEVICE,
        sensorId: LONG_SENSOR,
        room: 'Long ids',
        takenAt: '2026-01-31T11:55:00.000Z',
        temperature: 19,
        humidity: 50,
      }),
    ]);
  });

  it('wraps them inside their card', async () => {
    await page.goto(`${baseUrl}/`);

    const boxes = await page.locator('.card').evaluateAll((cards) =>
      cards.map((card) => {
        const source = card.querySelector('.source')!;
        const cardBox = card.getBoundingClientRect();
        const sourceBox = source.getBoundingClientRect();
        return {
          sourceId: source.textContent,
          sourceInside: sourceBox.left >= cardBox.left && sourceBox.right <= cardBox.right,
          sourceScrolls: source.scrollWidth > source.clientWidth,
          left: cardBox.left,
          right: cardBox.right,
        };
      }),
    );

    expect(boxes.map((box) => box.sourceId)).toContain(`${LONG_DEVICE} / ${LONG_SENSOR}`);
    for (const box of boxes) {
      expect(box.sourceInside).toBe(true);
      expect(box.sourceScrolls).toBe(false);
    }
    // Cards of one row stay side by side: each ends before the next one starts.
    const lefts = boxes.map((box) => box.left).sort((a, b) => a - b);
    const rights = boxes.map((box) => box.right).sort((a, b) => a - b);
    for (let index = 1; index < boxes.length; index++) {
      expect(rights[index - 1]).toBeLessThanOrEqual(lefts[index]!);
    }
  });
});
