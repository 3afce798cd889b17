// Bundles the collector into one file a Pi runs without this repository's node_modules:
// `npm run build:collector` writes device/dist/collector.js.
import { join } from 'node:path';
import { build } from 'esbuild';

/** Output of `npm run build:collector`, which `bin/hometemp-collector.js` prefers over the source. */
export const COLLECTOR_BUNDLE = join(__dirname, 'dist', 'collector.js');

/**
 * Bundles `device/src/main.ts` into `outfile`, minified, for Node 20. dd-trace stays a separate
 * package, loaded only when tracing is on, and node-dht-sensor is a native addon built on the Pi.
 */
export async function buildCollectorBundle(outfile: string = COLLECTOR_BUNDLE): Promise<void> {
  await build({
    entryPoints: [join(__dirname, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    // Error class names (ConfigError, SpoolWriteError) stay readable in logs.
    keepNames: true,
    external: ['dd-trace', 'node-dht-sensor'],
    logLevel: 'warning',
  });
}

if (require.main === module) {
  buildCollectorBundle().then(
    () => process.stdout.write(`wrote ${COLLECTOR_BUNDLE}\n`),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
