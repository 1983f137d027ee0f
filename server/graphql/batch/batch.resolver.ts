import { Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { BatchView, JobView, DeliveryView, AuditEventView } from "../../../projections/read-model-types";
import { InvalidCursorError } from "../../../projections/batches/batch-queries";
import { badInput } from "../../../domain/shared/domain-error";
import type { GraphQLContext } from "../context";
import { fixedListCost, listCost } from "../limits";
import { Job } from "../job/job.type";
import { AuditEvent, Delivery } from "../system/system.type";
import { Batch, BatchConnection } from "./batch.type";
import { BatchesArgs } from "./batches.args";

/** The most jobs a batch can have by default (MAX_BATCH_ITEMS): what the cost of `jobs` assumes. */
const JOBS_PER_BATCH = 100;

@Resolver(() => Batch)
export class BatchResolver {
  @Query(() => Batch, { nullable: true, description: "null when no batch has this id (yet: pass atLeast after a mutation)." })
  async batch(
    @Arg("id", () => ID) id: string,
    @Arg("atLeast", () => Int, { nullable: true }) atLeast: number | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BatchView | null> {
    await ctx.atLeast(atLeast);
    return ctx.loaders.batch.load(id);
  }

  @Query(() => BatchConnection, { description: "Newest first.", complexity: listCost("first", 20) })
  async batches(@Args(() => BatchesArgs) args: BatchesArgs, @Ctx() ctx: GraphQLContext) {
    await ctx.atLeast(args.atLeast);
    let page;
    try {
      page = ctx.services.readModel.listBatches({ first: args.first, after: args.after ?? null, status: args.status ?? null });
    } catch (err) {
      if (err instanceof InvalidCursorError) throw badInput(err.message, { field: "after" });
      throw err;
    }
    for (const b of page.items) ctx.loaders.batch.prime(b.id, b);
    return {
      edges: page.items.map((node, i) => ({ node, cursor: i === page.items.length - 1 ? page.endCursor : null })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      totalCount: page.totalCount,
    };
  }

  @FieldResolver(() => [Job], { complexity: fixedListCost(JOBS_PER_BATCH) })
  jobs(@Root() batch: BatchView, @Ctx() ctx: GraphQLContext): Promise<JobView[]> {
    return ctx.loaders.jobsByBatch.load(batch.id);
  }

  @FieldResolver(() => [Delivery], { complexity: fixedListCost(20) })
  deliveries(@Root() batch: BatchView, @Ctx() ctx: GraphQLContext): Promise<DeliveryView[]> {
    return ctx.loaders.deliveriesByBatch.load(batch.id);
  }

  @FieldResolver(() => [AuditEvent], { description: "The batch's audit trail (its own and its jobs' events).", complexity: listCost("first", 100) })
  events(
    @Root() batch: BatchView,
    @Arg("first", () => Int, { defaultValue: 100 }) first: number,
    @Arg("after", () => Int, { nullable: true }) after: number | null,
    @Ctx() ctx: GraphQLContext,
  ): AuditEventView[] {
    return ctx.services.readModel.events({ aggregateId: batch.id, after, first: Math.min(Math.max(first, 1), 1000) });
  }
}
