/**
 * Benchmarks ingest: a 100-reading batch through the real handler against dynalite, next to a
 * plain BatchWriteItem of the same items, and the size of the ingest bundle.
 *
 * Run: npx tsx bench/ingest.ts
 */
import '../ingest/src/testing/env';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Plugin, build } from 'esbuild';
import { ReadingStore, createDocumentClient, createLogger, ensureTable, readingSchema } from '../core/src/index';
import { readingToItem } from '../core/src/table';
import { startDynalite } from '../core/src/testing/dynalite';
import { createIngestHandler } from '../ingest/src/handler';
import { startFaultyDynamo } from '../ingest/src/testing/faulty-dynamodb';
import { captureMetricLines, lambdaContext, makeEvent } from '../ingest/src/testing/events';

const ROUNDS = 20;
const BATCH = 100;
const TABLE = 'bench-ingest';

function makeBatch(round: number, sensors: number) {
  // One reading per minute per sensor; rounds are 3 h apart, so no batch repeats another's.
  const start = Date.UTC(2026, 0, 1) + round * 3 * 3_600_000;
  return Array.from({ length: BATCH }, (_, index) => ({
    deviceId: 'pi-bench',
    sensorId: `s${index % sensors}`,
    room: 'Bench',
    takenAt: new Date(start + Math.floor(index / sensors) * 60_000).toISOString(),
    temperature: 20 + (index % 50) / 10,
    humidity: 40 + (index % 30) / 10,
  }));
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;

async function measureHandler(sensors: number) {
  const dynamo = await startDynalite();
  const proxy = await startFaultyDynamo(dynamo.endpoint, { measureCapacity: true });
  const client = createDocumentClient({ endpoint: proxy.endpoint });
  await ensureTable(client, TABLE);
  const handler = createIngestHandler({
    store: new ReadingStore(client, TABLE),
    config: { tableName: TABLE, deviceKeys: { k7x2p9q4r1: 'pi-bench' }, metricMaxAgeSeconds: 86400 * 400 },
    logger: createLogger({ service: 'ingest', level: 'silent' }),
    now: () => new Date('2026-02-01T00:00:00Z'),
  });

  const timings: number[] = [];
  const before = { ...proxy.counts };
  const capacityBefore = { ...proxy.capacity };
  await captureMetricLines(async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const event = makeEvent('v1', { body: JSON.stringify({ readings: makeBatch(round, sensors) }) });
      const started = process.hrtime.bigint();
      const result = await handler(event, lambdaContext());
      timings.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (result.statusCode !== 200) throw new Error(`batch answered ${result.statusCode}: ${result.body}`);
    }
  });
  const requests: Record<string, number> = {};
  for (const [operation, count] of Object.entries(proxy.counts)) {
    const delta = count - (before[operation] ?? 0);
    if (delta > 0) requests[operation] = delta / ROUNDS;
  }
  const capacity = {
    read: (proxy.capacity.read - capacityBefore.read) / ROUNDS,
    write: (proxy.capacity.write - capacityBefore.write) / ROUNDS,
  };

  // The same items once more, as one plain BatchWriteItem per 25 items, without conditions.
  const plainTimings: number[] = [];
  const plainBefore = { ...proxy.capacity };
  for (let round = ROUNDS; round < 2 * ROUNDS; round++) {
    const items = makeBatch(round, sensors).map((reading) => readingToItem(readingSchema.parse(reading), new Date()));
    const started = process.hrtime.bigint();
    for (let start = 0; start < items.length; start += 25) {
      await client.send(
        new BatchWriteCommand({
          RequestItems: { [TABLE]: items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
    }
    plainTimings.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const plainWrite = (proxy.capacity.write - plainBefore.write) / ROUNDS;

  client.destroy();
  await proxy.close();
  await dynamo.close();
  return { timings, requests, capacity, plainTimings, plainWrite };
}

// Resolves zod's locales index to one that exports English only.
const englishZodLocales: Plugin = {
  name: 'english-zod-locales',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`)
        ? { path: path.join(__dirname, '..', 'ingest', 'src', 'zod-locales-en.ts') }
        : undefined,
    );
  },
};

async function measureBundle() {
  const outdir = mkdtempSync(path.join(tmpdir(), 'ingest-bundle-'));
  const sizes: Record<string, { minified: number; zipped: number }> = {};
  const layer = ['datadog-lambda-js', 'dd-trace'];
  const variants = {
    'SDK bundled': { external: layer, englishOnly: false },
    'SDK bundled, English zod messages only': { external: layer, englishOnly: true },
    'SDK from the Lambda runtime, English only': { external: [...layer, '@aws-sdk/*'], englishOnly: true },
  };
  for (const [name, { external, englishOnly }] of Object.entries(variants)) {
    const outfile = path.join(outdir, `${name.replace(/\W+/g, '-')}.js`);
    await build({
      entryPoints: [path.join(__dirname, '..', 'ingest', 'src', 'lambda.ts')],
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external,
      plugins: englishOnly ? [englishZodLocales] : [],
      outfile,
      logLevel: 'silent',
    });
    const zipFile = `${outfile}.zip`;
    execFileSync('zip', ['-q', '-9', '-j', zipFile, outfile]);
    sizes[name] = { minified: statSync(outfile).size, zipped: statSync(zipFile).size };
  }
  return sizes;
}

async function main() {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  for (const sensors of [1, 4]) {
    const result = await measureHandler(sensors);
    console.log(`\n100-reading batch, ${sensors} sensor(s), ${ROUNDS} rounds against dynalite`);
    console.log(`  handler in-process: median ${percentile(result.timings, 50).toFixed(1)} ms, p95 ${percentile(result.timings, 95).toFixed(1)} ms`);
    console.log(`  DynamoDB requests per batch: ${JSON.stringify(result.requests)}`);
    console.log(`  capacity per batch (dynalite's count): ${result.capacity.write} WCU, ${result.capacity.read} RCU`);
    console.log(`  plain BatchWriteItem of the same 100 items: median ${percentile(result.plainTimings, 50).toFixed(1)} ms, ${result.plainWrite} WCU`);
  }
  const sizes = await measureBundle();
  console.log('\ningest bundle (esbuild, minified, datadog-lambda-js and dd-trace left to the Datadog layer)');
  for (const [name, size] of Object.entries(sizes)) {
    console.log(`  ${name}: ${kb(size.minified)} minified, ${kb(size.zipped)} zipped`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
