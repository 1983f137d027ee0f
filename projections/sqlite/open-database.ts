import Database from "better-sqlite3";

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Milliseconds a writer or reader waits on a lock before SQLITE_BUSY (the GraphQL server reads while the projector writes). */
  readonly busyTimeoutMs?: number;
  readonly readonly?: boolean;
}

/**
 * Opens a read-model file with the settings every projection relies on: WAL so readers never block
 * the projector, a busy timeout instead of instant SQLITE_BUSY, synchronous=NORMAL (in WAL mode a
 * crash can lose the last commits but never corrupts; the log is the source of truth and the
 * checkpoint travels in the same transaction, so lost commits are simply re-applied).
 */
export function openDatabase(path: string, o: OpenDatabaseOptions = {}): Db {
  const db = new Database(path, { readonly: o.readonly ?? false });
  db.pragma(`busy_timeout = ${o.busyTimeoutMs ?? 5000}`);
  if (!o.readonly) {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
  }
  db.pragma("foreign_keys = ON");
  return db;
}
