export {
  ConfigError,
  HometempError,
  InvalidReadingError,
  PartialWriteError,
  StoreUnavailableError,
} from './errors';
export { createLogger } from './logger';
export type { Logger, LoggerOptions, Service } from './logger';
export {
  MAX_BATCH_SIZE,
  batchSchema,
  describeIssues,
  idSchema,
  printableTextSchema,
  readingId,
  roomSchema,
  readingSchema,
} from './reading';
export type { Batch, Reading, ReadingInput, ValidationProblem } from './reading';
export { PHYSICAL_RANGE, SENSOR_TYPES } from './sensor-types';
export type { SensorType } from './sensor-types';
export { RUN_OUTCOMES, SENSOR_STATUSES, heartbeatSchema } from './heartbeat';
export type { Heartbeat, RunOutcome, SensorStatus } from './heartbeat';
export { createDocumentClient, ensureTable } from './dynamodb';
export type { ClientOptions } from './dynamodb';
export { ReadingStore } from './store';
export type { PutResult, SensorSummary, StoreOptions, TimeRange } from './store';
export type { AggregatePeriod, SensorRef } from './table';
export { bucketOf } from './table';
export type { Aggregate, Stats } from './aggregates';
export type { DeviceRun, HeartbeatPutResult, SensorStatusRecord } from './heartbeat-store';
export { toTagValue } from './metric-tags';
export { siteSchema } from './site';
export type { Site, SiteDevice, SiteDowntime, SiteInput, SiteRoom, SiteSensor } from './site';
