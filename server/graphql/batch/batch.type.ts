import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import type { FormatId } from "../../../domain/formats";
import type { TemplateId } from "../../../domain/templates";
import { BatchStatus, CodecEnum, OutputFormatEnum, QualityEnum, TemplateEnum } from "../enums";

@ObjectType({ description: "Jobs of a batch by state." })
export class BatchCounts {
  @Field(() => Int) total!: number;
  @Field(() => Int) queued!: number;
  @Field(() => Int) running!: number;
  @Field(() => Int) succeeded!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) cancelled!: number;
}

@ObjectType()
export class BatchOptions {
  @Field(() => Boolean) transcribe!: boolean;
  @Field(() => Boolean) syncToDrive!: boolean;
  @Field(() => Boolean) notify!: boolean;
  @Field(() => Boolean) exportToSheets!: boolean;
  @Field(() => Int) fps!: number;
  @Field(() => QualityEnum) quality!: string;
  @Field(() => CodecEnum, { nullable: true, description: "null: each format picks (HEVC for 4K and up)." }) codec!: string | null;
}

/** Fields are read straight from BatchView; jobs, deliveries and events are resolved in batch.resolver.ts. */
@ObjectType({ description: "A set of audio files rendered with one template into one or more formats." })
export class Batch {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => BatchStatus) status!: BatchStatus;
  @Field(() => TemplateEnum) template!: TemplateId;
  @Field(() => [OutputFormatEnum]) formats!: FormatId[];
  @Field(() => BatchOptions) options!: BatchOptions;
  @Field(() => String, { description: "ISO-8601 time of the BatchCreated event." }) createdAt!: string;
  @Field(() => String, { nullable: true }) completedAt!: string | null;
  @Field(() => BatchCounts) counts!: BatchCounts;
  @Field(() => Float, { description: "0..100, the mean of the jobs' progress." }) progress!: number;
  @Field(() => String, { nullable: true }) idempotencyKey!: string | null;
  @Field(() => Int, { description: "Stream position of the last event applied to this batch or its jobs." }) version!: number;
}

@ObjectType()
export class BatchEdge {
  /** The read model's cursors are opaque and it returns one per page, so only the last edge has one. */
  @Field(() => String, { nullable: true, description: "Set on the last edge (equals pageInfo.endCursor); page with that." }) cursor!: string | null;
  @Field(() => Batch) node!: Batch;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType()
export class BatchConnection {
  @Field(() => [BatchEdge]) edges!: BatchEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}
