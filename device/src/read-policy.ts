import type { SensorType } from '../../core/src/index';
import { SENSOR_TYPES } from '../../core/src/sensor-types';
import type { RawSample } from './drivers/driver';

export const REJECTION_REASONS = [
  'read_error',
  'invalid',
  'out_of_range',
  'spike',
  'wrong_type',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];
export type Rejections = Partial<Record<RejectionReason, number>>;

/** A sample, or the error the driver threw while taking it. */
export type Sample = RawSample | { error: string };

/** The last reading accepted from a sensor, in raw (uncalibrated) values. */
export interface LastAccepted {
  temperature: number;
  humidity: number;
  takenAtMs: number;
}

export interface PolicyInput {
  /** Samples of this run, the stale first answer already left out. */
  samples: Sample[];
  type: SensorType;
  takenAtMs: number;
  lastAccepted?: LastAccepted;
  spike: { temperaturePerMinute: number; humidityPerMinute: number };
  offset: { temperature: number; humidity: number };
}

export interface PolicyResult {
  reading?: {
    temperature: number;
    humidity: number;
    raw: { temperature: number; humidity: number };
  };
  rejections: Rejections;
  /** Set when the samples look like another sensor type: a config problem, not readings. */
  misconfigured?: string;
}

// Smallest step each type reports: DHT11 whole units, DHT22 tenths. Two steps of jitter are
// allowed on top of the rate, or a DHT11 going 21 -> 22 within seconds would count as a spike.
const RESOLUTION: Record<SensorType, number> = { dht11: 1, dht22: 0.1 };

/**
 * Applies the read policy to one run's samples of one sensor: drops invalid, out-of-range,
 * wrongly typed and spiking samples (counting each by reason), and returns the calibrated median
 * of the rest with the raw median beside it.
 */
export function applyReadPolicy(input: PolicyInput): PolicyResult {
  const rejections: Rejections = {};
  const accepted: RawSample[] = [];
  for (const sample of input.samples) {
    const reason = judgeSample(sample, input);
    if (reason) rejections[reason] = (rejections[reason] ?? 0) + 1;
    else accepted.push(sample as RawSample);
  }

  if (accepted.length === 0) {
    const wrongType = rejections.wrong_type ?? 0;
    return wrongType > 0 ? { rejections, misconfigured: describeWrongType(input.type) } : { rejections };
  }
  const raw = {
    temperature: roundTenth(median(accepted.map((sample) => sample.temperature))),
    humidity: roundTenth(median(accepted.map((sample) => sample.humidity))),
  };
  const reading = {
    temperature: roundTenth(raw.temperature + input.offset.temperature),
    humidity: roundTenth(Math.min(100, Math.max(0, raw.humidity + input.offset.humidity))),
    raw,
  };

  return { reading, rejections };
}

function judgeSample(sample: Sample, input: PolicyInput): RejectionReason | undefined {
  if ('error' in sample) return 'read_error';
  if (!sample.valid) return 'invalid';
  if (looksLikeOtherType(sample, input.type)) return 'wrong_type';
  const range = SENSOR_TYPES[input.type];
  const inRange = (value: number, limits: { min: number; max: number }) =>
    Number.isFinite(value) && value >= limits.min && value <= limits.max;
  if (!inRange(sample.temperature, range.temperature) || !inRange(sample.humidity, range.humidity)) {
    return 'out_of_range';
  }
  if (input.lastAccepted && isSpike(sample, input)) return 'spike';

  return undefined;
}

function isSpike(sample: RawSample, input: PolicyInput): boolean {
  const last = input.lastAccepted!;
  const minutes = Math.max(0, input.takenAtMs - last.takenAtMs) / 60_000;
  const jitter = 2 * RESOLUTION[input.type];
  const temperatureLimit = input.spike.temperaturePerMinute * minutes + jitter;
  const humidityLimit = input.spike.humidityPerMinute * minutes + jitter;

  return (
    Math.abs(sample.temperature - last.temperature) > temperatureLimit ||
    Math.abs(sample.humidity - last.humidity) > humidityLimit
  );
}

/**
 * node-dht-sensor decodes a DHT11's bytes as a DHT22 into values 25.6 times too large (over
 * 200 %RH), and a DHT22's bytes as a DHT11 into a humidity of 0-3 %RH and 0-1 °C.
 */
function looksLikeOtherType(sample: RawSample, type: SensorType): boolean {
  if (type === 'dht22') return sample.humidity > 200 || sample.temperature > 200;

  return sample.humidity <= 3 && sample.temperature >= 0 && sample.temperature <= 1;
}

function describeWrongType(type: SensorType): string {
  const other = type === 'dht22' ? 'dht11' : 'dht22';
  return `the sensor answers like a ${other.toUpperCase()} but is configured as ${type}; set "type": "${other}" in the config`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);

  return sorted.length % 2 === 1
    ? sorted[middle]!
    : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function roundTenth(value: number): number {
  return Math.round(value * 10) / 10;
}
