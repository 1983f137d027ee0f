import type { Logger } from "../core/log/logger";
import type { ReadModelQueries } from "../projections/read-model-types";
import type { ServerConfig } from "./config";
import type { Commands } from "./commands/commands";
import type { BatchUpdateHub } from "./live/batch-update-hub";
import type { ProjectorHandle } from "./projector-handle";
import type { ProgressHub } from "./live/progress-hub";
import type { Metrics } from "./http/metrics";
import type { WorkerDirectory } from "./live/worker-directory";

/** What the server needs of the projector (projections/projector.ts), by shape only. */

/** Everything resolvers and HTTP handlers reach through the context; built once in app.ts. */
export interface ServerServices {
  readonly config: ServerConfig;
  readonly readModel: ReadModelQueries;
  readonly projector: ProjectorHandle;
  readonly commands: Commands;
  readonly batchUpdates: BatchUpdateHub;
  readonly progress: ProgressHub;
  readonly workers: WorkerDirectory;
  readonly metrics: Metrics;
  readonly logger: Logger;
}
