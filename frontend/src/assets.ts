import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { etag } from 'hono/etag';

interface Asset {
  contentType: string;
  body: string;
}

// uPlot comes from node_modules rather than a CDN: a home network may have no internet, and
// the dashboard must not load code from another origin.
const ASSET_FILES: Record<string, { file: string; contentType: string }> = {
  'uPlot.iife.min.js': {
    file: require.resolve('uplot/dist/uPlot.iife.min.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
  'uPlot.min.css': {
    file: require.resolve('uplot/dist/uPlot.min.css'),
    contentType: 'text/css; charset=utf-8',
  },
  'app.css': {
    file: path.join(__dirname, '../assets/app.css'),
    contentType: 'text/css; charset=utf-8',
  },
  'sensor-page.js': {
    file: path.join(__dirname, '../assets/sensor-page.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
};

/** Reads the static files once and serves them under `/assets/<name>` with an ETag. */
export function assetRoutes(): Hono {
  const assets = new Map<string, Asset>(
    Object.entries(ASSET_FILES).map(([name, { file, contentType }]) => [
      name,
      { contentType, body: readFileSync(file, 'utf8') },
    ]),
  );
  const routes = new Hono();
  routes.use('*', etag());
  routes.get('/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.notFound();

    // Names carry no content hash, so browsers revalidate with the ETag after five minutes.
    c.header('Cache-Control', 'public, max-age=300');
    c.header('Content-Type', asset.contentType);
    return c.body(asset.body);
  });

  return routes;
}
