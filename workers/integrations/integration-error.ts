/**
 * One error class for every integration adapter. Reactors decide nak-with-backoff vs term purely
 * from `retryable` (and `retryAfterMs` when the remote told us how long to wait), so adapters never
 * need to know about the event log. Messages must never contain secrets (tokens, webhook secrets,
 * private keys): they end up in job error events that GraphQL exposes.
 */
export type IntegrationName = "ntfy" | "google-drive" | "google-sheets" | "webhook";

export interface IntegrationErrorOptions {
  retryable: boolean;
  /** HTTP status, when the failure was an HTTP answer. */
  status?: number;
  /** Milliseconds the remote asked us to wait (Retry-After), if it said so. */
  retryAfterMs?: number;
  /** Short machine-readable reason, e.g. `HTTP_429`, `NETWORK`, `TIMEOUT`, `VERIFY_MISMATCH`. */
  code: string;
  cause?: unknown;
}

export class IntegrationError extends Error {
  override readonly name = "IntegrationError";
  readonly integration: IntegrationName;
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly code: string;

  constructor(integration: IntegrationName, message: string, options: IntegrationErrorOptions) {
    super(`${integration}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.integration = integration;
    this.retryable = options.retryable;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.code = options.code;
  }
}

export function isIntegrationError(err: unknown): err is IntegrationError {
  return err instanceof IntegrationError;
}

/**
 * Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns undefined when
 * absent or unparseable so callers fall back to their own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (value == null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * 408, 425, 429 and 5xx are worth trying again; any other 4xx means the request itself is wrong
 * (bad auth, gone, bad payload) and repeating it only hammers the remote.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

export function errorFromHttpStatus(
  integration: IntegrationName,
  status: number,
  what: string,
  retryAfterHeader?: string | null,
  detail?: string,
): IntegrationError {
  const retryable = isRetryableStatus(status);
  const retryAfterMs = retryable ? parseRetryAfter(retryAfterHeader) : undefined;
  const next = retryable ? "will be retried" : "not retried: fix the configuration or payload";
  const suffix = detail ? ` (${detail.slice(0, 200)})` : "";
  return new IntegrationError(integration, `${what} answered HTTP ${status}${suffix}; ${next}`, {
    retryable,
    status,
    retryAfterMs,
    code: `HTTP_${status}`,
  });
}

/** Connection refused, DNS failure, reset, timeout: the remote may be back later. */
export function errorFromNetwork(integration: IntegrationName, what: string, cause: unknown): IntegrationError {
  const timedOut = cause instanceof Error && (cause.name === "TimeoutError" || cause.name === "AbortError");
  const reason = describeCause(cause);
  return new IntegrationError(integration, `${what} unreachable (${reason}); will be retried`, {
    retryable: true,
    code: timedOut ? "TIMEOUT" : "NETWORK",
    cause,
  });
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = (cause as { cause?: unknown }).cause;
  const code = inner && typeof inner === "object" && "code" in inner ? String((inner as { code: unknown }).code) : "";
  return code ? `${cause.message}: ${code}` : cause.message;
}
