import type { Principal } from "../auth/principal";
import type { ServerServices } from "../services";
import { createLoaders, type Loaders } from "./loaders";

export interface GraphQLContext {
  readonly principal: Principal;
  readonly services: ServerServices;
  loaders: Loaders;
  /** Subscriptions execute once per pushed event: each push needs fresh loaders, not cached views. */
  resetLoaders(): void;
  /** Read-your-writes: waits (bounded by READ_YOUR_WRITES_TIMEOUT_MS) until the projector has applied `position`. */
  atLeast(position: number | null | undefined): Promise<void>;
}

export function createContext(services: ServerServices, principal: Principal, headerPosition: number | null = null): GraphQLContext {
  let reached = services.projector.position();
  const ctx: GraphQLContext = {
    principal,
    services,
    loaders: createLoaders(services.readModel),
    resetLoaders() {
      ctx.loaders = createLoaders(services.readModel);
    },
    async atLeast(position) {
      const wanted = Math.max(position ?? 0, headerPosition ?? 0);
      if (wanted <= reached) return;
      const ok = await services.projector.waitFor(wanted, services.config.readYourWritesTimeoutMs);
      // a timeout answers with what this node has (stale but bounded), and says so in the log
      if (!ok) services.logger.warn("read-your-writes wait timed out", { wanted, position: services.projector.position() });
      reached = Math.max(reached, services.projector.position());
      // the view read next must not come from a loader filled before the wait
      ctx.resetLoaders();
    },
  };
  return ctx;
}

/** Parses the X-Emberflow-Position header; null when absent or not a non-negative integer. */
export function positionFromHeader(value: string | string[] | undefined | null): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v || !/^\d{1,15}$/.test(v.trim())) return null;
  return Number(v.trim());
}
