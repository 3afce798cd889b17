/**
 * The DynamoDB key design, in one place. One table, generic `pk` (partition) and `sk` (sort) keys:
 *
 * | item                 | pk                         | sk                        |
 * | -------------------- | -------------------------- | ------------------------- |
 * | raw reading          | `S#<deviceId>#<sensorId>`  | `R#<takenAt ISO 8601>`    |
 * | sensor with latest   | `SENSORS`                  | `<deviceId>#<sensorId>`   |
 *
 * A sensor's readings share one partition and sort by time, so a time range is one Query
 * (`sk BETWEEN`), never a Scan. ISO 8601 UTC strings of one fixed format sort like the times
 * they name. The `SENSORS` partition holds one small item per sensor (a home has tens), so the
 * overview is a single Query too. Aggregates and heartbeats add their own `sk` prefixes under
 * the same partitions.
 */
import type { Reading } from './reading';
import { readingId } from './reading';

export const SENSORS_PK = 'SENSORS';
export const READING_SK_PREFIX = 'R#';

export interface SensorRef {
  deviceId: string;
  sensorId: string;
}

export const sensorPk = (sensor: SensorRef) => `S#${sensor.deviceId}#${sensor.sensorId}`;
export const readingSk = (takenAt: string) => `${READING_SK_PREFIX}${takenAt}`;
export const sensorRegistrySk = (sensor: SensorRef) => `${sensor.deviceId}#${sensor.sensorId}`;

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
