import type { v1 } from '@datadog/datadog-api-client';

/** How a monitor's evaluation window relates to the collectors' schedule. */
export type Cadence = 'collector' | 'service';

/** The options hometemp sets on every monitor, in the API client's field names. */
export interface MonitorOptionsDefinition {
  thresholds: {
    critical: number;
    warning?: number;
    criticalRecovery?: number;
    warningRecovery?: number;
  };
  notifyNoData: boolean;
  noDataTimeframe?: number;
  requireFullWindow: boolean;
  renotifyInterval: number;
  renotifyStatuses?: v1.MonitorRenotifyStatusType[];
  evaluationDelay: number;
  includeTags: boolean;
  notifyAudit: boolean;
  newGroupDelay?: number;
}

/** One monitor as hometemp declares it; `key` is its stable identity across renames. */
export interface MonitorDefinition {
  key: string;
  name: string;
  type: 'query alert';
  query: string;
  message: string;
  tags: string[];
  priority: number;
  options: MonitorOptionsDefinition;
  /** `collector` monitors follow the reading schedule, so their windows are checked against it. */
  cadence: Cadence;
}

/** Datadog names and defaults that are not part of the site description. */
export interface GeneratorOptions {
  /** The ingest Lambda's function name, as tagged by Datadog (`functionname`). */
  ingestFunctionName: string;
  /** The frontend's APM service and the name of its request span. */
  frontendService: string;
  frontendSpanName: string;
  /** The `env` tag of the frontend's traces; unset matches every env. */
  env?: string;
  /** Minutes between reminders while a monitor stays critical. */
  renotifyMinutes: number;
}

export const DEFAULT_GENERATOR_OPTIONS: GeneratorOptions = {
  ingestFunctionName: 'hometemp-ingest',
  frontendService: 'hometemp-frontend',
  frontendSpanName: 'hono.request',
  renotifyMinutes: 120,
};

/** Tags that mark what `sync` owns; it never changes a monitor without both. */
export const MANAGED_TAG = 'managed-by:hometemp';
export const ID_TAG_PREFIX = 'hometemp-id:';
