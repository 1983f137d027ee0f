import type { Db } from "./open-database";

/**
 * Every table's rows in a fixed order (tables by name, rows by all columns): two files built from
 * the same log dump equal whether they were built incrementally, after a crash, or by a rebuild.
 */
export function dumpReadModel(db: Db): Record<string, unknown[][]> {
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((t) => t.name);
  const dump: Record<string, unknown[][]> = {};
  for (const name of tables) {
    const cols = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${name}') ORDER BY cid`).all();
    const order = cols.map((_, i) => i + 1).join(", ");
    dump[name] = db.prepare(`SELECT * FROM "${name}" ORDER BY ${order}`).raw().all() as unknown[][];
  }
  return dump;
}
