import type { SensorDriver } from './driver';
import type { Recording } from './recording';

/** Where a replay continues; the caller keeps it in the sensor's state between runs. */
export interface ReplayCursor {
  index: number;
}

/**
 * Plays back a recording one row per read, wrapping around at the end. Recorded rows are
 * already separate measurements, so no answer is stale and no spacing is needed.
 */
export function createReplayDriver(recording: Recording, cursor: ReplayCursor): SensorDriver {
  return {
    minIntervalMs: 0,
    firstAnswerStale: false,
    async read() {
      const row = recording.rows[cursor.index % recording.rows.length]!;
      cursor.index = (cursor.index + 1) % recording.rows.length;

      return { temperature: row.temperature, humidity: row.humidity, valid: true };
    },
  };
}
