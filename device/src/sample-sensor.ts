import type { SensorDriver } from './drivers/driver';
import type { Sample } from './read-policy';

export interface SampleOptions {
  /** Valid samples wanted. */
  attempts: number;
  /** Waits `ms`, or less when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  signal: AbortSignal;
}

// Samples flagged invalid are retried, up to this many extra reads per run.
const EXTRA_TRIES = 2;

/**
 * Reads a sensor until it has `attempts` valid samples, spacing reads by the driver's minimum
 * interval and discarding the stale first sample. Stops early, keeping what it has, on abort.
 */
export async function sampleSensor(driver: SensorDriver, options: SampleOptions): Promise<Sample[]> {
  const samples: Sample[] = [];
  const maxReads = options.attempts + EXTRA_TRIES + (driver.firstAnswerStale ? 1 : 0);
  let validCount = 0;
  for (let read = 0; read < maxReads && validCount < options.attempts; read++) {
    if (options.signal.aborted) break;
    if (read > 0 && driver.minIntervalMs > 0) {
      await options.sleep(driver.minIntervalMs, options.signal);
      if (options.signal.aborted) break;
    }
    const sample = await readOnce(driver, options.signal);
    if (options.signal.aborted) break;
    if (read === 0 && driver.firstAnswerStale) continue;
    samples.push(sample);
    if (!('error' in sample) && sample.valid) validCount++;
  }

  return samples;
}

// A sensor that never returns must not hold the run past its deadline.
async function readOnce(driver: SensorDriver, signal: AbortSignal): Promise<Sample> {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<Sample>((resolve) => {
    onAbort = () =>
      resolve({ error: 'the read was abandoned: the run reached its deadline or was stopped' });
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([driver.read(), aborted]);
  } catch (error) {
    return { error: (error as Error).message };
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}
