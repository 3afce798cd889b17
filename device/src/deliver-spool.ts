import { appendFileSync } from 'node:fs';
import type { Logger, Reading } from '../../core/src/index';
import { type HttpOptions, sendBatch } from './delivery';

export interface DeliveryReport {
  remaining: Reading[];
  delivered: number;
  rejected: number;
  /** Why delivery stopped before the spool was empty. */
  failure?: string;
}

/**
 * Sends the spooled readings oldest first in batches until all are delivered, one batch fails
 * after its retries, or the run deadline passes. Readings the server rejects go to
 * `rejectedPath` with its reason, one JSON line each.
 */
export async function deliverSpool(
  readings: Reading[],
  options: HttpOptions & { batchSize: number; rejectedPath: string; logger: Logger },
): Promise<DeliveryReport> {
  const queue = [...readings].sort((a, b) => a.takenAt.localeCompare(b.takenAt));
  let batchSize = options.batchSize;
  let delivered = 0;
  let rejected = 0;
  while (queue.length > 0) {
    if (options.signal.aborted) {
      return { remaining: queue, delivered, rejected, failure: 'the run deadline passed' };
    }
    const batch = queue.slice(0, batchSize);
    const result = await sendBatch(batch, options);
    if (result.kind === 'failed') {
      options.logger.warn({ reason: result.reason, readings: batch.length }, 'batch not delivered; kept in the spool');
      return { remaining: queue, delivered, rejected, failure: result.reason };
    }
    if (result.kind === 'too_large') {
      if (batchSize === 1) {
        setAside(options, [{ reading: batch[0]!, reason: 'HTTP 413: too large even alone' }]);
        queue.shift();
        rejected++;
      }
      batchSize = Math.max(1, Math.floor(batchSize / 2));
      continue;
    }
    queue.splice(0, batch.length);
    if (result.kind === 'invalid') queue.unshift(...result.retry);
    else delivered += result.delivered.length;
    setAside(options, result.rejected);
    rejected += result.rejected.length;
    if (result.rejected.length > 0) {
      options.logger.warn({ rejected: result.rejected.length, path: options.rejectedPath }, 'ingest rejected readings; moved aside');
    }
    if (result.kind === 'invalid' && result.retry.length === batch.length) {
      return { remaining: queue, delivered, rejected, failure: 'ingest rejected a batch without naming a reading' };
    }
  }

  return { remaining: queue, delivered, rejected };
}

function setAside(options: { rejectedPath: string }, items: Array<{ reading: Reading; reason: string }>) {
  if (items.length === 0) return;
  const at = new Date().toISOString();
  appendFileSync(options.rejectedPath, items.map((item) => `${JSON.stringify({ ...item, at })}\n`).join(''));
}
