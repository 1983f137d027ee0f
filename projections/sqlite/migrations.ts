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

/**
 * Applies the migrations each model has not seen yet, each in its own transaction with its
 * `schema_migrations` row, so a crash mid-migration leaves the file at the previous version.
 * Applied files are never edited: a change is a new numbered file.
 */
export function migrate(db: Db, sets: readonly MigrationSet[]): { model: string; version: number }[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    model TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (model, version)) STRICT`);
  const current = db.prepare<[string], { v: number | null }>("SELECT max(version) AS v FROM schema_migrations WHERE model = ?");
  const record = db.prepare("INSERT INTO schema_migrations (model, version, name) VALUES (?, ?, ?)");
  const applied: { model: string; version: number }[] = [];
  for (const set of sets) {
    const at = current.get(set.model)?.v ?? 0;
    const all = loadMigrations(set.folder);
    if (at > all.length)
      throw new Error(`Read model "${set.model}" is at schema version ${at} but this code knows ${all.length}: rebuild the file or upgrade emberflow.`);
    for (const m of all.slice(at)) {
      db.transaction(() => {
        db.exec(m.sql);
        record.run(set.model, m.version, m.name);
      })();
      applied.push({ model: set.model, version: m.version });
    }
  }
  return applied;
}
