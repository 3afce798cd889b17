import { zValidator } from '@hono/zod-validator';
import { type Context, Hono } from 'hono';
import type { z } from 'zod';
import { describeIssues } from '../../core/src/index';
import { pageQuerySchema, sensorParamsSchema } from './readings-query';
import { type SensorSource, findRatedSensor, listRatedSensors } from './sensors';
import { renderMessagePage } from './views/layout';
import { renderOverview } from './views/overview';
import { renderSensorPage } from './views/sensor-page';

function rejectInvalidPage(result: { success: boolean; error?: unknown }, c: Context) {
  if (result.success) return undefined;
  const problems = describeIssues(result.error as z.ZodError)
    .map((problem) => `${problem.path} ${problem.message}`)
    .join('; ');

  return c.html(
    renderMessagePage('Invalid address', `This address is not valid: ${problems}.`),
    400,
  );
}

/** Builds the HTML pages: the overview at `/` and one page per sensor. */
export function pageRoutes(source: SensorSource): Hono {
  const pages = new Hono();

  pages.get('/', async (c) => {
    const cards = await listRatedSensors(source);

    return c.html(renderOverview(cards));
  });

  pages.get(
    '/sensors/:deviceId/:sensorId',
    zValidator('param', sensorParamsSchema, rejectInvalidPage),
    zValidator('query', pageQuerySchema, rejectInvalidPage),
    async (c) => {
      const ref = c.req.valid('param');
      const { range } = c.req.valid('query');

      const rated = await findRatedSensor(source, ref);
      if (!rated) {
        const message = `Sensor ${ref.deviceId} / ${ref.sensorId} has never reported. The overview lists the sensors that have.`;
        return c.html(renderMessagePage('Sensor not found', message), 404);
      }

      return c.html(renderSensorPage({ ...rated, range }));
    },
  );

  return pages;
}
