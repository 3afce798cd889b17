import type StatsD from 'hot-shots';
import type { Logger } from '../../core/src/index';
import { toTagValue } from '../../core/src/metric-tags';

/** Span helpers the run uses; `noTracing` is the no-op implementation used when tracing is off. */
export interface Tracing {
  /** Runs `work` inside a span that finishes when it settles. */
  span<T>(
    name: string,
    options: { resource: string; tags?: Record<string, string | number> },
    work: (context: SpanContext) => Promise<T>,
  ): Promise<T>;
}

export interface SpanContext {
  /** The trace id as Datadog shows it, or undefined without tracing. */
  traceId?: string;
  /** Adds the trace propagation headers for a request made inside this span. */
  inject(headers: Record<string, string>): void;
  setTag(key: string, value: string | number): void;
}

export const noTracing: Tracing = {
  span: (_name, _options, work) => work({ inject() {}, setTag() {} }),
};

export interface TracingOptions {
  agentUrl: string;
  version: string;
  deviceId: string;
  /** Environment handed to dd-trace: its settings below are written into it before init. */
  env: Record<string, string | undefined>;
}

// dd-trace 5.x settings (names from its config/supported-configurations.json) that turn off
// every feature a short CLI run does not use. Each of them loads code, starts a timer or calls
// the Agent on its own, which would slow the run or keep the process waiting for an absent Agent.
const TRACER_ENV = {
  DD_TRACE_STARTUP_LOGS: 'false',
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
  DD_REMOTE_CONFIGURATION_ENABLED: 'false',
  DD_CRASHTRACKING_ENABLED: 'false',
  DD_RUNTIME_METRICS_ENABLED: 'false',
  DD_PROFILING_ENABLED: 'false',
  DD_APPSEC_ENABLED: 'false',
  DD_IAST_ENABLED: 'false',
  DD_DYNAMIC_INSTRUMENTATION_ENABLED: 'false',
  DD_DATA_STREAMS_ENABLED: 'false',
  DD_LLMOBS_ENABLED: 'false',
  DD_TRACE_STATS_COMPUTATION_ENABLED: 'false',
  DD_CODE_ORIGIN_FOR_SPANS_ENABLED: 'false',
  DD_TRACE_GIT_METADATA_ENABLED: 'false',
  // The fetch instrumentation reads globalThis.fetch at init, which loads undici (about 5 MB RSS).
  DD_TRACE_DISABLED_INSTRUMENTATIONS: 'fetch',
} as const;

/**
 * Starts dd-trace for a short-lived CLI run. Spans are sent as soon as a trace finishes
 * (`flushInterval` 0), no library is instrumented (`plugins` false), and the features in
 * `TRACER_ENV` are off, so an absent Agent costs one refused connection and leaves nothing waiting.
 */
export function startTracing(options: TracingOptions): Tracing {
  Object.assign(options.env, TRACER_ENV, { DD_TRACE_AGENT_URL: options.agentUrl });
  // Loaded here, not at the top, so a run with tracing off never pays for loading dd-trace.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  const tracer = (require('dd-trace') as typeof import('dd-trace')).default.init({
    service: 'hometemp-collector',
    version: options.version,
    url: options.agentUrl,
    flushInterval: 0,
    plugins: false,
    startupLogs: false,
    tags: { device: options.deviceId },
  });

  return {
    span: (name, spanOptions, work) =>
      tracer.trace(name, { resource: spanOptions.resource, tags: spanOptions.tags }, (span) =>
        span
          ? work({
              traceId: span.context().toTraceId(),
              inject: (headers) => tracer.inject(span, 'http_headers', headers),
              setTag: (key, value) => span.setTag(key, value),
            })
          : noTracing.span(name, spanOptions, work),
      ),
  };
}

/** The collector's DogStatsD metrics; names and tags as in docs/metrics.md. */
export interface Metrics {
  readingSent(tags: SensorTags, count: number): void;
  /** Readings that ingest rejected and the collector moved to `rejected.jsonl`. */
  rejectedByServer(tags: SensorTags, count: number): void;
  rejection(tags: SensorTags & { reason: string }, count: number): void;
  spoolDepth(depth: number): void;
  runDuration(ms: number): void;
  deliveryFailure(): void;
  /** Sends what is buffered and closes the socket. */
  close(): Promise<void>;
}

export interface SensorTags {
  sensor: string;
  room: string;
}

export const noMetrics: Metrics = {
  readingSent() {},
  rejectedByServer() {},
  rejection() {},
  spoolDepth() {},
  runDuration() {},
  deliveryFailure() {},
  close: async () => {},
};

/** Opens a DogStatsD client over UDP; send errors are logged once, never thrown. */
export function startMetrics(options: {
  host: string;
  port: number;
  deviceId: string;
  logger: Logger;
}): Metrics {
  let errorLogged = false;
  // Loaded here, like dd-trace, so a Pi without an Agent never evaluates the client.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  const { StatsD: Client } = require('hot-shots') as { StatsD: typeof StatsD };
  const client = new Client({
    host: options.host,
    port: options.port,
    prefix: 'hometemp.collector.',
    globalTags: { device: toTagValue(options.deviceId) },
    includeDataDogTags: false,
    includeDatadogTelemetry: false,
    // One datagram for the whole run in the usual case; close() sends what is left.
    maxBufferSize: 1400,
    // close() waits this long (default 50 ms) for follow-up sends the collector never makes,
    // and up to 11 times as long for datagrams still in flight.
    closingFlushInterval: 5,
    errorHandler: (error) => {
      if (errorLogged) return;
      errorLogged = true;
      options.logger.warn({ error }, 'sending metrics over DogStatsD failed');
    },
  });

  return {
    readingSent: (tags, count) => client.increment('readings_sent', count, tagValues(tags)),
    rejectedByServer: (tags, count) => client.increment('rejected_by_server', count, tagValues(tags)),
    rejection: (tags, count) => client.increment('rejections', count, tagValues(tags)),
    spoolDepth: (depth) => client.gauge('spool_depth', depth),
    runDuration: (ms) => client.distribution('run_duration', ms),
    deliveryFailure: () => client.increment('delivery_failures', 1),
    close: () => new Promise((resolve) => client.close(() => resolve())),
  };
}

// The same conversion Datadog applies on intake and ingest applies to the heartbeat metrics, so a
// room such as "Living Room" is the tag room:living_room from both paths.
function tagValues(tags: SensorTags & { reason?: string }): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([key, value]) => [key, toTagValue(value)]));
}
