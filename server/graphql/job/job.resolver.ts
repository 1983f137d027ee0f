import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { BatchView, JobView, OutputView } from "../../../projections/read-model-types";
import type { GraphQLContext } from "../context";
import { Batch } from "../batch/batch.type";
import { Job, JobOutput } from "./job.type";

@Resolver(() => Job)
export class JobResolver {
  @Query(() => Job, { nullable: true })
  async job(
    @Arg("id", () => ID) id: string,
    @Arg("atLeast", () => Int, { nullable: true }) atLeast: number | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<JobView | null> {
    await ctx.atLeast(atLeast);
    return ctx.loaders.job.load(id);
  }

  @FieldResolver(() => Batch)
  async batch(@Root() job: JobView, @Ctx() ctx: GraphQLContext): Promise<BatchView | null> {
    return ctx.loaders.batch.load(job.batchId);
  }
}

/** Media URLs are built here, from PUBLIC_URL when set (relative otherwise), never stored in events. */
@Resolver(() => JobOutput)
export class JobOutputResolver {
  @FieldResolver(() => String, { description: "Where to download the video (GET /media/<fileName>)." })
  url(@Root() o: OutputView, @Ctx() ctx: GraphQLContext): string {
    return mediaUrl(ctx, o.fileName);
  }

  @FieldResolver(() => String, { nullable: true })
  posterUrl(@Root() o: OutputView, @Ctx() ctx: GraphQLContext): string | null {
    return o.posterFileName ? mediaUrl(ctx, o.posterFileName) : null;
  }
}

const mediaUrl = (ctx: GraphQLContext, fileName: string) => `${ctx.services.config.publicUrl ?? ""}/media/${encodeURIComponent(fileName)}`;
