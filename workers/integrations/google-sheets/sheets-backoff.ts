/**
 * Bounded retry for Sheets calls. The Sheets API's per-minute quota answers 429, often with
 * Retry-After: waiting that long inside one export is cheaper than failing the whole export back
 * to the event-log consumer. After the last attempt the error goes to the caller, still marked
 * retryable, so the reactor's own backoff takes over.
 */
import { IntegrationError, isRetryableStatus, parseRetryAfter } from "../integration-error.js";

export interface BackoffOptions {
  /** Attempts per call, first included; default 5. */
  maxAttempts?: number;
  /** First delay without Retry-After; doubles each time; default 500 ms. */
  baseDelayMs?: number;
  /** Cap for any single wait, Retry-After included; default 60 s. */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface HttpishError {
  status?: number;
  code?: string | number;
  message?: string;
  response?: { status?: number; headers?: unknown; data?: unknown };
}

export async function withSheetsBackoff<T>(
  what: string,
  fn: () => Promise<T>,
  options: BackoffOptions = {},
  serviceAccount = "the service account",
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 5;
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (err) {
      const classified = classifySheetsError(what, err, serviceAccount);
      if (!classified.retryable || attempt >= maxAttempts) throw classified;
      const exponential = base * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
      await sleep(Math.min(cap, classified.retryAfterMs ?? exponential));
    }
  }
}

/**
 * The raw GaxiosError is not attached as `cause`: its config carries the bearer token (and, for
 * token calls, the signed assertion), and errors end up in events and logs.
 */
export function classifySheetsError(what: string, err: unknown, serviceAccount: string): IntegrationError {
  if (err instanceof IntegrationError) return err;
  const e = (err ?? {}) as HttpishError;
  const status = e.response?.status ?? (typeof e.status === "number" ? e.status : undefined);
  if (status === undefined) {
    // No HTTP answer at all: DNS, refused, reset, timeout.
    return new IntegrationError("google-sheets", `${what} failed without an HTTP answer (${e.code ?? e.message ?? "unknown"}); will be retried`, {
      retryable: true,
      code: "NETWORK",
    });
  }
  const retryable = isRetryableStatus(status);
  const hint =
    status === 403 || status === 404
      ? `: share the spreadsheet with ${serviceAccount} as Editor and check GOOGLE_SHEETS_ID`
      : status === 400 || status === 401
        ? ": check GOOGLE_SERVICE_ACCOUNT_EMAIL / GOOGLE_PRIVATE_KEY and the request"
        : "";
  return new IntegrationError(
    "google-sheets",
    `${what} answered HTTP ${status}${hint}; ${retryable ? "will be retried" : "not retried"}`,
    { retryable, status, retryAfterMs: retryable ? parseRetryAfter(headerValue(e.response?.headers, "retry-after")) : undefined, code: `HTTP_${status}` },
  );
}

/** gaxios 7 gives a fetch Headers object; older shapes are plain records. */
function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}
