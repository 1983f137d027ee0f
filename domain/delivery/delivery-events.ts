import type { DomainEvent } from "../shared/envelope";

/** Integrations that react to the log; each outcome is itself a fact, shown per batch in GraphQL. */
export type Integration = "ntfy" | "drive" | "sheets" | "webhook";

export interface DeliveryRef {
  readonly deliveryId: string;
  readonly batchId: string;
  readonly jobId: string | null;
  readonly integration: Integration;
  /** Where it went: topic, remote path, sheet tab, webhook URL (never with secrets). */
  readonly target: string;
  /** The event that caused the delivery: deliveries are idempotent by it. */
  readonly sourceEventId: string;
  readonly sourceEventType: string;
}

export type DeliverySucceeded = DomainEvent<
  "DeliverySucceeded",
  DeliveryRef & { readonly attempts: number; readonly detail: Readonly<Record<string, string>> }
>;
export type DeliveryAttemptFailed = DomainEvent<
  "DeliveryAttemptFailed",
  DeliveryRef & { readonly attempt: number; readonly error: string; readonly retryInSeconds: number | null }
>;
export type DeliveryFailed = DomainEvent<"DeliveryFailed", DeliveryRef & { readonly attempts: number; readonly error: string }>;
export type DeliveryRetryRequested = DomainEvent<"DeliveryRetryRequested", DeliveryRef>;

export type DeliveryEvent = DeliverySucceeded | DeliveryAttemptFailed | DeliveryFailed | DeliveryRetryRequested;
