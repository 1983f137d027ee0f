import { Arg, Ctx, FieldResolver, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../context";
import { fixedListCost } from "../limits";
import { ProjectorStatus, Worker } from "./health.type";
import { QueueStats } from "./system.type";

async function projectorStatus(ctx: GraphQLContext): Promise<ProjectorStatus> {
  const { projector } = ctx.services;
  const lag = await projector.lag();
  const position = projector.position();
  return { position, lag, logPosition: position + lag };
}

/** Operator views of the running system: who is working (heartbeats) and how current this node is. */
@Resolver()
export class HealthResolver {
  @Query(() => [Worker], { description: "Worker processes seen recently, live ones first.", complexity: fixedListCost(20) })
  workers(
    @Arg("includeStale", () => Boolean, { defaultValue: true, description: "false leaves out workers whose heartbeat stopped." }) includeStale: boolean,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.workers.list({ includeStale });
  }

  @Query(() => ProjectorStatus)
  projector(@Ctx() ctx: GraphQLContext): Promise<ProjectorStatus> {
    return projectorStatus(ctx);
  }
}

/** The same status beside the queue counts, so queueStatsUpdated carries the lag with every push. */
@Resolver(() => QueueStats)
export class QueueStatsResolver {
  @FieldResolver(() => ProjectorStatus, { description: "This node's projector, read when the stats are." })
  projector(@Ctx() ctx: GraphQLContext): Promise<ProjectorStatus> {
    return projectorStatus(ctx);
  }
}
