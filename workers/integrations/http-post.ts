/**
 * The one HTTP call ntfy and webhook adapters make: POST with a deadline, no redirects, and every
 * outcome mapped onto IntegrationError. Redirects are refused because fetch would replay a POST as
 * a GET on 301/302 and the body (and signature) would silently vanish.
 */
import { errorFromHttpStatus, errorFromNetwork, IntegrationError, type IntegrationName } from "./integration-error.js";

export interface PostOptions {
  integration: IntegrationName;
  /** Human label used in error messages; never include credentials here. */
  what: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
}

export interface PostResult {
  status: number;
  body: string;
}

export async function postWithClassification(options: PostOptions): Promise<PostResult> {
  const doFetch = options.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await doFetch(options.url, {
      method: "POST",
      headers: options.headers,
      body: options.body,
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    throw errorFromNetwork(options.integration, options.what, err);
  }
  const text = await response.text().catch(() => "");
  if (response.status >= 200 && response.status < 300) return { status: response.status, body: text };
  if (response.status >= 300 && response.status < 400) {
    throw new IntegrationError(
      options.integration,
      `${options.what} redirected (HTTP ${response.status}); not followed: configure the final URL`,
      { retryable: false, status: response.status, code: `HTTP_${response.status}` },
    );
  }
  throw errorFromHttpStatus(
    options.integration,
    response.status,
    options.what,
    response.headers.get("retry-after"),
    text,
  );
}
