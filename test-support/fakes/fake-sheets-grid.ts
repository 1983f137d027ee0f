/** In-memory grid and A1 notation for the fake Sheets server; only what the exporter sends. */
export type Grid = string[][];

export interface A1Range {
  tab: string;
  startCol: number;
  startRow: number;
  endCol: number;
  endRow?: number;
}

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

export function readRange(grid: Grid, range: A1Range): string[][] {
  const last = range.endRow ?? grid.length;
  const rows: string[][] = [];
  for (let r = range.startRow; r <= last; r += 1) {
    const row = (grid[r - 1] ?? []).slice(range.startCol, range.endCol + 1);
    while (row.length && row[row.length - 1] === "") row.pop();
    rows.push(row);
  }
  // Sheets omits trailing empty rows.
  while (rows.length && rows[rows.length - 1].length === 0) rows.pop();
  return rows;
}

export function applyUpdate(grid: Grid, range: A1Range, values: string[][]): void {
  values.forEach((rowValues, i) => {
    const r = range.startRow - 1 + i;
    while (grid.length <= r) grid.push([]);
    const row = grid[r];
    rowValues.forEach((value, j) => {
      const c = range.startCol + j;
      while (row.length <= c) row.push("");
      row[c] = String(value ?? "");
    });
  });
}

/** Appends after the last non-empty row; returns the first written row number (1-based). */
export function applyAppend(grid: Grid, values: string[][]): number {
  let last = grid.length;
  while (last > 0 && grid[last - 1].every((c) => c === "")) last -= 1;
  grid.length = last;
  values.forEach((row) => grid.push(row.map((v) => String(v ?? ""))));
  return last + 1;
}
