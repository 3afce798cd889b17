import { client, v1, v2 } from '@datadog/datadog-api-client';
import type { Logger } from '../../core/src/index';
import type { MonitorsConfig } from './config';

export type Sleep = (milliseconds: number) => Promise<void>;

export interface RetryOptions {
  /** Retries after a 429 or a 5xx before the request fails. */
  maxRetries: number;
  /** First backoff after a 5xx, doubled on each further attempt. */
  backoffMs: number;
  sleep: Sleep;
  logger?: Logger;
}

export const defaultSleep: Sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

// Every POST that sync sends creates something, except the monitor validate endpoint.
function isIdempotent(request: client.RequestContext): boolean {
  return request.getHttpMethod() !== client.HttpMethod.POST || new URL(request.getUrl()).pathname.endsWith('/validate');
}

/**
 * The client's HTTP layer with Datadog's rate limits honoured: after a 429 it waits
 * `X-RateLimit-Reset` seconds, when `X-RateLimit-Remaining` reaches 0 it waits for the reset
 * before the next request, and a 5xx is retried with exponential backoff unless the request is a
 * POST that creates something.
 */
export class RateLimitedHttpLibrary implements client.HttpLibrary {
  private readonly inner = new client.IsomorphicFetchHttpLibrary();
  private waitUntilReset = 0;

  constructor(private readonly options: RetryOptions) {}

  async send(request: client.RequestContext): Promise<client.ResponseContext> {
    for (let attempt = 0; ; attempt++) {
      if (this.waitUntilReset > 0) {
        const wait = this.waitUntilReset;
        this.waitUntilReset = 0;
        this.options.logger?.info({ wait_ms: wait }, 'rate limit exhausted; waiting for the reset');
        await this.options.sleep(wait);
      }
      const response = await this.inner.send(request);
      const status = response.httpStatusCode;
      const resetMs = Number(response.headers['x-ratelimit-reset'] ?? '1') * 1000;
      if (response.headers['x-ratelimit-remaining'] === '0') this.waitUntilReset = resetMs;
      // A 429 was not processed, but a POST that failed with a 5xx may have been: the caller
      // checks whether it took effect before sending it again.
      const retryable = status === 429 || (status >= 500 && isIdempotent(request));
      if (!retryable || attempt >= this.options.maxRetries) return response;
      const wait = status === 429 ? resetMs : this.options.backoffMs * 2 ** attempt;
      this.options.logger?.warn(
        { status, attempt: attempt + 1, wait_ms: wait, url: request.getUrl() },
        'Datadog answered with a retryable status; retrying',
      );
      this.waitUntilReset = 0;
      await this.options.sleep(wait);
    }
  }
}

/** The Datadog API clients the sync command uses, pointed at `config.apiUrl`. */
export interface DatadogApis {
  monitors: v1.MonitorsApi;
  dashboards: v1.DashboardsApi;
  downtimes: v2.DowntimesApi;
}

export function createDatadogApis(config: MonitorsConfig, retry: Partial<RetryOptions> = {}): DatadogApis {
  const configuration = client.createConfiguration({
    baseServer: new client.BaseServerConfiguration(config.apiUrl, {}),
    authMethods: { apiKeyAuth: config.apiKey, appKeyAuth: config.appKey },
    httpApi: new RateLimitedHttpLibrary({ maxRetries: 3, backoffMs: 1000, sleep: defaultSleep, ...retry }),
    // Compression is off so the request bodies are plain JSON for proxies and the local fake.
    httpConfig: { compress: false },
  });

  return {
    monitors: new v1.MonitorsApi(configuration),
    dashboards: new v1.DashboardsApi(configuration),
    downtimes: new v2.DowntimesApi(configuration),
  };
}
