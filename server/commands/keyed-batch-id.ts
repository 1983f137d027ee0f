import { createHash } from "node:crypto";

/**
 * The batch id an idempotency key stands for: a UUID (version 8, "custom") from a SHA-256 of the
 * key. Deriving it, rather than remembering key -> id somewhere, makes the event log the memory of
 * every key: for ever (not only the 2-minute Nats-Msg-Id window), on every node, across restarts,
 * and two requests racing with one key write to the same aggregate, whose version check lets
 * exactly one of them create it. Versioned ("v1") so the derivation can change without colliding.
 */
export function batchIdForKey(key: string): string {
  const b = createHash("sha256").update(`emberflow.batch.v1\0${key}`).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80; // version 8
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
