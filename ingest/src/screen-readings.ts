import {
  type Reading,
  type ValidationProblem,
  PHYSICAL_RANGE,
  batchSchema,
  describeIssues,
  readingId,
} from '../../core/src/index';

/** Reason a reading of a valid batch is not stored, also the `reason` tag of its metric. */
export type RejectionReason = 'out_of_range' | 'in_future' | 'before_epoch';

export interface Rejection {
  id: string;
  reason: RejectionReason;
  message: string;
}

export interface ScreenOptions {
  /** The device the API key belongs to. */
  deviceId: string;
  receivedAt: Date;
  maxFutureSeconds: number;
  earliestReading: Date;
}

export type ScreenResult =
  | { forbidden: string }
  | { problems: ValidationProblem[] }
  | { accepted: Reading[]; rejected: Rejection[] };

/**
 * Decides what happens to each reading of a request body: the whole batch is forbidden when a
 * reading names another device, invalid when it breaks the reading contract, and otherwise each
 * reading is accepted or rejected on its own (physical range, time).
 */
export function screenReadings(json: unknown, options: ScreenOptions): ScreenResult {
  const foreign = findForeignDevice(json, options.deviceId);
  if (foreign !== undefined) {
    return {
      forbidden: `this API key belongs to device "${options.deviceId}" and cannot write readings of device ${JSON.stringify(foreign).slice(0, 80)}`,
    };
  }

  const parsed = batchSchema.safeParse(json);
  if (!parsed.success) return { problems: describeIssues(parsed.error) };

  const accepted: Reading[] = [];
  const rejected: Rejection[] = [];
  for (const reading of parsed.data.readings) {
    const rejection = checkReading(reading, options);
    if (rejection) rejected.push({ id: readingId(reading), ...rejection });
    else accepted.push(reading);
  }

  return { accepted, rejected };
}

function findForeignDevice(json: unknown, deviceId: string): unknown {
  if (typeof json !== 'object' || json === null || !('readings' in json)) return undefined;
  const { readings } = json as { readings: unknown };
  if (!Array.isArray(readings)) return undefined;
  for (const reading of readings as unknown[]) {
    if (typeof reading !== 'object' || reading === null || !('deviceId' in reading)) continue;
    const claimed = (reading as { deviceId: unknown }).deviceId;
    if (typeof claimed === 'string' && claimed !== deviceId) return claimed;
  }
  return undefined;
}

function checkReading(
  reading: Reading,
  options: ScreenOptions,
): Omit<Rejection, 'id'> | undefined {
  const takenAt = new Date(reading.takenAt).getTime();
  const latest = options.receivedAt.getTime() + options.maxFutureSeconds * 1000;
  if (takenAt > latest) {
    return {
      reason: 'in_future',
      message: `takenAt ${reading.takenAt} is more than ${options.maxFutureSeconds} s after the time of receipt ${options.receivedAt.toISOString()}; check the device clock`,
    };
  }
  if (takenAt < options.earliestReading.getTime()) {
    return {
      reason: 'before_epoch',
      message: `takenAt ${reading.takenAt} is before ${options.earliestReading.toISOString()}, the earliest plausible reading; the device clock was probably not set`,
    };
  }

  return (
    checkRange(reading.temperature, reading.humidity, '') ??
    (reading.raw && checkRange(reading.raw.temperature, reading.raw.humidity, 'raw '))
  );
}

// The raw values are checked too: a calibration offset can bring an impossible sensor value back
// into range, and a sensor that returns 500 °C is broken whatever the offset.
function checkRange(
  temperatureValue: number,
  humidityValue: number,
  label: '' | 'raw ',
): Omit<Rejection, 'id'> | undefined {
  const { temperature, humidity } = PHYSICAL_RANGE;
  if (temperatureValue < temperature.min || temperatureValue > temperature.max) {
    return {
      reason: 'out_of_range',
      message: `${label}temperature ${temperatureValue} °C is outside the physical range ${temperature.min} to ${temperature.max} °C`,
    };
  }
  if (humidityValue < humidity.min || humidityValue > humidity.max) {
    return {
      reason: 'out_of_range',
      message: `${label}humidity ${humidityValue} %RH is outside the physical range ${humidity.min} to ${humidity.max} %RH`,
    };
  }
  return undefined;
}
