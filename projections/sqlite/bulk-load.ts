import type { Db } from "./open-database";

/**
 * Settings for a file that is being filled from scratch and that nobody reads until it is complete
 * (a rebuild): a crash or an error means deleting it and starting over, so there is nothing for a
 * journal or fsync to protect. No journal at all (every page is written once, not to the WAL and then
 * again to the file), no fsync, one connection holding the lock. `finishBulkLoad` puts back WAL, which
 * every reader of a read-model file expects.
 */
export function startBulkLoad(db: Db): void {
  db.pragma("journal_mode = OFF"); // a rollback is undefined from here on: callers discard the file on any error
  db.pragma("synchronous = OFF");
  db.pragma("locking_mode = EXCLUSIVE");
  db.pragma("cache_size = -65536");
}

export function finishBulkLoad(db: Db): void {
  db.pragma("journal_mode = WAL");
}

interface IndexDef {
  readonly name: string;
  readonly sql: string;
}

/**
 * Drops the non-unique secondary indexes (those the migrations created; the projections write by
 * primary key and never read through them) and returns a function that creates them again from their
 * own stored SQL: one sort per index after the load is far cheaper than keeping each up to date row by
 * row. Read from sqlite_master, so an index a future migration adds is covered without a change here.
 * Unique indexes stay: they are constraints, and an event that breaks one must fail where it is applied.
 */
export function deferSecondaryIndexes(db: Db): () => void {
  const all = db.prepare<[], IndexDef>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all();
  const deferred = all.filter((i) => !/^\s*CREATE\s+UNIQUE\b/i.test(i.sql));
  db.transaction(() => {
    for (const i of deferred) db.exec(`DROP INDEX "${i.name.replaceAll('"', '""')}"`);
  })();
  return () =>
    db.transaction(() => {
      for (const i of deferred) db.exec(i.sql);
    })();
}
