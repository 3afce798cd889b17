import type { Reading, TimeRange } from '../../core/src/index';

/** The spread of one measurement within a bucket. */
export interface Spread {
  min: number;
  mean: number;
  max: number;
}

/** One point of a chart: a single reading, or the summary of the readings in one bucket. */
export interface ChartPoint {
  /** The reading's `takenAt`, or the start of the bucket when downsampled (UTC ISO 8601). */
  time: string;
  /** How many readings the point summarises. */
  count: number;
  temperature: Spread;
  humidity: Spread;
}

export interface ChartSeries {
  /** Width of each bucket in seconds, or `null` when the points are the raw readings. */
  bucketSeconds: number | null;
  points: ChartPoint[];
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

// Bucket widths that read well on a time axis; wider ranges use whole days.
const BUCKET_MINUTES = [1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 360, 720, 1440];

/**
 * Picks the narrowest bucket width from {@link BUCKET_MINUTES} (or whole days beyond them) that
 * splits `range` into at most `maxPoints` buckets, counting the partial buckets at both ends.
 */
export function chooseBucketMs(range: TimeRange, maxPoints: number): number {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new RangeError(`maxPoints must be an integer of at least 2, got ${maxPoints}`);
  }
  // Buckets are aligned to multiples of their width, so the first one may start before
  // `from`: a width of span / (maxPoints - 1) leaves room for that extra bucket.
  const minimumMs = (range.to.getTime() - range.from.getTime()) / (maxPoints - 1);
  const minutes = BUCKET_MINUTES.find((candidate) => candidate * MINUTE_MS >= minimumMs);

  return minutes === undefined ? Math.ceil(minimumMs / DAY_MS) * DAY_MS : minutes * MINUTE_MS;
}

/**
 * Returns `readings` (sorted oldest first) as chart points: unchanged when there are at most
 * `maxPoints` of them, otherwise as the min, mean and max of each bucket of a width from
 * {@link chooseBucketMs}. Buckets without readings are left out, so gaps stay visible.
 */
export function downsample(readings: Reading[], range: TimeRange, maxPoints: number): ChartSeries {
  if (readings.length <= maxPoints) {
    return { bucketSeconds: null, points: readings.map(readingToPoint) };
  }

  // TODO(time-zones): day-wide buckets start at UTC midnight; align them to the viewer's time
  // zone once the frontend knows it.
  const bucketMs = chooseBucketMs(range, maxPoints);
  const points: ChartPoint[] = [];
  let bucket: Reading[] = [];
  let bucketStart = Number.NaN;
  for (const reading of readings) {
    const start = Math.floor(Date.parse(reading.takenAt) / bucketMs) * bucketMs;
    if (start !== bucketStart && bucket.length > 0) {
      points.push(summarise(bucketStart, bucket));
      bucket = [];
    }
    bucketStart = start;
    bucket.push(reading);
  }
  if (bucket.length > 0) points.push(summarise(bucketStart, bucket));

  return { bucketSeconds: bucketMs / 1000, points };
}

function readingToPoint(reading: Reading): ChartPoint {
  const spread = (value: number) => ({ min: value, mean: value, max: value });

  return {
    time: reading.takenAt,
    count: 1,
    temperature: spread(reading.temperature),
    humidity: spread(reading.humidity),
  };
}

function summarise(startMs: number, readings: Reading[]): ChartPoint {
  return {
    time: new Date(startMs).toISOString(),
    count: readings.length,
    temperature: spreadOf(readings.map((reading) => reading.temperature)),
    humidity: spreadOf(readings.map((reading) => reading.humidity)),
  };
}

function spreadOf(values: number[]): Spread {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const value of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
    sum += value;
  }
  // Readings have 0.1 resolution; two decimals keep the mean honest without long JSON numbers.
  const mean = Math.round((sum / values.length) * 100) / 100;

  return { min, mean, max };
}
