export { handler } from './lambda';
export { buildIngestHandler, createIngestHandler } from './handler';
export type { IngestHandler, IngestHandlerOptions } from './handler';
export { loadConfig, withDefaults } from './config';
export type { IngestConfig, IngestSettings } from './config';
export type { IngestResult } from './responses';
export type { ProxyEvent } from './event';
