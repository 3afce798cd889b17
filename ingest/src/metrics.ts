import { sendDistributionMetricWithDate } from 'datadog-lambda-js';
import { type Heartbeat, type Reading, toTagValue } from '../../core/src/index';
import type { Rejection } from './screen-readings';

/** One distribution point. Every name and tag is listed in docs/metrics.md. */
export interface MetricPoint {
  name: string;
  value: number;
  time: Date;
  tags: string[];
}

/** The outcome tag of `hometemp.ingest.requests`. */
export type RequestOutcome =
  | 'ok'
  | 'invalid'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'too_large'
  | 'unavailable'
  | 'error';

export interface ReadingOutcomes {
  deviceId: string;
  stored: Reading[];
  duplicates: Reading[];
  rejected: Rejection[];
  receivedAt: Date;
  metricMaxAgeSeconds: number;
}

const tag = (name: string, value: string) => `${name}:${toTagValue(value)}`;

/** Tells whether Datadog would still accept a point stamped with the reading's `takenAt`. */
export function isLate(reading: Reading, receivedAt: Date, metricMaxAgeSeconds: number): boolean {
  return receivedAt.getTime() - new Date(reading.takenAt).getTime() > metricMaxAgeSeconds * 1000;
}

/**
 * Builds the points for one batch: temperature and humidity per stored reading that is recent
 * enough for Datadog, stamped with `takenAt`; the count of readings per outcome; and the lag
 * between `takenAt` and receipt per stored reading. Duplicates emit no reading points.
 */
export function readingPoints(outcomes: ReadingOutcomes): MetricPoint[] {
  const { deviceId, receivedAt } = outcomes;
  const device = tag('device', deviceId);
  const points: MetricPoint[] = [];
  const count = (outcome: string, value: number, extra: string[] = []) => {
    if (value > 0) {
      points.push({
        name: 'hometemp.ingest.readings',
        value,
        time: receivedAt,
        tags: [device, `outcome:${outcome}`, ...extra],
      });
    }
  };

  let late = 0;
  for (const reading of outcomes.stored) {
    points.push({
      name: 'hometemp.ingest.lag',
      value: Math.max(0, (receivedAt.getTime() - new Date(reading.takenAt).getTime()) / 1000),
      time: receivedAt,
      tags: [device],
    });
    if (isLate(reading, receivedAt, outcomes.metricMaxAgeSeconds)) {
      late++;
      continue;
    }
    const tags = [device, tag('sensor', reading.sensorId), tag('room', reading.room)];
    const time = new Date(reading.takenAt);
    points.push({ name: 'hometemp.temperature', value: reading.temperature, time, tags });
    points.push({ name: 'hometemp.humidity', value: reading.humidity, time, tags });
  }

  count('stored', outcomes.stored.length - late);
  count('late', late);
  count('duplicate', outcomes.duplicates.length);
  const byReason = new Map<string, number>();
  for (const { reason } of outcomes.rejected) byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  for (const [reason, value] of byReason) count('rejected', value, [`reason:${reason}`]);

  return points;
}

/** Builds the points that make a silent Pi and a broken sensor separate alerts. */
export function heartbeatPoints(heartbeat: Heartbeat, receivedAt: Date): MetricPoint[] {
  const device = tag('device', heartbeat.deviceId);
  const point = (name: string, value: number, tags: string[]) => ({
    name,
    value,
    time: receivedAt,
    tags: [device, ...tags],
  });
  const points: MetricPoint[] = [
    point('hometemp.heartbeat.runs', 1, [`outcome:${heartbeat.outcome}`]),
    point('hometemp.heartbeat.spool_depth', heartbeat.spool.depth, []),
  ];
  if (heartbeat.spool.dropped > 0) {
    points.push(point('hometemp.heartbeat.spool_dropped', heartbeat.spool.dropped, []));
  }
  for (const sensor of heartbeat.sensors) {
    const sensorTags = [tag('sensor', sensor.sensorId), tag('room', sensor.room)];
    points.push(point('hometemp.heartbeat.sensor_status', 1, [...sensorTags, `status:${sensor.status}`]));
    for (const [reason, value] of Object.entries(sensor.rejections)) {
      if (value > 0) {
        points.push(point('hometemp.heartbeat.rejections', value, [...sensorTags, `reason:${reason}`]));
      }
    }
  }

  return points;
}

/** Builds the one point counting a request by route and outcome. */
export function requestPoint(route: string, outcome: RequestOutcome, time: Date): MetricPoint {
  return {
    name: 'hometemp.ingest.requests',
    value: 1,
    time,
    tags: [`route:${route}`, `outcome:${outcome}`],
  };
}

/**
 * Hands points to datadog-lambda-js, which sends them to the Datadog Lambda extension, to the
 * log (`DD_FLUSH_TO_LOG=true`) or to the Datadog API when the invocation ends.
 */
export function emitPoints(points: MetricPoint[]): void {
  for (const point of points) {
    sendDistributionMetricWithDate(point.name, point.value, point.time, ...point.tags);
  }
}
