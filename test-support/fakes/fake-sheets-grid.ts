/**
 * In-memory tabs and A1 notation for the fake Sheets server, with the Sheets v4 rules the exporter
 * runs into: a tab has a fixed grid (1000 x 26 when created) and a write or explicit read past it is
 * refused ("exceeds grid limits"), an open range (`A:M`) is answered resolved to the grid, null
 * cells are skipped on write, trailing empty rows and cells are omitted on read.
 */
export type Grid = string[][];
export type InputCell = string | number | boolean | null;

export interface Tab {
  sheetId: number;
  title: string;
  grid: Grid;
  rowCount: number;
  columnCount: number;
}

/** What Sheets gives a tab created without gridProperties. */
export const DEFAULT_ROWS = 1000;
export const DEFAULT_COLUMNS = 26;

export interface A1Range {
  tab: string;
  startCol: number;
  startRow: number;
  endCol: number;
  endRow?: number;
}

export type ResolvedRange = Required<A1Range>;

/** Parses `'Tab ''x'''!A1:M5`, `Tab!A:M`, `'Tab'!A2`; columns are 0-based, rows 1-based. */
export function parseA1(input: string): A1Range | undefined {
  const bang = input.lastIndexOf("!");
  if (bang < 0) return undefined;
  let tab = input.slice(0, bang);
  if (tab.startsWith("'")) {
    if (!tab.endsWith("'")) return undefined;
    tab = tab.slice(1, -1).replace(/''/g, "'");
  }
  const cells = input.slice(bang + 1).split(":");
  const start = /^([A-Z]+)(\d*)$/.exec(cells[0] ?? "");
  const end = cells[1] === undefined ? start : /^([A-Z]+)(\d*)$/.exec(cells[1]);
  if (!start || !end) return undefined;
  return {
    tab,
    startCol: colIndex(start[1]),
    startRow: start[2] ? Number(start[2]) : 1,
    endCol: colIndex(end[1]),
    endRow: end[2] ? Number(end[2]) : undefined,
  };
}

function colIndex(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

export function colLetters(index: number): string {
  let out = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
  return out;
}

/** A1 as Sheets writes it back: the sheet name quoted only when it has to be. */
export function formatA1(title: string, r: ResolvedRange): string {
  const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(title) ? title : `'${title.replace(/'/g, "''")}'`;
  return `${name}!${colLetters(r.startCol)}${r.startRow}:${colLetters(r.endCol)}${r.endRow}`;
}

/** An open-ended range ends at the grid's last row; a range past the grid is an error, as in Sheets. */
export function resolveRange(tab: Tab, range: A1Range, raw: string): ResolvedRange | { error: string } {
  const endRow = range.endRow ?? tab.rowCount;
  if (range.startRow < 1 || range.startRow > endRow || range.startCol > range.endCol) return { error: `Unable to parse range: ${raw}` };
  if (endRow > tab.rowCount || range.endCol >= tab.columnCount) {
    return { error: `Range (${raw}) exceeds grid limits. Max rows: ${tab.rowCount}, max columns: ${tab.columnCount}` };
  }
  return { ...range, endRow };
}

export function readRange(grid: Grid, range: ResolvedRange): string[][] {
  const rows: string[][] = [];
  for (let r = range.startRow; r <= range.endRow; r += 1) {
    const row = (grid[r - 1] ?? []).slice(range.startCol, range.endCol + 1);
    while (row.length && row[row.length - 1] === "") row.pop();
    rows.push(row);
  }
  // Sheets omits trailing empty rows.
  while (rows.length && rows[rows.length - 1].length === 0) rows.pop();
  return rows;
}

/** Sheets refuses values that do not fit the range they are written to. */
export function writeError(range: ResolvedRange, values: readonly (readonly InputCell[])[], raw: string): string | undefined {
  const rows = range.endRow - range.startRow + 1;
  const cols = range.endCol - range.startCol + 1;
  if (values.length > rows) return `Requested writing within range [${raw}], but tried writing to row [${range.startRow + rows}]`;
  const wide = values.find((v) => v.length > cols);
  if (wide) return `Requested writing within range [${raw}], but tried writing to column [${colLetters(range.startCol + cols)}]`;
  return undefined;
}

/** Writes from the range's top-left cell; a null cell is skipped (the cell keeps its value). */
export function applyUpdate(grid: Grid, range: Pick<A1Range, "startCol" | "startRow">, values: readonly (readonly InputCell[])[]): number {
  let cells = 0;
  values.forEach((rowValues, i) => {
    const r = range.startRow - 1 + i;
    while (grid.length <= r) grid.push([]);
    const row = grid[r];
    rowValues.forEach((value, j) => {
      if (value === null || value === undefined) return;
      const c = range.startCol + j;
      while (row.length <= c) row.push("");
      row[c] = String(value);
      cells += 1;
    });
  });
  return cells;
}

/**
 * values.append: writes after the last row with data in the range's columns. INSERT_ROWS inserts
 * that many new rows into the grid (so it grows); OVERWRITE writes into the rows that are there and
 * grows the grid only past its end. Returns the first written row (1-based).
 */
export function applyAppend(tab: Tab, range: A1Range, values: readonly (readonly InputCell[])[], insertRows: boolean): number {
  const used = (row: string[] | undefined) => (row ?? []).slice(range.startCol, range.endCol + 1).some((c) => c !== "");
  let last = tab.grid.length;
  while (last > 0 && !used(tab.grid[last - 1])) last -= 1;
  if (insertRows) {
    if (tab.grid.length > last) tab.grid.splice(last, 0, ...values.map(() => [] as string[]));
    tab.rowCount += values.length;
  } else tab.rowCount = Math.max(tab.rowCount, last + values.length);
  applyUpdate(tab.grid, { startCol: range.startCol, startRow: last + 1 }, values);
  return last + 1;
}
