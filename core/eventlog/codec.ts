import type { EventEnvelope, RecordedEvent } from "../../domain/shared/envelope";
import { upcast } from "../../domain/shared/upcasters";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeEnvelope(e: EventEnvelope): Uint8Array {
  return encoder.encode(JSON.stringify(e));
}

/** Parses a stored envelope and upcasts its data to the current schema version. */
export function decodeEnvelope(bytes: Uint8Array, seq: number): RecordedEvent {
  const raw = JSON.parse(decoder.decode(bytes)) as EventEnvelope;
  const data = upcast(raw.type, raw.schemaVersion, raw.data);
  return { ...raw, data, seq };
}
