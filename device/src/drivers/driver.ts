/** One sample from a sensor before any policy: the values the library returned and its valid flag. */
export interface RawSample {
  temperature: number;
  humidity: number;
  valid: boolean;
}

/** A source of samples for one sensor. Every driver's samples go through the same read policy. */
export interface SensorDriver {
  /** Minimum time between two reads for the second to return a fresh measurement, not a cached one. */
  readonly minIntervalMs: number;
  /** True when the first sample of a run repeats a measurement taken at an earlier trigger. */
  readonly firstAnswerStale: boolean;
  read(): Promise<RawSample>;
}
