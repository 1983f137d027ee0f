import { ArrayMaxSize, ArrayMinSize, IsIn, IsOptional, Length, ValidateNested } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import type { FormatId, Quality, VideoCodec } from "../../../domain/formats";
import type { TemplateId } from "../../../domain/templates";
import { CodecEnum, OutputFormatEnum, QualityEnum, TemplateEnum } from "../enums";

@InputType()
export class BatchItemInput {
  @Field(() => ID, { description: "An id returned by POST /uploads." })
  @Length(1, 100)
  uploadId!: string;
}

/** Every option has the seed's default, so automations can send only what they change. */
@InputType()
export class BatchOptionsInput {
  @Field(() => Boolean, { defaultValue: true }) transcribe!: boolean;
  @Field(() => Boolean, { defaultValue: false }) syncToDrive!: boolean;
  @Field(() => Boolean, { defaultValue: true }) notify!: boolean;
  @Field(() => Boolean, { defaultValue: false }) exportToSheets!: boolean;
  @Field(() => Int, { defaultValue: 30, description: "30 or 60" })
  @IsIn([30, 60], { message: "fps must be 30 or 60" })
  fps!: number;
  @Field(() => QualityEnum, { defaultValue: "balanced" }) quality!: Quality;
  @Field(() => CodecEnum, { nullable: true, description: "Force one codec; null lets each format choose." }) codec?: VideoCodec | null;
}

@InputType()
export class CreateBatchInput {
  @Field(() => String) name!: string;
  // the item limit is MAX_BATCH_ITEMS, checked by the domain; this bound only stops absurd payloads early
  @Field(() => [BatchItemInput])
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  items!: BatchItemInput[];
  @Field(() => TemplateEnum) template!: TemplateId;
  @Field(() => [OutputFormatEnum])
  @ArrayMinSize(1, { message: "choose at least one output format" })
  formats!: FormatId[];
  @Field(() => BatchOptionsInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  options?: BatchOptionsInput | null;
  @Field(() => String, { nullable: true, description: "The same key returns the same batch, across retries, restarts and nodes." })
  @IsOptional()
  @Length(1, 200)
  idempotencyKey?: string | null;
}

