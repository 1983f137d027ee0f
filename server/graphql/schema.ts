import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { authChecker } from "./auth-checker";
import { BatchMutationsResolver } from "./batch/batch-mutations.resolver";
import { BatchResolver } from "./batch/batch.resolver";
import { JobMutationsResolver } from "./job/job-mutations.resolver";
import { JobOutputResolver, JobResolver } from "./job/job.resolver";
import { SubscriptionResolver } from "./subscriptions.resolver";
import { CatalogResolver } from "./system/catalog.resolver";
import { HealthResolver, QueueStatsResolver } from "./system/health.resolver";
import { OperationsResolver } from "./system/operations.resolver";

let built: Promise<GraphQLSchema> | null = null;

/** The schema is the same for every app instance (resolvers reach services through the context): build once. */
export function buildAppSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [
      BatchResolver,
      BatchMutationsResolver,
      JobResolver,
      JobOutputResolver,
      JobMutationsResolver,
      OperationsResolver,
      CatalogResolver,
      HealthResolver,
      QueueStatsResolver,
      SubscriptionResolver,
    ],
    authChecker,
    authMode: "error",
    validate: { forbidUnknownValues: false },
    emitSchemaFile: false,
    // type-graphql insists on a pubSub whenever subscriptions exist; ours all bring their own
    // `subscribe` (fed by the projector, never an in-memory PubSub of facts), so this one refuses use
    pubSub: {
      publish: () => {
        throw new Error("No topic-based pubSub: subscriptions use their own subscribe functions.");
      },
      subscribe: () => {
        throw new Error("No topic-based pubSub: subscriptions use their own subscribe functions.");
      },
    },
  });
  return built;
}
