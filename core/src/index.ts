export { HometempError, ConfigError, InvalidReadingError, StoreUnavailableError } from './errors';
export { createLogger } from './logger';
export type { Logger, LoggerOptions, Service } from './logger';
export {
  MAX_BATCH_SIZE,
  batchSchema,
  describeIssues,
  idSchema,
  readingId,
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
export type { PutResult, SensorSummary, TimeRange } from './store';
export type { SensorRef } from './table';
export { siteSchema } from './site';
export type { Site, SiteDevice, SiteDowntime, SiteInput, SiteRoom, SiteSensor } from './site';
