// Times one collector run (three fake sensors, local fake ingest) with tracing on and off, next
// to a bare `node -e 0`, and prints wall time and peak RSS. Run: npx tsx bench/collector.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeIngest } from '../device/src/testing/fake-ingest';

const RUNS = 5;
const BIN = join(__dirname, '../device/bin/hometemp-collector.js');

// Peak RSS of the child comes from GNU time's %M (KiB), wall time from our own clock.
function measure(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; rssMb: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%M', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const kib = Number(stderr.trim().split('\n').pop());
      resolve({ ms, rssMb: kib / 1024 });
    });
  });
}

async function main() {
  const ingest = await startFakeIngest();
  const rows: string[] = [];
  const config = (tracing: boolean) => {
    const path = join(mkdtempSync(join(tmpdir(), 'hometemp-bench-')), 'collector.json');
    writeFileSync(path, JSON.stringify({
      deviceId: 'pi-bench', endpoint: ingest.endpoint, apiKey: 'test-key', stateDir: join(path, '..', 'state'),
      sensors: ['a', 'b', 'c'].map((id) => ({ id, room: 'Bench', type: 'dht22', driver: 'fake' })),
      datadog: { agentHost: '127.0.0.1', tracing },
    }));
    return path;
  };
  const cases: Array<[string, string[]]> = [
    ['node -e 0', [process.execPath, '-e', '0']],
    ['run, tracing off', [process.execPath, BIN, 'run', '--config', config(false)]],
    ['run, tracing on (no Agent)', [process.execPath, BIN, 'run', '--config', config(true)]],
  ];
  for (const [name, args] of cases) {
    const results = [];
    for (let index = 0; index < RUNS; index++) results.push(await measure(args, { PATH: process.env.PATH }));
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    rows.push(`${name.padEnd(28)} ${median(results.map((r) => r.ms)).toFixed(0).padStart(6)} ms ${median(results.map((r) => r.rssMb)).toFixed(1).padStart(6)} MB`);
  }
  await ingest.close();
  console.log(`median of ${RUNS} runs: wall time, peak RSS`);
  console.log(rows.join('\n'));
}

main();
