import { EVENT_SCHEMA_VERSIONS, type AnyEventType } from "./all-events";

/**
 * Old event shapes are upcast on read, never rewritten in the log. Each entry lifts one type from
 * version N to N+1; reading applies them in order until the current version.
 */
type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** v1 options had only the four switches; v2 added fps, quality and codec (defaults as the seed ran). */
const withRenderOptions: Upcaster = (data) => ({
  ...data,
  options: { fps: 30, quality: "balanced", codec: null, ...(data.options as Record<string, unknown>) },
});

const UPCASTERS: Partial<Record<AnyEventType, Record<number, Upcaster>>> = {
  BatchCreated: { 1: withRenderOptions },
  JobQueued: { 1: withRenderOptions },
};

export class EventVersionTooNewError extends Error {
  override readonly name = "EventVersionTooNewError";
  constructor(readonly eventType: string, readonly version: number) {
    super(`Event ${eventType} has schema version ${version}, newer than this code knows: upgrade emberflow before reading this log.`);
  }
}

export function currentVersion(type: string): number {
  return EVENT_SCHEMA_VERSIONS[type as AnyEventType] ?? 1;
}

export function upcast(type: string, version: number, data: unknown): unknown {
  const current = currentVersion(type);
  if (version > current) throw new EventVersionTooNewError(type, version);
  let d = data as Record<string, unknown>;
  for (let v = version; v < current; v++) {
    const up = UPCASTERS[type as AnyEventType]?.[v];
    if (!up) throw new Error(`No upcaster for ${type} v${v} -> v${v + 1}: add one to domain/shared/upcasters.ts.`);
    d = up(d);
  }
  return d;
}
