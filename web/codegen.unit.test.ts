import { readdir, readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { generate, loadCodegenConfig } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";

/**
 * The committed typed documents match what `npm run codegen` would write now, for both configs:
 * codegen.yml (schema/operations -> schema/generated) and web/codegen.yml (the dashboard's
 * operations -> web/src/generated). Generated in memory (nothing is written), then compared file by
 * file, including files that codegen would no longer write.
 */
const ROOT = resolve(import.meta.dirname, "..");
const CONFIGS = ["codegen.yml", "web/codegen.yml"];

describe("committed GraphQL codegen output", () => {
  it.each(CONFIGS)("%s: the generated files are up to date with the schema and the operations", async (configFile) => {
    const { config } = await loadCodegenConfig({ configFilePath: join(ROOT, configFile) });
    const outputs = (await generate({ ...config, cwd: ROOT, silent: true, verbose: false, watch: false }, false)) as { filename: string; content: string }[];
    expect(outputs.length).toBeGreaterThan(0);
    const stale: string[] = [];
    const expected = new Map(outputs.map((o) => [relative(ROOT, resolve(ROOT, o.filename)), o.content]));
    for (const [file, content] of expected) {
      const committed = await readFile(join(ROOT, file), "utf8").catch(() => null);
      if (committed !== content) stale.push(committed === null ? `${file} (missing)` : file);
    }
    // a file left in an output folder that codegen no longer writes (an operation file was removed)
    for (const dir of Object.keys(config.generates).filter((k) => k.endsWith("/"))) {
      for (const name of await readdir(join(ROOT, dir)).catch(() => [] as string[])) {
        const file = relative(ROOT, join(ROOT, dir, name));
        if (!expected.has(file)) stale.push(`${file} (no longer generated)`);
      }
    }
    // a failure here: run `npm run codegen` (after `npm run schema:emit` if the resolvers changed), then commit
    expect(stale, `stale generated files, run npm run codegen: ${stale.join(", ")}`).toEqual([]);
  });
});
