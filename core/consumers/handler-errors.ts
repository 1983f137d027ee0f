/**
 * How a handler tells the runtime what a failure means. Anything else thrown is treated as
 * transient (nak with backoff) until the last delivery.
 */
export class PermanentError extends Error {
  override readonly name = "PermanentError";
  constructor(readonly code: string, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

export class RetryableError extends Error {
  override readonly name = "RetryableError";
  constructor(readonly code: string, message: string, readonly retryAfterMs?: number, options?: ErrorOptions) {
    super(message, options);
  }
}

export function errorCode(err: unknown): string {
  const c = (err as { code?: unknown })?.code;
  return typeof c === "string" ? c : "INTERNAL";
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
