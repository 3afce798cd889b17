import type { ValidationProblem } from '../../core/src/index';

/** The proxy result shape that both REST (v1) and HTTP API (v2) accept. */
export interface IngestResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export function jsonResult(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): IngestResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function errorResult(
  statusCode: number,
  error: string,
  headers: Record<string, string> = {},
): IngestResult {
  return jsonResult(statusCode, { error }, headers);
}

export function problemsResult(error: string, problems: ValidationProblem[]): IngestResult {
  return jsonResult(400, { error, problems });
}

export function unavailableResult(retryAfterSeconds: number): IngestResult {
  return errorResult(
    503,
    'the readings store is unavailable; nothing of this request was acknowledged, retry later',
    { 'retry-after': String(retryAfterSeconds) },
  );
}
