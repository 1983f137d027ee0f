import { Arg, Ctx, ID, Int, Resolver, Root, Subscription } from "type-graphql";
import type { BatchView } from "../../projections/read-model-types";
import type { JobProgressView } from "../live/progress-hub";
import { requireSubscriber } from "./auth-checker";
import type { GraphQLContext } from "./context";
import { Batch } from "./batch/batch.type";
import { JobProgress } from "./job/job.type";

interface BatchUpdatedArgs {
  id: string;
  atLeast?: number | null;
}

/**
 * batchUpdated: the current batch first (so a client that subscribes right after a mutation cannot
 * miss the state it caused), then again after each projected change. The channel is opened
 * before the wait, so nothing applied during the wait is lost.
 */
async function* batchUpdates(args: BatchUpdatedArgs, ctx: GraphQLContext): AsyncGenerator<string> {
  requireSubscriber(ctx);
  const channel = ctx.services.batchUpdates.subscribe(args.id);
  try {
    await ctx.atLeast(args.atLeast);
    yield args.id;
    for await (const id of channel) yield id;
  } finally {
    channel.close();
  }
}

/**
 * Access is checked once per subscription (connection_init and the subscribe functions), not per
 * pushed event: a per-event auth middleware would cost every one of 1,000 subscribers on every tick.
 */
@Resolver()
export class SubscriptionResolver {
  @Subscription(() => Batch, {
    nullable: true,
    description: "The batch after every change to it or its jobs (null while it does not exist).",
    subscribe: ({ args, context }) => batchUpdates(args as BatchUpdatedArgs, context as GraphQLContext),
  })
  async batchUpdated(
    @Root() batchId: string,
    @Arg("id", () => ID) _id: string,
    @Arg("atLeast", () => Int, { nullable: true }) _atLeast: number | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BatchView | null> {
    ctx.resetLoaders(); // each push must read the batch as it is now, not a cached view
    return ctx.loaders.batch.load(batchId);
  }

  @Subscription(() => JobProgress, {
    description: "Live render/transcribe ticks of the batch's jobs and their recorded milestones.",
    subscribe: ({ args, context }) => {
      requireSubscriber(context as GraphQLContext);
      return (context as GraphQLContext).services.progress.subscribe((args as { batchId: string }).batchId);
    },
  })
  jobProgress(@Root() tick: JobProgressView, @Arg("batchId", () => ID) _batchId: string): JobProgressView {
    return tick;
  }
}
