import { Field, Int, ObjectType } from "type-graphql";
import { Batch } from "./batch/batch.type";
import { Job } from "./job/job.type";
import { DeadLetter, Delivery } from "./system/system.type";

/**
 * Every mutation answers the stream position it produced: pass it as `atLeast` (or the
 * X-Emberflow-Position header) to read your own write from any server node.
 */
@ObjectType()
export class CreateBatchPayload {
  @Field(() => Batch) batch!: Batch;
  @Field(() => Int) position!: number;
  @Field(() => Boolean, { description: "true when the idempotencyKey had already created this batch." }) replayed!: boolean;
}

@ObjectType()
export class BatchPayload {
  @Field(() => Batch, { nullable: true }) batch!: Batch | null;
  @Field(() => Int) position!: number;
}

@ObjectType()
export class JobPayload {
  @Field(() => Job, { nullable: true }) job!: Job | null;
  @Field(() => Int) position!: number;
}

@ObjectType()
export class DeadLetterPayload {
  @Field(() => DeadLetter, { nullable: true }) deadLetter!: DeadLetter | null;
  @Field(() => Int) position!: number;
}

@ObjectType()
export class DeliveryPayload {
  @Field(() => Delivery, { nullable: true }) delivery!: Delivery | null;
  @Field(() => Int) position!: number;
}
