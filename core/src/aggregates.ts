import type { AggregatePeriod, SensorRef } from './table';

/** Minimum, maximum, mean and sum of one quantity over a bucket, in the reading's unit. */
export interface Stats {
  min: number;
  max: number;
  mean: number;
  sum: number;
}

/** The min/max/mean/count of one sensor over one UTC hour or day. */
export interface Aggregate extends SensorRef {
  room: string;
  period: AggregatePeriod;
  /** The bucket's first instant, e.g. `2026-01-31T08:00:00.000Z`. */
  start: string;
  count: number;
  temperature: Stats;
  humidity: Stats;
}

/** The values of a reading that aggregates summarize. */
export interface Measurement {
  temperature: number;
  humidity: number;
}

// Readings are kept at 0.1, so a sum rounded to 0.1 is exact and stays free of float drift;
// means get one more digit than the readings.
const roundTo = (value: number, step: number) => Math.round(value / step) * step;
const round1 = (value: number) => Number(roundTo(value, 0.1).toFixed(1));
const round2 = (value: number) => Number(roundTo(value, 0.01).toFixed(2));

/** Returns the first instant of a bucket named by `bucketOf` (`2026-01-31T08` or `2026-01-31`). */
export function bucketStart(period: AggregatePeriod, bucket: string): string {
  return period === 'hour' ? `${bucket}:00:00.000Z` : `${bucket}T00:00:00.000Z`;
}

/** Computes the statistics of raw readings. `values` must not be empty. */
export function summarizeReadings(values: Measurement[]) {
  return {
    count: values.length,
    temperature: summarize(values.map((value) => value.temperature)),
    humidity: summarize(values.map((value) => value.humidity)),
  };
}

/** Combines finer aggregates (the hours of a day) into one. `parts` must not be empty. */
export function combineAggregates(parts: Pick<Aggregate, 'count' | 'temperature' | 'humidity'>[]) {
  const count = parts.reduce((total, part) => total + part.count, 0);
  const combine = (pick: (part: (typeof parts)[number]) => Stats): Stats => {
    const sum = round1(parts.reduce((total, part) => total + pick(part).sum, 0));
    return {
      min: Math.min(...parts.map((part) => pick(part).min)),
      max: Math.max(...parts.map((part) => pick(part).max)),
      mean: round2(sum / count),
      sum,
    };
  };

  return { count, temperature: combine((part) => part.temperature), humidity: combine((part) => part.humidity) };
}

function summarize(values: number[]): Stats {
  const sum = round1(values.reduce((total, value) => total + value, 0));
  return {
    min: Math.min(...values),
    max: Math.max(...values),
    mean: round2(sum / values.length),
    sum,
  };
}
