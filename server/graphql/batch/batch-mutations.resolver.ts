import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { BatchOptions } from "../../../domain/job/job-events";
import type { BatchView } from "../../../projections/read-model-types";
import type { GraphQLContext } from "../context";
import { BatchPayload, CreateBatchPayload } from "../payloads.type";
import { CreateBatchInput } from "./create-batch.input";

const DEFAULT_OPTIONS: BatchOptions = { transcribe: true, syncToDrive: false, notify: true, exportToSheets: false, fps: 30, quality: "balanced", codec: null };

/** Reads the batch once this node's projector has applied `position`, or what the log has. */
async function batchAfter(ctx: GraphQLContext, id: string, position: number): Promise<BatchView | null> {
  await ctx.atLeast(position);
  return ctx.services.readModel.batch(id) ?? ctx.services.commands.batchFromLog(id);
}

@Resolver()
export class BatchMutationsResolver {
  @Authorized("operator")
  @Mutation(() => CreateBatchPayload, { description: "Creates a batch of jobs from uploaded files (one event; the workflow queues the jobs)." })
  async createBatch(@Arg("input", () => CreateBatchInput) input: CreateBatchInput, @Ctx() ctx: GraphQLContext) {
    const o = input.options;
    const res = await ctx.services.commands.createBatch(
      {
        name: input.name,
        uploadIds: input.items.map((i) => i.uploadId),
        template: input.template,
        formats: input.formats,
        options: o
          ? { transcribe: o.transcribe, syncToDrive: o.syncToDrive, notify: o.notify, exportToSheets: o.exportToSheets, fps: o.fps as 30 | 60, quality: o.quality, codec: o.codec ?? null }
          : DEFAULT_OPTIONS,
        idempotencyKey: input.idempotencyKey ?? null,
      },
      ctx.principal.actor,
    );
    return { batch: await batchAfter(ctx, res.batchId, res.position), position: res.position, replayed: res.replayed };
  }

  @Authorized("operator")
  @Mutation(() => BatchPayload, { description: "Asks the workflow to cancel the batch's unfinished jobs." })
  async cancelBatch(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    const res = await ctx.services.commands.cancelBatch(id, ctx.principal.actor);
    return { batch: await batchAfter(ctx, id, res.position), position: res.position };
  }

  @Authorized("operator")
  @Mutation(() => BatchPayload, { description: "Exports the batch to the Google Sheet (again): one row per job and format, upserted by Job ID + Format, so rows are updated, never duplicated." })
  async exportBatchToSheets(@Arg("batchId", () => ID) batchId: string, @Ctx() ctx: GraphQLContext) {
    const res = await ctx.services.commands.exportBatchToSheets(batchId, ctx.principal.actor);
    return { batch: await batchAfter(ctx, batchId, res.position), position: res.position };
  }
}
