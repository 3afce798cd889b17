import type { ReadingStore, SensorRef, SensorSummary } from '../../core/src/index';
import { StoreReadError } from './errors';
import { type Freshness, describeFreshness } from './freshness';

/** Dependencies every route shares: the store, the clock and the staleness limit. */
export interface SensorSource {
  store: ReadingStore;
  now: () => Date;
  staleAfterMs: number;
}

export interface RatedSensor {
  sensor: SensorSummary;
  freshness: Freshness;
}

/** Lists every sensor with its freshness, sorted by room, then device and sensor id. */
export async function listRatedSensors(source: SensorSource): Promise<RatedSensor[]> {
  const sensors = await readStore(() => source.store.listSensors());
  const now = source.now();

  return sensors.sort(compareSensors).map((sensor) => ({
    sensor,
    freshness: describeFreshness(sensor.latest.takenAt, now, source.staleAfterMs),
  }));
}

/** Finds one sensor with its freshness, or `undefined` when it has never reported. */
export async function findRatedSensor(
  source: SensorSource,
  ref: SensorRef,
): Promise<RatedSensor | undefined> {
  const sensors = await listRatedSensors(source);

  return sensors.find(
    ({ sensor }) => sensor.deviceId === ref.deviceId && sensor.sensorId === ref.sensorId,
  );
}

/** Runs a store read and wraps any failure in a {@link StoreReadError}. */
export async function readStore<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new StoreReadError('reading the DynamoDB table failed', { cause: error });
  }
}

function compareSensors(left: SensorSummary, right: SensorSummary): number {
  return (
    left.room.localeCompare(right.room, 'en', { sensitivity: 'base', numeric: true }) ||
    left.deviceId.localeCompare(right.deviceId) ||
    left.sensorId.localeCompare(right.sensorId)
  );
}
