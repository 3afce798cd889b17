import { appendFileSync } from 'node:fs';
import type { Logger, Reading } from '../../core/src/index';
import { type HttpOptions, type Rejected, sendBatch } from './delivery';

/** Readings of one sensor, counted for the metrics. */
export interface SensorCount {
  sensor: string;
  room: string;
  count: number;
}

/** Readings to deliver, oldest first; `next()` returns undefined when none is left. */
export interface ReadingSource {
  next(): Reading | undefined;
}

export interface DeliveryReport {
  /** Readings taken from the source but not delivered or rejected, to be kept in the spool. */
  unsent: Reading[];
  delivered: number;
  rejected: number;
  /** Delivered and rejected readings by sensor and room, old ones from the spool included. */
  deliveredBySensor: SensorCount[];
  rejectedBySensor: SensorCount[];
  /** Why delivery stopped before the spool was empty. */
  failure?: string;
}

/**
 * Sends the source's readings in order, in batches, until all are delivered, one batch fails
 * after its retries, or the run deadline passes. Only one batch is taken from the source at a
 * time. Readings the server rejects go to `rejectedPath` with its reason, one JSON line each.
 */
export async function deliverSpool(
  source: ReadingSource,
  options: HttpOptions & { batchSize: number; rejectedPath: string; logger: Logger },
): Promise<DeliveryReport> {
  const queue: Reading[] = [];
  const delivered = new SensorCounter();
  const rejected = new SensorCounter();
  const report = (failure?: string): DeliveryReport => ({
    unsent: queue,
    delivered: delivered.total,
    rejected: rejected.total,
    deliveredBySensor: delivered.list(),
    rejectedBySensor: rejected.list(),
    ...(failure !== undefined && { failure }),
  });
  let batchSize = options.batchSize;
  const fill = () => {
    while (queue.length < batchSize) {
      const reading = source.next();
      if (reading === undefined) return;
      queue.push(reading);
    }
  };
  for (fill(); queue.length > 0; fill()) {
    if (options.signal.aborted) return report('the run deadline passed');
    const batch = queue.slice(0, batchSize);
    const result = await sendBatch(batch, options);
    if (result.kind === 'failed') {
      options.logger.warn({ reason: result.reason, readings: batch.length }, 'batch not delivered; kept in the spool');
      return report(result.reason);
    }
    if (result.kind === 'too_large') {
      if (batchSize === 1) {
        const item = { reading: batch[0]!, reason: 'HTTP 413: too large even alone' };
        setAsideReadings(options.rejectedPath, [item]);
        rejected.add([item.reading]);
        queue.shift();
      }
      batchSize = Math.max(1, Math.floor(batchSize / 2));
      continue;
    }
    queue.splice(0, batch.length);
    if (result.kind === 'invalid') queue.unshift(...result.retry);
    else delivered.add(result.delivered);
    setAsideReadings(options.rejectedPath, result.rejected);
    rejected.add(result.rejected.map((item) => item.reading));
    if (result.rejected.length > 0) {
      options.logger.warn(
        { rejected: result.rejected.length, reasons: result.rejected.slice(0, 3).map((item) => item.reason), path: options.rejectedPath },
        'ingest rejected readings; moved aside',
      );
    }
    if (result.kind === 'invalid' && result.retry.length === batch.length) {
      return report('ingest rejected a batch without naming a reading');
    }
  }

  return report();
}

/** Appends readings with the reason they were not delivered to `path`, one JSON line each. */
function setAsideReadings(path: string, items: Rejected[]): void {
  if (items.length === 0) return;
  const at = new Date().toISOString();
  appendFileSync(path, items.map((item) => `${JSON.stringify({ ...item, at })}\n`).join(''));
}

class SensorCounter {
  private readonly counts = new Map<string, SensorCount>();
  total = 0;

  add(readings: Reading[]): void {
    for (const reading of readings) {
      const key = `${reading.sensorId}\n${reading.room}`;
      const entry = this.counts.get(key) ?? { sensor: reading.sensorId, room: reading.room, count: 0 };
      entry.count++;
      this.counts.set(key, entry);
      this.total++;
    }
  }

  list(): SensorCount[] {
    return [...this.counts.values()];
  }
}
