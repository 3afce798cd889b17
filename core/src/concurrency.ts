const MAX_BACKOFF_MS = 2000;

/**
 * Runs `work` on every item with at most `concurrency` calls in flight. After the first failure
 * no new item starts, the calls in flight finish, and then the first error is thrown, so the
 * caller knows exactly which items were done.
 */
export async function runConcurrently<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  const queue = [...items];
  const failures: unknown[] = [];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      try {
        await work(item);
      } catch (error) {
        failures.push(error);
        queue.length = 0;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}

// Full jitter, as AWS recommends for contended retries: a random delay up to the doubled cap.
export function backoffMs(attempt: number, baseMs: number): number {
  return Math.random() * Math.min(MAX_BACKOFF_MS, baseMs * 2 ** attempt);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
