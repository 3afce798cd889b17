/**
 * The DynamoDB key design, in one place. One table, generic `pk` (partition) and `sk` (sort) keys:
 *
 * | item                 | pk                         | sk                        |
 * | -------------------- | -------------------------- | ------------------------- |
 * | raw reading          | `S#<deviceId>#<sensorId>`  | `R#<takenAt ISO 8601>`    |
 * | hourly aggregate     | `S#<deviceId>#<sensorId>`  | `H#<YYYY-MM-DDTHH>` (UTC) |
 * | daily aggregate      | `S#<deviceId>#<sensorId>`  | `D#<YYYY-MM-DD>` (UTC)    |
 * | sensor with latest   | `SENSORS`                  | `<deviceId>#<sensorId>`   |
 * | device's last run    | `DEVICES`                  | `<deviceId>`              |
 * | sensor's last status | `SENSOR_STATUS`            | `<deviceId>#<sensorId>`   |
 *
 * A sensor's readings share one partition and sort by time, so a time range is one Query
 * (`sk BETWEEN`), never a Scan. ISO 8601 UTC strings of one fixed format sort like the times
 * they name. The `SENSORS` partition holds one small item per sensor (a home has tens), so the
 * overview is a single Query too. Aggregates live beside the raw readings of their sensor under
 * their own `sk` prefix, so a year of daily values is one Query of 365 small items. The last run
 * of each device and the last status of each sensor, both from heartbeats, get partitions of
 * their own so that `listSensors()` never sees them.
 */
import type { Reading } from './reading';
import { readingId } from './reading';

export const SENSORS_PK = 'SENSORS';
export const DEVICES_PK = 'DEVICES';
export const SENSOR_STATUS_PK = 'SENSOR_STATUS';
export const READING_SK_PREFIX = 'R#';
export const AGGREGATE_SK_PREFIX = { hour: 'H#', day: 'D#' } as const;

/** The length of an aggregate's bucket. Both are UTC, so every hour has the same 60 minutes. */
export type AggregatePeriod = keyof typeof AGGREGATE_SK_PREFIX;

export interface SensorRef {
  deviceId: string;
  sensorId: string;
}

export const sensorPk = (sensor: SensorRef) => `S#${sensor.deviceId}#${sensor.sensorId}`;
export const readingSk = (takenAt: string) => `${READING_SK_PREFIX}${takenAt}`;
export const sensorRegistrySk = (sensor: SensorRef) => `${sensor.deviceId}#${sensor.sensorId}`;

/**
 * Names the UTC bucket that contains `takenAt`: `2026-01-31T08` for an hour, `2026-01-31` for a
 * day. `takenAt` must be an ISO 8601 UTC string as produced by the reading schema.
 */
export const bucketOf = (period: AggregatePeriod, takenAt: string) =>
  period === 'hour' ? takenAt.slice(0, 13) : takenAt.slice(0, 10);

export const aggregateSk = (period: AggregatePeriod, bucket: string) =>
  `${AGGREGATE_SK_PREFIX[period]}${bucket}`;

/** The stored form of a reading: the contract's fields plus keys, id and receipt time. */
export interface ReadingItem extends Reading {
  pk: string;
  sk: string;
  id: string;
  receivedAt: string;
}

export function readingToItem(reading: Reading, receivedAt: Date): ReadingItem {
  return {
    pk: sensorPk(reading),
    sk: readingSk(reading.takenAt),
    id: readingId(reading),
    ...reading,
    receivedAt: receivedAt.toISOString(),
  };
}

export function itemToReading(item: Record<string, unknown>): Reading {
  const { deviceId, sensorId, room, takenAt, temperature, humidity, raw } = item as Reading;
  return raw === undefined
    ? { deviceId, sensorId, room, takenAt, temperature, humidity }
    : { deviceId, sensorId, room, takenAt, temperature, humidity, raw };
}
