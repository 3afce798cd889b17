import type { RawSample, SensorDriver } from './driver';

/** A driver that returns fixed values, or the samples given in order and then the last one. */
export function createFakeDriver(
  samples: RawSample | RawSample[],
  options: { minIntervalMs?: number; firstAnswerStale?: boolean } = {},
): SensorDriver {
  const queue = Array.isArray(samples) ? [...samples] : [samples];
  let last = queue[0];

  return {
    minIntervalMs: options.minIntervalMs ?? 0,
    firstAnswerStale: options.firstAnswerStale ?? false,
    async read() {
      last = queue.shift() ?? last;
      if (!last) throw new Error('the fake driver was given no samples');

      return { ...last };
    },
  };
}
