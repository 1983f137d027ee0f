import { Arg, Ctx, ID, Int, Resolver, Root, Subscription } from "type-graphql";
import type { BatchView, QueueStatsView } from "../../projections/read-model-types";
import { mapChannel, throttledSnapshots } from "../live/channel-iterators";
import type { JobProgressView } from "../live/progress-hub";
import { requireSubscriber } from "./auth-checker";
import type { GraphQLContext } from "./context";
import { Batch } from "./batch/batch.type";
import { BatchStatus } from "./enums";
import { JobProgress } from "./job/job.type";
import { QueueStats } from "./system/system.type";

/** Least time between two queueStatsUpdated pushes: counts move with every event, people read them at most once a second. */
const QUEUE_STATS_MIN_INTERVAL_MS = 1000;

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
 * batchesChanged: batches as they are created or change, read after the projector applied the
 * change; with a status, only those that have it now. Nothing is pushed at subscribe time: a list
 * queries `batches`, and subscribes first so nothing created meanwhile is missed.
 */
function batchChanges(args: { status?: BatchStatus | null }, ctx: GraphQLContext): AsyncIterableIterator<BatchView> {
  requireSubscriber(ctx);
  return mapChannel(ctx.services.batchUpdates.subscribeAll(), (id) => {
    const batch = ctx.services.readModel.batch(id);
    return batch && (!args.status || batch.status === args.status) ? batch : null;
  });
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

  @Subscription(() => Batch, {
    description: "Each batch when it is created or changes (its own or its jobs' events), after this node projected it; with status, only batches that now have that status. Pushes nothing at subscribe time: query batches for the list.",
    subscribe: ({ args, context }) => batchChanges(args as { status?: BatchStatus | null }, context as GraphQLContext),
  })
  batchesChanged(
    @Root() batch: BatchView,
    @Arg("status", () => BatchStatus, { nullable: true }) _status: BatchStatus | null,
    @Ctx() ctx: GraphQLContext,
  ): BatchView {
    ctx.resetLoaders(); // nested jobs must be read as they are now, not from a previous push
    return batch;
  }

  @Subscription(() => QueueStats, {
    description: "Queue statistics now, then after projected changes (at most once a second).",
    subscribe: ({ context }) => {
      const ctx = context as GraphQLContext;
      requireSubscriber(ctx);
      // the stats are read in the subscribe function, when due, so the resolver only passes them on
      return throttledSnapshots(ctx.services.batchUpdates.subscribeCommits(), QUEUE_STATS_MIN_INTERVAL_MS, () => ctx.services.readModel.queueStats());
    },
  })
  queueStatsUpdated(@Root() stats: QueueStatsView): QueueStatsView {
    return stats;
  }
}
