/**
 * Webhook signatures, Stripe-style: `X-Emberflow-Signature: t=<unix seconds>,v1=<hex>` where
 * v1 = HMAC-SHA256(secret, `${t}.${body}`). Signing the timestamp with the body lets receivers
 * reject replays older than a tolerance; several v1 entries are accepted so a secret can rotate.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-Emberflow-Signature";
export const EVENT_ID_HEADER = "X-Emberflow-Event-Id";
export const EVENT_TYPE_HEADER = "X-Emberflow-Event-Type";
/** The seed's shared-secret header (n8n Header Auth); kept for compatibility only. */
export const LEGACY_SECRET_HEADER = "X-Webhook-Secret";

export function computeSignature(secret: string, timestampSeconds: number, body: string | Buffer): string {
  return createHmac("sha256", secret)
    .update(`${timestampSeconds}.`)
    .update(body)
    .digest("hex");
}

export function signatureHeader(secret: string, body: string | Buffer, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${computeSignature(secret, timestampSeconds, body)}`;
}

/**
 * True when `header` carries a v1 signature of `body` under `secret` whose timestamp is within
 * `toleranceSeconds` of now. `body` must be the raw request body, byte for byte: re-serialising
 * parsed JSON changes it.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string | Buffer,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  if (!header || !secret) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t" && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === "v1" && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(computeSignature(secret, timestamp, body), "hex");
  return candidates.some((candidate) => timingSafeEqual(Buffer.from(candidate, "hex"), expected));
}
