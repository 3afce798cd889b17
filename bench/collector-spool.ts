// Measures one collector run with the spool at its default cap of 200,000 readings, once with
// ingest unreachable (a closed port) and once with ingest up, where the run delivers until its
// deadline. Prints wall time, peak RSS from GNU time, and the spool before and after.
// Run: npx tsx bench/collector-spool.ts
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCollectorBundle } from '../device/build';
import { closedPort } from '../device/src/testing/closed-port';
import { startFakeIngest } from '../device/src/testing/fake-ingest';
import { measureProcess } from './measure-process';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'device/bin/hometemp-collector.js');
const SPOOL_READINGS = 200_000;
const DEADLINE_SECONDS = 20;

/** Writes `count` readings of three sensors, each 10 s apart up to now: 23 days, inside the age cap. */
function writeSpool(path: string, count: number): void {
  const endMs = Date.now() - 60_000;
  const sensors = ['a', 'b', 'c'];
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    const step = Math.floor((count - 1 - index) / sensors.length);
    const takenAt = new Date(endMs - step * 10_000).toISOString();
    const sensorId = sensors[index % sensors.length]!;
    lines.push(JSON.stringify({ deviceId: 'pi-bench', sensorId, room: 'Bench', takenAt, temperature: 21.5, humidity: 48 }));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const lineCount = (path: string) => readFileSync(path, 'utf8').split('\n').length - 1;

async function main() {
  await buildCollectorBundle();
  const ingest = await startFakeIngest();
  const downEndpoint = `http://127.0.0.1:${await closedPort()}`;
  const template = join(mkdtempSync(join(tmpdir(), 'hometemp-spool-bench-')), 'spool.jsonl');
  writeSpool(template, SPOOL_READINGS);
  console.log(`spool: ${SPOOL_READINGS} readings, ${(statSync(template).size / 1e6).toFixed(1)} MB`);

  for (const [name, endpoint] of [['ingest down', downEndpoint], ['ingest up', ingest.endpoint]] as const) {
    const folder = mkdtempSync(join(tmpdir(), 'hometemp-spool-bench-'));
    const stateDir = join(folder, 'state');
    mkdirSync(stateDir, { mode: 0o700 });
    copyFileSync(template, join(stateDir, 'spool.jsonl'));
    const config = join(folder, 'collector.json');
    writeFileSync(config, JSON.stringify({
      deviceId: 'pi-bench', endpoint, apiKey: 'test-key', stateDir, deadlineSeconds: DEADLINE_SECONDS,
      sensors: ['a', 'b', 'c'].map((id) => ({ id, room: 'Bench', type: 'dht22', driver: 'fake' })),
      delivery: { timeoutSeconds: 2, retries: 0, batchSize: 100 },
    }));
    const result = await measureProcess([BIN, 'run', '--config', config]);
    const left = lineCount(join(stateDir, 'spool.jsonl'));
    console.log(
      `${name.padEnd(12)} exit ${result.code}  ${(result.ms / 1000).toFixed(1).padStart(5)} s` +
        `  peak RSS ${result.rssMb.toFixed(1).padStart(6)} MB  spool after: ${left} readings`,
    );
  }
  await ingest.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
