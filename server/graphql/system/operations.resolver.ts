import { Arg, Args, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../context";
import { DeadLetterStatus } from "../enums";
import { DeadLetterPayload, DeliveryPayload } from "../payloads.type";
import { listCost } from "../limits";
import { AuditEvent, DeadLetter, QueueStats } from "./system.type";
import { EventsArgs } from "./events.args";

/** Operator views: queue state, the audit trail, dead letters and their retries. */
@Resolver()
export class OperationsResolver {
  @Query(() => QueueStats)
  async queueStats(@Arg("atLeast", () => Int, { nullable: true }) atLeast: number | null, @Ctx() ctx: GraphQLContext) {
    await ctx.atLeast(atLeast);
    return ctx.services.readModel.queueStats();
  }

  @Query(() => [AuditEvent], { description: "The audit trail of a batch (with its jobs) or any aggregate, in log order.", complexity: listCost("first", 100) })
  async events(@Args(() => EventsArgs) args: EventsArgs, @Ctx() ctx: GraphQLContext) {
    await ctx.atLeast(args.atLeast);
    return ctx.services.readModel.events({ aggregateId: args.aggregateId, after: args.after ?? null, first: args.first });
  }

  @Query(() => [DeadLetter], { complexity: listCost("first", 50) })
  async deadLetters(
    @Arg("status", () => DeadLetterStatus, { nullable: true }) status: DeadLetterStatus | null,
    @Arg("first", () => Int, { defaultValue: 50 }) first: number,
    @Arg("atLeast", () => Int, { nullable: true }) atLeast: number | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    await ctx.atLeast(atLeast);
    return ctx.services.readModel.deadLetters({ status, first: Math.min(Math.max(first, 1), 500) });
  }

  @Authorized("operator")
  @Mutation(() => DeadLetterPayload, { description: "Runs the consumer's handler on the dead-lettered event once more." })
  async retryDeadLetter(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    const res = await ctx.services.commands.retryDeadLetter(id, ctx.principal.actor);
    await ctx.atLeast(res.position);
    return { deadLetter: ctx.services.readModel.deadLetter(id), position: res.position };
  }

  @Authorized("operator")
  @Mutation(() => DeliveryPayload, { description: "Attempts a failed delivery (ntfy, Drive, Sheets, webhook) again." })
  async retryDelivery(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    const res = await ctx.services.commands.retryDelivery(id, ctx.principal.actor);
    await ctx.atLeast(res.position);
    return { delivery: ctx.services.readModel.delivery(id), position: res.position };
  }
}

