export { createApp } from './app';
export type { AppOptions } from './app';
export { DEFAULT_STALE_AFTER_MS } from './freshness';
export {
  CHART_RANGES,
  DEFAULT_MAX_POINTS,
  MAX_POINTS_LIMIT,
  MAX_RANGE_DAYS,
} from './readings-query';
export type { ChartPoint, ChartSeries, Spread } from './downsample';
