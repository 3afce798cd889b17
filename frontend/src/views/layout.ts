import { html } from 'hono/html';

export type Html = ReturnType<typeof html>;

export interface PageOptions {
  title: string;
  body: Html;
  /** Script paths under `/assets/`, loaded at the end of the body in this order. */
  scripts?: string[];
  /** Reloads the page after this many seconds, for pages left open on a wall screen. */
  refreshSeconds?: number;
}

/** Wraps a page body in the document every page shares. */
export function renderPage(options: PageOptions): Html {
  const refresh =
    options.refreshSeconds === undefined
      ? ''
      : html`<meta http-equiv="refresh" content="${options.refreshSeconds}" />`;
  const scripts = (options.scripts ?? []).map(
    (name) => html`<script src="/assets/${name}" defer></script>`,
  );

  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${refresh}
        <title>${options.title} · hometemp</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/assets/uPlot.min.css" />
        <link rel="stylesheet" href="/assets/app.css" />
      </head>
      <body>
        <main>${options.body}</main>
        ${scripts}
      </body>
    </html> `;
}

/** Renders a page that only states a problem, such as a 404 or a 503. */
export function renderMessagePage(title: string, message: string): Html {
  return renderPage({
    title,
    body: html`<header class="page-header">
        <p class="breadcrumb"><a href="/">← All sensors</a></p>
        <h1>${title}</h1>
      </header>
      <p class="message">${message}</p>`,
  });
}
