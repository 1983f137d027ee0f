import "reflect-metadata";
import { writeFile } from "node:fs/promises";
import { buildAppSchema } from "./schema";
import { printAppSchema, SCHEMA_FILE } from "./print-schema";

/** `npm run schema:emit`: writes schema/schema.graphql, which codegen.yml and clients read. */
const sdl = printAppSchema(await buildAppSchema());
await writeFile(SCHEMA_FILE, sdl);
process.stdout.write(`wrote ${SCHEMA_FILE} (${sdl.length} bytes)\n`);
