import { client } from '@datadog/datadog-api-client';
import { DatadogRequestError } from './api';
import { describeApiError } from './sync';

const KEY_SCOPES = 'monitors_read, monitors_write, monitors_downtime, dashboards_read and dashboards_write';

// A body that is not Datadog's JSON: the client puts it into its message as `Body: "…"`.
function isDatadogJson(body: unknown): boolean {
  if (typeof body === 'object' && body !== null) return true;
  const match = /Body: "(.*)"$/s.exec(String(body));
  try {
    JSON.parse(match?.[1] ?? String(body));
    return true;
  } catch {
    return false;
  }
}

/**
 * Converts a failure while reading from Datadog into one line for the person running sync:
 * rejected keys, a server error after the retries, or a server that is not the Datadog API
 * (a captive portal or a proxy). Other errors are returned unchanged.
 */
export function toDatadogError(error: unknown, apiUrl: string): unknown {
  if (error instanceof client.ApiException) {
    if (error.code === 401 || error.code === 403) {
      return new DatadogRequestError(
        `Datadog at ${apiUrl} rejected the keys (HTTP ${error.code}): check DD_API_KEY, DD_APP_KEY and DD_SITE, and that the application key's scopes include ${KEY_SCOPES}`,
        { cause: error },
      );
    }
    if (!isDatadogJson(error.body)) {
      return new DatadogRequestError(`the server at ${apiUrl} returned HTTP ${error.code} with a body that is not JSON, so it is not the Datadog API: is HOMETEMP_DATADOG_URL or DD_SITE right, or is a proxy or a Wi-Fi login page in the way?`, { cause: error });
    }
    if (error.code === 429 || error.code >= 500) {
      return new DatadogRequestError(`Datadog at ${apiUrl} still failed after 3 retries (${describeApiError(error)}); try again later`, { cause: error });
    }
    return error;
  }
  // The client raises a TypeError ("mismatch types") or a SyntaxError for a 2xx body it cannot read.
  if (error instanceof SyntaxError || (error instanceof TypeError && error.message.startsWith('mismatch types'))) {
    return new DatadogRequestError(`the server at ${apiUrl} returned a body that is not Datadog's JSON, so it is not the Datadog API: is HOMETEMP_DATADOG_URL or DD_SITE right, or is a proxy or a Wi-Fi login page in the way?`, { cause: error });
  }

  return error;
}
