import { Max, Min } from "class-validator";
import { ArgsType, Field, Int } from "type-graphql";
import { BatchStatus } from "../enums";

@ArgsType()
export class BatchesArgs {
  @Field(() => Int, { defaultValue: 20 })
  @Min(1)
  @Max(100)
  first!: number;
  @Field(() => String, { nullable: true, description: "pageInfo.endCursor of the previous page." }) after?: string | null;
  @Field(() => BatchStatus, { nullable: true }) status?: BatchStatus | null;
  @Field(() => Int, { nullable: true, description: "Wait (bounded) until this node has applied this stream position." })
  @Min(0)
  atLeast?: number | null;
}
