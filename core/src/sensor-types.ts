/** The DHT sensors hometemp reads, with the range each is specified to measure. */
export const SENSOR_TYPES = {
  dht11: { temperature: { min: 0, max: 50 }, humidity: { min: 20, max: 90 }, minIntervalMs: 1000 },
  dht22: { temperature: { min: -40, max: 80 }, humidity: { min: 0, max: 100 }, minIntervalMs: 2000 },
} as const;

export type SensorType = keyof typeof SENSOR_TYPES;

/** The widest range any supported sensor reports: what ingest accepts as physically possible. */
export const PHYSICAL_RANGE = {
  temperature: { min: -40, max: 80 },
  humidity: { min: 0, max: 100 },
} as const;
