import { type Context, Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { type Logger, type ReadingStore, createLogger } from '../../core/src/index';
import { methodNotAllowed } from './method-not-allowed';
import { apiRoutes } from './api-routes';
import { assetRoutes } from './assets';
import { StoreReadError } from './errors';
import { DEFAULT_STALE_AFTER_MS } from './freshness';
import { pageRoutes } from './page-routes';
import { renderMessagePage } from './views/layout';

export interface AppOptions {
  store: ReadingStore;
  /** Logger for request and error lines; a `frontend` logger on stdout when absent. */
  logger?: Logger;
  /** The clock for "last seen" and default ranges; tests pass a fixed one. */
  now?: () => Date;
  /** Maximum age of a sensor's latest reading before it is marked stale; 45 min by default. */
  staleAfterMs?: number;
}

type AppEnv = { Variables: { requestId: string } };

// Sent as Retry-After on a 503, so API clients know when to try again.
const RETRY_AFTER_SECONDS = 30;

/**
 * Creates the whole dashboard: the overview at `/`, sensor pages, the JSON API under `/api`,
 * static assets under `/assets` and `GET /health`.
 */
export function createApp(options: AppOptions): Hono<AppEnv> {
  const logger = options.logger ?? createLogger({ service: 'frontend' });
  const source = {
    store: options.store,
    now: options.now ?? (() => new Date()),
    staleAfterMs: options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
  };
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(secureHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY }));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    logger.info(
      {
        request_id: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        duration_ms: Math.round(performance.now() - started),
      },
      'request served',
    );
  });

  // Liveness only: a load balancer must not take every instance out when DynamoDB blips.
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.route('/assets', assetRoutes());
  app.route('/api', apiRoutes(source));
  app.route('/', pageRoutes(source));

  app.notFound((c) => {
    const allow = methodNotAllowed(c.req.method, c.req.path);
    if (allow) {
      c.header('Allow', allow);
      const message = `${c.req.method} is not allowed on ${c.req.path}; use GET`;
      if (isApiRequest(c)) return c.json({ error: message }, 405);
      return c.html(renderMessagePage('Method not allowed', `${message}.`), 405);
    }
    if (isApiRequest(c))
      return c.json({ error: `no endpoint at ${c.req.method} ${c.req.path}` }, 404);
    return c.html(renderMessagePage('Page not found', 'There is no page at this address.'), 404);
  });
  app.onError((error, c) => {
    logger.error({ request_id: c.get('requestId'), path: c.req.path, error }, 'request failed');
    if (error instanceof StoreReadError) {
      c.header('Retry-After', String(RETRY_AFTER_SECONDS));
      const message = `The readings store is unavailable. Try again in ${RETRY_AFTER_SECONDS} seconds.`;
      if (isApiRequest(c)) return c.json({ error: message }, 503);
      return c.html(renderMessagePage('Readings unavailable', message), 503);
    }
    if (isApiRequest(c)) return c.json({ error: 'internal error' }, 500);
    return c.html(renderMessagePage('Something went wrong', 'The page could not be built.'), 500);
  });

  return app;
}

// Everything comes from this origin: no inline scripts or styles, no CDN, no framing.
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

function isApiRequest(c: Context): boolean {
  return c.req.path === '/api' || c.req.path.startsWith('/api/');
}
