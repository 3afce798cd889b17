import type { z } from 'zod';
import { toTagValue } from './metric-tags';
import { SENSOR_TYPES } from './sensor-types';
import type { SensorType } from './sensor-types';

interface Levels {
  warning: number;
  critical: number;
}

/** The parts of a parsed site that the room checks read. */
interface RoomsAndSensors {
  rooms: { name: string; temperature: { high: Levels; low: Levels }; humidity: { high: Levels } }[];
  devices: { sensors: { id: string; type: SensorType; room: string }[] }[];
}

type Context = z.RefinementCtx;

/** Reports rooms whose names become the same Datadog tag, such as `Living room` and `living room`. */
export function checkRoomTags(site: RoomsAndSensors, context: Context): void {
  const byTag = new Map<string, string>();
  site.rooms.forEach((room, index) => {
    const tag = toTagValue(room.name);
    const other = byTag.get(tag);
    if (other !== undefined && other !== room.name) {
      context.addIssue({
        code: 'custom',
        path: ['rooms', index, 'name'],
        message: `"${room.name}" and "${other}" both become the Datadog tag room:${tag}, so their monitors would watch the same readings; rename one`,
      });
    }
    if (other === undefined) byTag.set(tag, room.name);
  });
}

const THRESHOLDS = [
  ['temperature', 'high', '°C'],
  ['temperature', 'low', '°C'],
  ['humidity', 'high', '%RH'],
] as const;

/**
 * Reports rooms without a sensor, whose monitors could never fire, and thresholds outside the
 * range a sensor of that room measures, which it can never report.
 */
export function checkRoomSensors(site: RoomsAndSensors, context: Context): void {
  const sensors = site.devices.flatMap((device) => device.sensors);
  site.rooms.forEach((room, index) => {
    const inRoom = sensors.filter((sensor) => sensor.room === room.name);
    if (inRoom.length === 0) {
      context.addIssue({
        code: 'custom',
        path: ['rooms', index],
        message: `"${room.name}" has no sensor, so its monitors would never fire; add a sensor with room "${room.name}" to a device, or remove the room`,
      });
    }
    for (const sensor of inRoom) {
      for (const [quantity, side, unit] of THRESHOLDS) {
        const { min, max } = SENSOR_TYPES[sensor.type][quantity];
        const levels = room[quantity][side as 'high'];
        for (const level of ['warning', 'critical'] as const) {
          const value = levels[level];
          if (value >= min && value <= max) continue;
          context.addIssue({
            code: 'custom',
            path: ['rooms', index, quantity, side, level],
            message: `is ${value} ${unit}, outside the ${min} to ${max} ${unit} that sensor "${sensor.id}" (${sensor.type}) in "${room.name}" measures, so it could never be reached; use a value in that range or a sensor type that covers it`,
          });
        }
      }
    }
  });
}
