/** Delay before redelivery attempt `attempt + 1`: exponential from `baseMs`, capped, with no jitter
 * (deterministic so tests can reason about it; JetStream spreads work across consumers anyway). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
