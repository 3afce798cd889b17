// Imported first by ingest tests: it runs before datadog-lambda-js and the AWS SDK read the
// environment, so that metrics go to stdout and nothing can reach beyond loopback.
process.env.DD_FLUSH_TO_LOG = 'true';
process.env.DD_TRACE_AGENT_URL = 'http://127.0.0.1:9';
process.env.DD_AGENT_HOST = '127.0.0.1';
process.env.DD_SITE = 'localhost';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
delete process.env.DD_API_KEY;
delete process.env.DD_KMS_API_KEY;
delete process.env.DD_API_KEY_SECRET_ARN;

export {};
