// Times one collector run (three fake sensors, a local fake ingest) as cron starts it, through
// device/bin/hometemp-collector.js and the bundle, next to a bare `node -e 0`, and prints wall
// time and peak RSS. Then prints what a Pi installs: the bundle and dd-trace's runtime packages.
// Run: npx tsx bench/collector.ts
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTOR_BUNDLE, buildCollectorBundle } from '../device/build';
import { startFakeTraceAgent } from '../device/src/testing/fake-agent';
import { startFakeIngest } from '../device/src/testing/fake-ingest';
import { closedPort } from '../device/src/testing/closed-port';
import { measureProcess } from './measure-process';

const RUNS = 11;
const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'device/bin/hometemp-collector.js');

/** Bytes of every file under `path`, as installed (apparent size). */
function folderBytes(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;

  return readdirSync(path).reduce((sum, entry) => sum + folderBytes(join(path, entry)), 0);
}

/** The packages `npm install --omit=optional name` installs: `name` and its dependencies. */
function runtimePackages(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'));
  for (const dependency of Object.keys(manifest.dependencies ?? {})) runtimePackages(dependency, seen);

  return seen;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

async function main() {
  await buildCollectorBundle();
  const ingest = await startFakeIngest();
  const agent = await startFakeTraceAgent();
  const absentPort = await closedPort();
  const config = (datadog: Record<string, unknown>) => {
    const folder = mkdtempSync(join(tmpdir(), 'hometemp-bench-'));
    const path = join(folder, 'collector.json');
    writeFileSync(path, JSON.stringify({
      deviceId: 'pi-bench', endpoint: ingest.endpoint, apiKey: 'test-key', stateDir: join(folder, 'state'),
      sensors: ['a', 'b', 'c'].map((id) => ({ id, room: 'Bench', type: 'dht22', driver: 'fake' })),
      datadog,
    }));
    return path;
  };
  const run = (datadog: Record<string, unknown>) => [BIN, 'run', '--config', config(datadog)];
  const cases: Array<[string, string[]]> = [
    ['node -e 0', [process.execPath, '-e', '0']],
    ['collector --version (load only)', [BIN, '--version']],
    ['run, no Agent (Pi Zero)', run({})],
    ['run, Agent host, tracing off', run({ agentHost: '127.0.0.1', dogstatsdPort: absentPort, tracing: false })],
    ['run, tracing on, Agent absent', run({ agentHost: '127.0.0.1', traceAgentPort: absentPort, dogstatsdPort: absentPort })],
    ['run, tracing on, Agent present', run({ agentHost: '127.0.0.1', traceAgentPort: agent.port, dogstatsdPort: absentPort })],
  ];
  // Rounds interleave the cases, so load from other processes spreads over all of them.
  const results = new Map<string, Array<{ ms: number; rssMb: number }>>(cases.map(([name]) => [name, []]));
  for (let round = 0; round < RUNS; round++) {
    for (const [name, args] of cases) {
      const result = await measureProcess(args);
      if (result.code !== 0) throw new Error(`${name} exited ${result.code}`);
      results.get(name)!.push(result);
    }
  }
  await ingest.close();
  await agent.close();

  const bareMs = median(results.get('node -e 0')!.map((result) => result.ms));
  console.log(`${RUNS} runs each: median (min) wall time, median peak RSS, median wall time / node -e 0`);
  for (const [name, list] of results) {
    const ms = list.map((result) => result.ms);
    const rss = median(list.map((result) => result.rssMb));
    console.log(
      `${name.padEnd(32)} ${median(ms).toFixed(0).padStart(5)} ms (${Math.min(...ms).toFixed(0).padStart(4)})` +
        ` ${rss.toFixed(1).padStart(6)} MB ${(median(ms) / bareMs).toFixed(1).padStart(5)}x`,
    );
  }

  const packages = [...runtimePackages('dd-trace')].sort();
  const ddTraceBytes = packages.reduce((sum, name) => sum + folderBytes(join(ROOT, 'node_modules', name)), 0);
  const bundleBytes = statSync(COLLECTOR_BUNDLE).size;
  console.log(`\ninstalled on a Pi (apparent file sizes):`);
  console.log(`  device/dist/collector.js          ${mb(bundleBytes)}`);
  console.log(`  dd-trace, --omit=optional          ${mb(ddTraceBytes)} (${packages.join(', ')})`);
  console.log(`  total                              ${mb(bundleBytes + ddTraceBytes)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
