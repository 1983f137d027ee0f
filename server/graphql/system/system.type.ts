import { Field, ID, Int, ObjectType } from "type-graphql";
import { GraphQLJSON } from "graphql-scalars";
import type { FormatId } from "../../../domain/formats";
import type { TemplateId } from "../../../domain/templates";
import { DeadLetterStatus, DeliveryStatus, OutputFormatEnum, TemplateEnum } from "../enums";

@ObjectType()
export class TemplateInfo {
  @Field(() => TemplateEnum) id!: TemplateId;
  @Field(() => String) label!: string;
  @Field(() => String) description!: string;
}

@ObjectType()
export class FormatInfo {
  @Field(() => OutputFormatEnum) id!: FormatId;
  @Field(() => String) label!: string;
  @Field(() => Int) width!: number;
  @Field(() => Int) height!: number;
  @Field(() => String, { description: "flat or equirect" }) projection!: string;
  @Field(() => String, { description: "mono or top-bottom" }) stereo!: string;
  @Field(() => String) defaultCodec!: string;
}

@ObjectType()
export class BatchStatusCounts {
  @Field(() => Int) QUEUED!: number;
  @Field(() => Int) RUNNING!: number;
  @Field(() => Int) COMPLETED!: number;
  @Field(() => Int) PARTIAL!: number;
  @Field(() => Int) FAILED!: number;
  @Field(() => Int) CANCELLED!: number;
}

@ObjectType()
export class JobStatusCounts {
  @Field(() => Int) QUEUED!: number;
  @Field(() => Int) RENDERING!: number;
  @Field(() => Int) TRANSCRIBING!: number;
  @Field(() => Int) RETRYING!: number;
  @Field(() => Int) COMPLETED!: number;
  @Field(() => Int) FAILED!: number;
  @Field(() => Int) CANCELLED!: number;
}

@ObjectType()
export class QueueStats {
  @Field(() => BatchStatusCounts) batches!: BatchStatusCounts;
  @Field(() => JobStatusCounts) jobs!: JobStatusCounts;
  @Field(() => Int) openDeadLetters!: number;
  @Field(() => Int, { description: "Stream position this node's read model has applied." }) position!: number;
}

@ObjectType({ description: "One fact of the audit trail, as recorded in the event log." })
export class AuditEvent {
  @Field(() => Int) seq!: number;
  @Field(() => ID) id!: string;
  @Field(() => String) type!: string;
  @Field(() => Int) schemaVersion!: number;
  @Field(() => String) aggregateType!: string;
  @Field(() => ID) aggregateId!: string;
  @Field(() => ID, { nullable: true }) batchId!: string | null;
  @Field(() => String) occurredAt!: string;
  @Field(() => String) actor!: string;
  @Field(() => String) correlationId!: string;
  @Field(() => String, { nullable: true }) causationId!: string | null;
  @Field(() => GraphQLJSON) data!: unknown;
}

@ObjectType()
export class DeadLetter {
  @Field(() => ID) id!: string;
  @Field(() => String) consumer!: string;
  @Field(() => Int) streamSeq!: number;
  @Field(() => ID) eventId!: string;
  @Field(() => String) eventType!: string;
  @Field(() => ID) aggregateId!: string;
  @Field(() => Int) deliveries!: number;
  @Field(() => String) error!: string;
  @Field(() => DeadLetterStatus) status!: DeadLetterStatus;
  @Field(() => String) createdAt!: string;
  @Field(() => String) updatedAt!: string;
}

@ObjectType({ description: "A side effect (ntfy, Drive, Sheets, webhook) and its outcome." })
export class Delivery {
  @Field(() => ID) id!: string;
  @Field(() => ID) batchId!: string;
  @Field(() => ID, { nullable: true }) jobId!: string | null;
  @Field(() => String) integration!: string;
  @Field(() => String) target!: string;
  @Field(() => DeliveryStatus) status!: DeliveryStatus;
  @Field(() => Int) attempts!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => GraphQLJSON) detail!: Record<string, string>;
  @Field(() => ID) sourceEventId!: string;
  @Field(() => String) sourceEventType!: string;
  @Field(() => String) updatedAt!: string;
}

