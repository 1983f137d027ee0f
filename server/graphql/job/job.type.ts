import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import type { FormatId } from "../../../domain/formats";
import { JobStatus, OutputFormatEnum, ProgressSource } from "../enums";

@ObjectType({ description: "One rendered video of a job." })
export class JobOutput {
  @Field(() => OutputFormatEnum) format!: FormatId;
  @Field(() => String) fileName!: string;
  @Field(() => Float, { description: "Size in bytes (Float: files can exceed 2^31)." }) bytes!: number;
  @Field(() => Int) width!: number;
  @Field(() => Int) height!: number;
  @Field(() => String) codec!: string;
  @Field(() => Float) durationSeconds!: number;
  @Field(() => String, { nullable: true }) posterFileName!: string | null;
  @Field(() => String, { nullable: true }) driveUrl!: string | null;
  // url and posterUrl are resolved in job.resolver.ts from PUBLIC_URL
}

@ObjectType()
export class TranscriptSegment {
  @Field(() => Int) id!: number;
  @Field(() => Float) start!: number;
  @Field(() => Float) end!: number;
  @Field(() => String) text!: string;
}

@ObjectType()
export class Transcript {
  @Field(() => String) text!: string;
  @Field(() => String) language!: string;
  @Field(() => Float) durationSeconds!: number;
  @Field(() => String) description!: string;
  @Field(() => [TranscriptSegment]) segments!: TranscriptSegment[];
}

@ObjectType()
export class JobError {
  @Field(() => String) code!: string;
  @Field(() => String) message!: string;
  @Field(() => String, { description: "render or transcribe" }) stage!: string;
}

/** One audio file of a batch: its outputs per format and its transcript. */
@ObjectType()
export class Job {
  @Field(() => ID) id!: string;
  @Field(() => ID) batchId!: string;
  @Field(() => Int) index!: number;
  @Field(() => ID) uploadId!: string;
  @Field(() => String) fileName!: string;
  @Field(() => JobStatus) status!: JobStatus;
  @Field(() => Float, { description: "0..100 from recorded milestones; live ticks come over jobProgress." }) progress!: number;
  @Field(() => Int, { description: "Failed attempts so far, across retries." }) attempts!: number;
  @Field(() => [JobOutput]) outputs!: JobOutput[];
  @Field(() => Transcript, { nullable: true }) transcript!: Transcript | null;
  @Field(() => JobError, { nullable: true }) error!: JobError | null;
  @Field(() => String) createdAt!: string;
  @Field(() => String, { nullable: true }) startedAt!: string | null;
  @Field(() => String, { nullable: true }) completedAt!: string | null;
  @Field(() => Int) version!: number;
}

@ObjectType({ description: "A progress update for one job: live FFmpeg ticks and recorded milestones." })
export class JobProgress {
  @Field(() => ID) batchId!: string;
  @Field(() => ID) jobId!: string;
  @Field(() => String, { nullable: true, description: "render or transcribe (live ticks only)" }) stage!: string | null;
  @Field(() => OutputFormatEnum, { nullable: true }) format!: FormatId | null;
  @Field(() => Float) percent!: number;
  @Field(() => Float, { nullable: true }) etaSeconds!: number | null;
  @Field(() => JobStatus, { nullable: true, description: "Set on milestones." }) status!: JobStatus | null;
  @Field(() => String) at!: string;
  @Field(() => ProgressSource) source!: ProgressSource;
}
