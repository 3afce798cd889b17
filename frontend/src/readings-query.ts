import { z } from 'zod';
import { idSchema } from '../../core/src/index';

/** The chart ranges the sensor page offers, keyed by their `range` query value. */
export const CHART_RANGES = {
  '24h': { label: '24 h', ms: 24 * 3_600_000 },
  '7d': { label: '7 d', ms: 7 * 24 * 3_600_000 },
} as const;

export type ChartRange = keyof typeof CHART_RANGES;

export const DEFAULT_MAX_POINTS = 500;
export const MAX_POINTS_LIMIT = 2000;

// TODO(aggregates): raise this once long ranges are read from hourly and daily aggregates
// instead of raw readings; 31 days of 15-minute readings is about 3,000 items per request.
export const MAX_RANGE_DAYS = 31;
const MAX_RANGE_MS = MAX_RANGE_DAYS * 24 * 3_600_000;

/** The `:deviceId/:sensorId` path parameters of the sensor page and its API. */
export const sensorParamsSchema = z.object({ deviceId: idSchema, sensorId: idSchema });

// In a query string "+" decodes to a space, so an offset sent unencoded, as in
// `from=2026-01-31T08:00:00+01:00`, arrives as "2026-01-31T08:00:00 01:00". A space followed by
// hh:mm after the time can only have been a "+", so it is read as one.
const SPACE_DECODED_OFFSET = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:\d{2})$/;

const instantSchema = z
  .string()
  .transform((value) => value.replace(SPACE_DECODED_OFFSET, '$1+$2'))
  .pipe(
    z.iso.datetime({
      offset: true,
      message: 'must be an ISO 8601 time such as 2026-01-31T08:15:00Z',
    }),
  )
  .transform((value) => new Date(value));

// Only ASCII digits: `Number()` would also take " 10", "0x10" and "1e3".
const maxPointsSchema = z
  .string()
  .regex(/^[0-9]+$/, { message: 'must be a whole number in decimal digits, such as 500' })
  .transform(Number)
  .pipe(
    z
      .number()
      .min(2, { message: 'must be at least 2' })
      .max(MAX_POINTS_LIMIT, { message: `must be at most ${MAX_POINTS_LIMIT}` }),
  );

/**
 * Builds the schema of `?from=&to=&maxPoints=`. Unset `to` is `now()`, unset `from` is 24 h
 * before `to`, and the range must run forwards and span at most {@link MAX_RANGE_DAYS} days.
 */
export function readingsQuerySchema(now: () => Date) {
  return z
    .strictObject({
      from: instantSchema.optional(),
      to: instantSchema.optional(),
      maxPoints: maxPointsSchema.default(DEFAULT_MAX_POINTS),
    })
    .transform((query, context) => {
      const to = query.to ?? now();
      const from = query.from ?? new Date(to.getTime() - CHART_RANGES['24h'].ms);
      if (from.getTime() >= to.getTime()) {
        context.addIssue({ code: 'custom', path: ['from'], message: 'must be before "to"' });
        return z.NEVER;
      }
      if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
        context.addIssue({
          code: 'custom',
          path: ['from'],
          message: `must be at most ${MAX_RANGE_DAYS} days before "to"`,
        });
        return z.NEVER;
      }

      return { from, to, maxPoints: query.maxPoints };
    });
}

/** The sensor page's `?range=` query; 24 h when absent. */
export const pageQuerySchema = z.object({
  range: z
    .enum(Object.keys(CHART_RANGES) as [ChartRange, ...ChartRange[]], {
      message: `must be one of ${Object.keys(CHART_RANGES).join(', ')}`,
    })
    .default('24h'),
});
