import type { IngestRequest } from './event';

/** The reason a body could not become JSON, with the status the handler returns for it. */
export type BodyFailure =
  | { status: 415; error: string }
  | { status: 413; error: string }
  | { status: 400; error: string; message: string };

const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks the content type and size of a request body, decodes base64 and UTF-8, and parses the
 * JSON. The size limit applies to the decoded bytes, and an oversized base64 body is rejected
 * before it is decoded.
 */
export function readJsonBody(
  request: IngestRequest,
  maxBodyBytes: number,
): { json: unknown } | BodyFailure {
  const contentType = request.headers['content-type'];
  if (!contentType || !JSON_MEDIA_TYPE.test(contentType)) {
    return {
      status: 415,
      error: `Content-Type must be application/json, got ${contentType ? JSON.stringify(contentType.slice(0, 100)) : 'none'}`,
    };
  }

  const body = request.body ?? '';
  const tooLarge = {
    status: 413 as const,
    error: `the request body is larger than ${maxBodyBytes} bytes; send at most 100 readings per batch`,
  };
  let bytes: Buffer;
  if (request.isBase64Encoded) {
    const compact = body.replace(/\s+/g, '');
    if (Math.floor((compact.length * 3) / 4) - 2 > maxBodyBytes) return tooLarge;
    if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
      return invalid('the body is marked base64-encoded but is not valid base64');
    }
    bytes = Buffer.from(compact, 'base64');
  } else {
    bytes = Buffer.from(body, 'utf8');
  }
  if (bytes.length > maxBodyBytes) return tooLarge;
  if (bytes.length === 0) return invalid('the body is empty; send a JSON object');

  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return invalid('the body is not valid UTF-8');
  }
  try {
    return { json: JSON.parse(text) as unknown };
  } catch (error) {
    return invalid(`the body is not valid JSON: ${(error as Error).message}`);
  }
}

const invalid = (message: string): BodyFailure => ({
  status: 400,
  error: 'invalid request body',
  message,
});
