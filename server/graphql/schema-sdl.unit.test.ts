import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { printAppSchema, SCHEMA_FILE } from "./print-schema";
import { buildAppSchema } from "./schema";

describe("committed SDL", () => {
  it("matches the schema the resolvers build", async () => {
    const built = printAppSchema(await buildAppSchema());
    const committed = await readFile(SCHEMA_FILE, "utf8").catch(() => "");
    // a failure here means the resolvers changed: run `npm run schema:emit` and `npm run codegen`, then commit
    expect(committed === built, "schema/schema.graphql is stale: run npm run schema:emit (then npm run codegen)").toBe(true);
  });

  it("keeps the contract names of DESIGN.md section 5", async () => {
    const sdl = printAppSchema(await buildAppSchema());
    for (const s of [
      "createBatch(input: CreateBatchInput!): CreateBatchPayload!",
      "cancelBatch(id: ID!)",
      "cancelJob(id: ID!)",
      "retryJob(id: ID!)",
      "exportBatchToSheets(batchId: ID!)",
      "batchUpdated(",
      "jobProgress(batchId: ID!)",
      "queueStats(",
      "templates: [TemplateInfo!]!",
      "formats: [FormatInfo!]!",
      "VR360_STEREO_8K",
      "FLAT_1080P_VERTICAL",
    ])
      expect(sdl).toContain(s);
  });
});
