import { isFormatId, type FormatId } from "../formats";
import { isTemplateId, TEMPLATE_IDS, type TemplateId } from "../templates";
import { badInput } from "../shared/domain-error";
import type { CreateBatch } from "./batch-commands";
import type { BatchItem } from "./batch-events";
import { FORMAT_IDS } from "../formats";

export const MAX_BATCH_NAME_LENGTH = 100;

/** Checks a CreateBatch command and says exactly what to fix; returns the validated parts. */
export function validateCreateBatch(c: CreateBatch): { template: TemplateId; formats: FormatId[]; items: BatchItem[]; name: string } {
  const name = c.name.trim();
  if (name.length === 0) throw badInput("Batch name is empty: give the batch a name (1-100 characters).", { field: "name" });
  if (name.length > MAX_BATCH_NAME_LENGTH)
    throw badInput(`Batch name is ${name.length} characters long: use at most ${MAX_BATCH_NAME_LENGTH}.`, { field: "name" });
  if (!isTemplateId(c.template))
    throw badInput(`Unknown template "${c.template}": use one of ${TEMPLATE_IDS.join(", ")}.`, { field: "template" });
  if (c.formats.length === 0) throw badInput("No output formats: choose at least one format.", { field: "formats" });
  const unknown = c.formats.filter((f) => !isFormatId(f));
  if (unknown.length > 0)
    throw badInput(`Unknown output format ${unknown.map((u) => `"${u}"`).join(", ")}: use one of ${FORMAT_IDS.join(", ")}.`, {
      field: "formats",
    });
  const formats = [...new Set(c.formats)] as FormatId[];
  if (c.items.length === 0) throw badInput("The batch has no items: add at least one uploaded file.", { field: "items" });
  if (c.items.length > c.maxItems)
    throw badInput(`The batch has ${c.items.length} items: split it into batches of at most ${c.maxItems}.`, { field: "items" });
  const missing = c.items.filter((i) => i.upload === null).map((i) => i.uploadId);
  if (missing.length > 0)
    throw badInput(`Upload not found: ${missing.join(", ")}. Upload the file with POST /uploads and use the id it returns.`, {
      field: "items",
      uploadIds: missing,
    });
  const items = c.items.map((i) => ({ jobId: i.jobId, upload: i.upload! }));
  return { template: c.template, formats, items, name };
}
