import { Max, Min } from "class-validator";
import { ArgsType, Field, ID, Int } from "type-graphql";

@ArgsType()
export class EventsArgs {
  @Field(() => ID, { description: "A batch id (its own and its jobs' events) or any other aggregate id." }) aggregateId!: string;
  @Field(() => Int, { nullable: true, description: "Only events after this stream position." })
  @Min(0)
  after?: number | null;
  @Field(() => Int, { defaultValue: 100 })
  @Min(1)
  @Max(1000)
  first!: number;
  @Field(() => Int, { nullable: true })
  @Min(0)
  atLeast?: number | null;
}
