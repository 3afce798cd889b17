import type { SensorConfig } from '../config';
import { createDhtDriver } from './dht';
import type { SensorDriver } from './driver';
import { createFakeDriver } from './fake';
import type { Recording } from './recording';
import { loadRecording } from './recording';
import { type ReplayCursor, createReplayDriver } from './replay';

const FAKE_DEFAULT = { temperature: 21, humidity: 45 };

/** Opens the driver a sensor's config names; recordings are loaded once per path. */
export function createDriver(
  sensor: SensorConfig,
  context: { replayCursor: ReplayCursor; recordings: Map<string, Recording> },
): SensorDriver {
  switch (sensor.driver) {
    case 'dht':
      return createDhtDriver({ type: sensor.type, pin: sensor.pin! });
    case 'fake':
      return createFakeDriver({ ...(sensor.fake ?? FAKE_DEFAULT), valid: true });
    case 'replay': {
      const path = sensor.csvPath!;
      let recording = context.recordings.get(path);
      if (!recording) {
        recording = loadRecording(path);
        context.recordings.set(path, recording);
      }

      return createReplayDriver(recording, context.replayCursor);
    }
  }
}
