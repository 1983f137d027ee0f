import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "./open-database";
import { migrate } from "./migrations";
import { openReadModel, READ_MODEL_MIGRATIONS } from "../read-model";

describe("sqlite set-up and migrations", () => {
  let dir = "";
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "ef-migr-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("opens with WAL, busy timeout, synchronous=NORMAL and foreign keys", () => {
    const db = openDatabase(join(dir, "a.sqlite"));
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
    expect(db.pragma("synchronous", { simple: true })).toBe(1);
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    db.close();
  });

  it("records each model's versions once and applies only new files", () => {
    const path = join(dir, "rm.sqlite");
    openReadModel(path).close();
    const db = openDatabase(path);
    const rows = db.prepare("SELECT model, version FROM schema_migrations ORDER BY model").all();
    expect(rows).toHaveLength(READ_MODEL_MIGRATIONS.length);
    expect(migrate(db, READ_MODEL_MIGRATIONS)).toEqual([]);

    const folder = join(dir, "m");
    mkdirSync(folder);
    writeFileSync(join(folder, "001_a.sql"), "CREATE TABLE a (x INTEGER) STRICT;");
    const set = { model: "extra", folder: pathToFileURL(folder + "/") };
    expect(migrate(db, [set])).toEqual([{ model: "extra", version: 1 }]);
    writeFileSync(join(folder, "002_b.sql"), "ALTER TABLE a ADD COLUMN y TEXT;");
    expect(migrate(db, [set])).toEqual([{ model: "extra", version: 2 }]);
    writeFileSync(join(folder, "004_gap.sql"), "SELECT 1;");
    expect(() => migrate(db, [set])).toThrow(/without gaps/);
    rmSync(join(folder, "004_gap.sql"));
    // an applied file edited in place is refused, with what to do instead
    writeFileSync(join(folder, "002_b.sql"), "ALTER TABLE a ADD COLUMN z TEXT;");
    expect(() => migrate(db, [set])).toThrow(/002_b\.sql of read model "extra" was edited after this file applied it: put the change in a new numbered file/);
    db.close();
  });

  it("keeps checksums for files migrated before checksums existed, then checks them", () => {
    const db = openDatabase(join(dir, "old.sqlite"));
    db.exec("CREATE TABLE schema_migrations (model TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (model, version)) STRICT");
    const folder = join(dir, "m2");
    mkdirSync(folder);
    writeFileSync(join(folder, "001_a.sql"), "CREATE TABLE a (x INTEGER) STRICT;");
    db.exec("CREATE TABLE a (x INTEGER) STRICT; INSERT INTO schema_migrations VALUES ('old', 1, '001_a.sql')");
    const set = { model: "old", folder: pathToFileURL(folder + "/") };
    expect(migrate(db, [set])).toEqual([]);
    expect(db.prepare("SELECT checksum FROM schema_migrations WHERE model = 'old'").pluck().get()).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(join(folder, "001_a.sql"), "CREATE TABLE a (x TEXT) STRICT;");
    expect(() => migrate(db, [set])).toThrow(/was edited/);
    db.close();
  });
});
