import { registerEnumType } from "type-graphql";
import { FORMAT_IDS, QUALITIES, type FormatId } from "../../domain/formats";
import { TEMPLATE_IDS, type TemplateId } from "../../domain/templates";

/**
 * GraphQL enums. Names are the domain ids upper-cased; the internal values are the domain ids
 * themselves, so resolvers receive `flat_1080p` and an unknown value is refused by GraphQL itself.
 */
const upperKeys = <T extends string>(ids: readonly T[]) => Object.fromEntries(ids.map((id) => [id.toUpperCase(), id])) as Record<string, T>;

export const OutputFormatEnum: Record<string, FormatId> = upperKeys(FORMAT_IDS);
registerEnumType(OutputFormatEnum, { name: "OutputFormat", description: "The one vocabulary of output formats (flat and 360°)." });

export const TemplateEnum: Record<string, TemplateId> = upperKeys(TEMPLATE_IDS);
registerEnumType(TemplateEnum, { name: "Template", description: "Visual template the render worker draws." });

export const QualityEnum = upperKeys(QUALITIES);
registerEnumType(QualityEnum, { name: "Quality", description: "DRAFT renders at a quarter of the size, for previews." });

export const CodecEnum = upperKeys(["h264", "hevc"] as const);
registerEnumType(CodecEnum, { name: "VideoCodec" });

export enum BatchStatus {
  QUEUED = "QUEUED",
  RUNNING = "RUNNING",
  COMPLETED = "COMPLETED",
  PARTIAL = "PARTIAL",
  FAILED = "FAILED",
  CANCELLED = "CANCELLED",
}
registerEnumType(BatchStatus, { name: "BatchStatus", description: "PARTIAL: every job is terminal and some, not all, succeeded." });

export enum JobStatus {
  QUEUED = "QUEUED",
  RENDERING = "RENDERING",
  TRANSCRIBING = "TRANSCRIBING",
  RETRYING = "RETRYING",
  COMPLETED = "COMPLETED",
  FAILED = "FAILED",
  CANCELLED = "CANCELLED",
}
registerEnumType(JobStatus, { name: "JobStatus" });

export enum DeadLetterStatus {
  OPEN = "OPEN",
  RETRYING = "RETRYING",
  RESOLVED = "RESOLVED",
}
registerEnumType(DeadLetterStatus, { name: "DeadLetterStatus" });

export enum DeliveryStatus {
  PENDING = "PENDING",
  RETRYING = "RETRYING",
  SUCCEEDED = "SUCCEEDED",
  FAILED = "FAILED",
}
registerEnumType(DeliveryStatus, { name: "DeliveryStatus" });

export enum ProgressSource {
  LIVE = "LIVE",
  MILESTONE = "MILESTONE",
}
registerEnumType(ProgressSource, { name: "ProgressSource", description: "LIVE: a worker's FFmpeg tick; MILESTONE: a recorded event." });
