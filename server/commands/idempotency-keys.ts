import { createHash } from "node:crypto";
import type { NatsConnection } from "@nats-io/transport-node";
import { Kvm, type KV } from "@nats-io/kv";

export type Claim = { readonly claimed: true; readonly revision: number } | { readonly claimed: false; readonly batchId: string; readonly revision: number };

/**
 * Idempotency keys in a KV bucket with create-only writes: the first request to claim a key wins
 * on every node and survives restarts and the 2-minute JetStream dedup window. Keys are hashed so
 * any string a client sends is a valid KV key (and not stored verbatim).
 */
export class IdempotencyKeys {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, bucket: string, replicas = 1): Promise<IdempotencyKeys> {
    return new IdempotencyKeys(await new Kvm(nc).create(bucket, { history: 1, replicas }));
  }

  static bucketFor(stream: string): string {
    return `${stream}_IDEMPOTENCY`;
  }

  private static key(scope: string, key: string): string {
    return `${scope}.${createHash("sha256").update(key).digest("hex")}`;
  }

  /** Claims `key` for `batchId`; when someone already holds it, returns their batch id. */
  async claim(scope: string, key: string, batchId: string): Promise<Claim> {
    const k = IdempotencyKeys.key(scope, key);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const revision = await this.kv.create(k, JSON.stringify({ batchId }));
        return { claimed: true, revision };
      } catch (err) {
        const existing = await this.kv.get(k);
        // a released claim (deleted) or a race with a release: try to create again
        if (!existing || existing.operation !== "PUT") continue;
        return { claimed: false, batchId: existing.json<{ batchId: string }>().batchId, revision: existing.revision };
      }
    }
    throw new Error("Could not claim the idempotency key after 3 attempts; try the request again.");
  }

  /** Takes over a stale claim (its batch never appeared) only if nobody changed it meanwhile. */
  async takeOver(scope: string, key: string, revision: number, batchId: string): Promise<number | null> {
    try {
      return await this.kv.update(IdempotencyKeys.key(scope, key), JSON.stringify({ batchId }), revision);
    } catch {
      return null;
    }
  }

  /** Releases our own claim after the append failed, so a retry with the same key can succeed. */
  async release(scope: string, key: string, revision: number): Promise<void> {
    try {
      await this.kv.delete(IdempotencyKeys.key(scope, key), { previousSeq: revision });
    } catch {
      /* someone else holds it now: theirs stands */
    }
  }
}
