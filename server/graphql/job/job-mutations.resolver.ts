import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { GraphQLContext } from "../context";
import { JobPayload } from "../payloads.type";

@Resolver()
export class JobMutationsResolver {
  @Authorized("operator")
  @Mutation(() => JobPayload)
  async cancelJob(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    const res = await ctx.services.commands.cancelJob(id, ctx.principal.actor);
    await ctx.atLeast(res.position);
    return { job: ctx.services.readModel.job(id), position: res.position };
  }

  @Authorized("operator")
  @Mutation(() => JobPayload, { description: "Queues a failed or cancelled job again; finished outputs are kept." })
  async retryJob(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    const res = await ctx.services.commands.retryJob(id, ctx.principal.actor);
    await ctx.atLeast(res.position);
    return { job: ctx.services.readModel.job(id), position: res.position };
  }
}
