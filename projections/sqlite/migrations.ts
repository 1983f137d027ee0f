import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Db } from "./open-database";

/** A read model's migrations: numbered, append-only `NNN_name.sql` files in one folder. */
export interface MigrationSet {
  readonly model: string;
  /** Folder URL, e.g. `new URL("./migrations/", import.meta.url)`. */
  readonly folder: URL;
}

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const FILE = /^(\d{3,})_[a-z0-9_-]+\.sql$/i;

export function loadMigrations(folder: URL): Migration[] {
  const dir = fileURLToPath(folder);
  const found = readdirSync(dir)
    .filter((f) => FILE.test(f))
    .map((f) => ({ version: Number(FILE.exec(f)![1]), name: f, sql: readFileSync(`${dir}/${f}`, "utf8") }))
    .sort((a, b) => a.version - b.version);
  found.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migrations in ${dir} must be numbered 001, 002, ... without gaps; found ${m.name} at position ${i + 1}.`);
  });
  return found;
}

const checksum = (sql: string) => createHash("sha256").update(sql).digest("hex");

/**
 * Applies the migrations each model has not seen yet, each in its own transaction with its
 * `schema_migrations` row, so a crash mid-migration leaves the file at the previous version.
 * Applied files are never edited: a change is a new numbered file. That is enforced: each row
 * keeps the SHA-256 of the file it ran, and a file that no longer matches refuses to open.
 */
export function migrate(db: Db, sets: readonly MigrationSet[]): { model: string; version: number }[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    model TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (model, version)) STRICT`);
  // files from before checksums were kept get the column, filled on first open (trusted then)
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('schema_migrations')").all();
  if (!columns.some((c) => c.name === "checksum")) db.exec("ALTER TABLE schema_migrations ADD COLUMN checksum TEXT");
  const current = db.prepare<[string], { v: number | null }>("SELECT max(version) AS v FROM schema_migrations WHERE model = ?");
  const recorded = db.prepare<[string], { version: number; checksum: string | null }>("SELECT version, checksum FROM schema_migrations WHERE model = ?");
  const backfill = db.prepare("UPDATE schema_migrations SET checksum = ? WHERE model = ? AND version = ?");
  const record = db.prepare("INSERT INTO schema_migrations (model, version, name, checksum) VALUES (?, ?, ?, ?)");
  const applied: { model: string; version: number }[] = [];
  for (const set of sets) {
    const at = current.get(set.model)?.v ?? 0;
    const all = loadMigrations(set.folder);
    if (at > all.length)
      throw new Error(`Read model "${set.model}" is at schema version ${at} but this code knows ${all.length}: rebuild the file or upgrade emberflow.`);
    for (const row of recorded.all(set.model)) {
      const file = all[row.version - 1]!;
      const sum = checksum(file.sql);
      if (row.checksum === null) backfill.run(sum, set.model, row.version);
      else if (row.checksum !== sum)
        throw new Error(
          `Migration ${file.name} of read model "${set.model}" was edited after this file applied it: put the change in a new numbered file and restore ${file.name} (or rebuild the read model).`,
        );
    }
    for (const m of all.slice(at)) {
      db.transaction(() => {
        db.exec(m.sql);
        record.run(set.model, m.version, m.name, checksum(m.sql));
      })();
      applied.push({ model: set.model, version: m.version });
    }
  }
  return applied;
}
