// Every route of the app is GET, and hono runs the GET handler for HEAD as well.
const READ_ONLY = ['GET', 'HEAD'];

// The paths that `createApp` routes. Keep this list in step with the routes it adds.
const KNOWN_PATHS: RegExp[] = [
  /^\/$/,
  /^\/health$/,
  /^\/sensors\/[^/]+\/[^/]+$/,
  /^\/api\/sensors$/,
  /^\/api\/sensors\/[^/]+\/[^/]+\/readings$/,
  /^\/assets\/[^/]+$/,
];

/**
 * Returns the `Allow` header value when the app serves `path` but not with `method`, so the
 * request gets a 405. Returns `undefined` for an unknown path, and for an allowed method whose
 * handler found nothing (such as GET of an unknown asset): both stay 404.
 */
export function methodNotAllowed(method: string, path: string): string | undefined {
  if (READ_ONLY.includes(method)) return undefined;
  if (!KNOWN_PATHS.some((pattern) => pattern.test(path))) return undefined;

  return READ_ONLY.join(', ');
}
