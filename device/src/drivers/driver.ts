/** One answer of a sensor, before any policy: what the library returned and its valid flag. */
export interface RawSample {
  temperature: number;
  humidity: number;
  valid: boolean;
}

/** How the collector reads one sensor; every driver goes through the same read policy. */
export interface SensorDriver {
  /** Least time between two reads that yields a fresh measurement rather than a cached one. */
  readonly minIntervalMs: number;
  /** True when the first answer of a run repeats a measurement taken at an earlier trigger. */
  readonly firstAnswerStale: boolean;
  read(): Promise<RawSample>;
}
