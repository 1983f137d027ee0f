import DataLoader from "dataloader";
import type { BatchView, DeliveryView, JobView, ReadModelQueries } from "../../projections/read-model-types";

/**
 * Per-operation loaders (never process-wide: a cache shared across requests would serve stale
 * views). A batch with 100 jobs resolves with one read-model call per loader.
 */
export interface Loaders {
  readonly batch: DataLoader<string, BatchView | null>;
  readonly job: DataLoader<string, JobView | null>;
  readonly jobsByBatch: DataLoader<string, JobView[]>;
  readonly deliveriesByBatch: DataLoader<string, DeliveryView[]>;
}

export function createLoaders(rm: ReadModelQueries): Loaders {
  return {
    batch: new DataLoader(async (ids) => rm.batchesByIds(ids)),
    job: new DataLoader(async (ids) => rm.jobsByIds(ids)),
    jobsByBatch: new DataLoader(async (ids) => rm.jobsByBatchIds(ids)),
    deliveriesByBatch: new DataLoader(async (ids) => rm.deliveriesByBatchIds(ids)),
  };
}
