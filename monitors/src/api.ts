import { client, logger as clientLogger, v1, v2 } from '@datadog/datadog-api-client';
import { HometempError } from '../../core/src/index';
import type { MonitorsConfig } from './config';

export type Sleep = (milliseconds: number) => Promise<void>;

export interface RetryOptions {
  /** Retries after a 429 or a 5xx before the request fails. */
  maxRetries: number;
  /** First backoff after a 5xx, doubled on each further attempt. */
  backoffMs: number;
  /** How long one request may take before it fails, in milliseconds. */
  timeoutMs: number;
  /** The maximum rate-limit wait; a longer `X-RateLimit-Reset` fails the request instead. */
  maxWaitMs: number;
  sleep: Sleep;
  /** Receives one line for every retry and every wait, for the person running sync. */
  notice?: (text: string) => void;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_WAIT_MS = 60_000;

export const defaultSleep: Sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** A Datadog request that got no usable response: a timeout, a refused connection, a long rate limit. */
export class DatadogRequestError extends HometempError {}

// Every POST that sync sends creates something, except the monitor validate endpoint.
function isIdempotent(request: client.RequestContext): boolean {
  return request.getHttpMethod() !== client.HttpMethod.POST || new URL(request.getUrl()).pathname.endsWith('/validate');
}

const describeRequest = (request: client.RequestContext) => {
  const url = new URL(request.getUrl());
  return `${request.getHttpMethod()} ${url.origin}${url.pathname}`;
};

const seconds = (milliseconds: number) => `${Math.round(milliseconds / 100) / 10} s`;

/**
 * The client's HTTP layer with a timeout per request and Datadog's rate limits honoured. After a
 * 429 it waits `X-RateLimit-Reset` seconds, and when `X-RateLimit-Remaining` reaches 0 it waits
 * for the reset before the next request. A wait longer than `maxWaitMs` fails instead. A 5xx is
 * retried with exponential backoff unless the request is a POST that creates something.
 */
export class RateLimitedHttpLibrary implements client.HttpLibrary {
  private readonly inner = new client.IsomorphicFetchHttpLibrary();
  private waitUntilReset = 0;

  constructor(private readonly options: RetryOptions) {}

  private async wait(milliseconds: number, request: client.RequestContext, reason: string): Promise<void> {
    if (milliseconds > this.options.maxWaitMs) {
      const retryAt = new Date(Date.now() + milliseconds).toISOString();
      throw new DatadogRequestError(
        `Datadog's rate limit for ${describeRequest(request)} resets in ${seconds(milliseconds)}, longer than the ${seconds(this.options.maxWaitMs)} sync waits; run sync again after ${retryAt}`,
      );
    }
    this.options.notice?.(`${reason}; waiting ${seconds(milliseconds)}`);
    await this.options.sleep(milliseconds);
  }

  private async sendOnce(request: client.RequestContext): Promise<client.ResponseContext> {
    request.setHttpConfig({ ...request.getHttpConfig(), signal: AbortSignal.timeout(this.options.timeoutMs) });
    try {
      return await this.inner.send(request);
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new DatadogRequestError(
          `${describeRequest(request)} got no response within ${seconds(this.options.timeoutMs)}; check the network or raise --timeout`,
          { cause: error },
        );
      }
      // node-fetch puts the system error code (ECONNREFUSED, ENOTFOUND) on the error, undici on its cause.
      const failure = error as { code?: string; message: string; cause?: { code?: string } };
      const detail = failure.code ?? failure.cause?.code ?? failure.message;
      throw new DatadogRequestError(`cannot reach the Datadog API at ${new URL(request.getUrl()).origin}: ${detail}`, { cause: error });
    }
  }

  async send(request: client.RequestContext): Promise<client.ResponseContext> {
    for (let attempt = 0; ; attempt++) {
      if (this.waitUntilReset > 0) {
        const wait = this.waitUntilReset;
        this.waitUntilReset = 0;
        await this.wait(wait, request, 'Datadog rate limit used up');
      }
      const response = await this.sendOnce(request);
      const status = response.httpStatusCode;
      const resetMs = Number(response.headers['x-ratelimit-reset'] ?? '1') * 1000;
      if (response.headers['x-ratelimit-remaining'] === '0') this.waitUntilReset = resetMs;
      // A 429 was not processed, but a POST that failed with a 5xx may have been: the caller
      // checks whether it took effect before sending it again.
      const retryable = status === 429 || (status >= 500 && isIdempotent(request));
      if (!retryable || attempt >= this.options.maxRetries) return response;
      const wait = status === 429 ? resetMs : this.options.backoffMs * 2 ** attempt;
      this.waitUntilReset = 0;
      await this.wait(wait, request, `Datadog returned ${status} to ${describeRequest(request)}; retry ${attempt + 1} of ${this.options.maxRetries}`);
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
  // The client logs every failed fetch to the console with a stack; sync reports it in one line.
  clientLogger.setLevel('silent');
  const configuration = client.createConfiguration({
    baseServer: new client.BaseServerConfiguration(config.apiUrl, {}),
    authMethods: { apiKeyAuth: config.apiKey, appKeyAuth: config.appKey },
    httpApi: new RateLimitedHttpLibrary({
      maxRetries: 3,
      backoffMs: 1000,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      maxWaitMs: DEFAULT_MAX_WAIT_MS,
      sleep: defaultSleep,
      ...retry,
    }),
    // Compression is off so the request bodies are plain JSON for proxies and the local fake.
    httpConfig: { compress: false },
  });

  return {
    monitors: new v1.MonitorsApi(configuration),
    dashboards: new v1.DashboardsApi(configuration),
    downtimes: new v2.DowntimesApi(configuration),
  };
}
