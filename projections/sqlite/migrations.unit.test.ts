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
    db.close();
  });
});
