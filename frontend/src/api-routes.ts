import { zValidator } from '@hono/zod-validator';
import { type Context, Hono } from 'hono';
import type { z } from 'zod';
import { describeIssues } from '../../core/src/index';
import { downsample } from './downsample';
import { readingsQuerySchema, sensorParamsSchema } from './readings-query';
import { type SensorSource, findRatedSensor, listRatedSensors, readStore } from './sensors';

/**
 * Returns a validation hook that responds to invalid input with a 400 listing every problem, in
 * the `{ error, problems }` shape ingest uses.
 */
function rejectInvalid(where: 'path' | 'query') {
  return (result: { success: boolean; error?: unknown }, c: Context) => {
    if (result.success) return undefined;
    const problems = describeIssues(result.error as z.ZodError).map((problem) => ({
      ...problem,
      path: problem.path === '(body)' ? `(${where})` : problem.path,
    }));

    return c.json({ error: `invalid ${where} parameters`, problems }, 400);
  };
}

/** Builds the JSON API routes, mounted under `/api`. */
export function apiRoutes(source: SensorSource): Hono {
  const api = new Hono();

  api.get('/sensors', async (c) => {
    const sensors = await listRatedSensors(source);

    return c.json({
      sensors: sensors.map(({ sensor, freshness }) => ({
        deviceId: sensor.deviceId,
        sensorId: sensor.sensorId,
        room: sensor.room,
        latest: sensor.latest,
        ageSeconds: freshness.ageSeconds,
        stale: freshness.stale,
      })),
    });
  });

  api.get(
    '/sensors/:deviceId/:sensorId/readings',
    zValidator('param', sensorParamsSchema, rejectInvalid('path')),
    zValidator('query', readingsQuerySchema(source.now), rejectInvalid('query')),
    async (c) => {
      const ref = c.req.valid('param');
      const { from, to, maxPoints } = c.req.valid('query');

      const [rated, readings] = await Promise.all([
        findRatedSensor(source, ref),
        readStore(() => source.store.queryReadings(ref, { from, to })),
      ]);
      if (!rated) {
        return c.json(
          {
            error: `sensor ${ref.deviceId}/${ref.sensorId} not found: it has never reported. GET /api/sensors lists the sensors that have.`,
          },
          404,
        );
      }
      const series = downsample(readings, { from, to }, maxPoints);

      return c.json({
        sensor: { deviceId: ref.deviceId, sensorId: ref.sensorId, room: rated.sensor.room },
        from: from.toISOString(),
        to: to.toISOString(),
        readingCount: readings.length,
        bucketSeconds: series.bucketSeconds,
        points: series.points,
      });
    },
  );

  return api;
}
