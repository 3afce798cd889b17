// datadog-lambda-js reads these when the ingest handler is wrapped, so this module is imported
// before anything else. They are forced, whatever the shell has set: without DD_FLUSH_TO_LOG,
// datadog-lambda-js posts metrics to Datadog's public API, and the local stack must reach
// nothing beyond loopback. No trace is sent because no Datadog Agent runs here.
process.env.DD_FLUSH_TO_LOG = 'true';
process.env.DD_TRACE_ENABLED = 'false';
process.env.DD_MERGE_XRAY_TRACES = 'false';
process.env.DD_SERVICE = 'hometemp-ingest';
// datadog-lambda-js 12 splits an unset DD_TAGS into one empty tag on every custom metric.
process.env.DD_TAGS = 'env:local';
