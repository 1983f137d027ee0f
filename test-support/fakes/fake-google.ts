/**
 * A local stand-in for Google's OAuth token endpoint and the Sheets v4 calls the exporter (and a
 * test playing n8n) uses: spreadsheets.get, addSheet, values.get / update / batchUpdate / append,
 * on an in-memory spreadsheet with Sheets' rules (grid limits, null cells skipped, atomic batches;
 * see fake-sheets-grid.ts). The token endpoint verifies the JWT assertion's RS256 signature with
 * the test's public key, so a broken key or claim set fails here as it would at Google.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomBytes, verify, type KeyObject } from "node:crypto";
import { close, FailureQueue, listen, readBody, sendJson } from "./http-helpers.js";
import {
  applyAppend, applyUpdate, DEFAULT_COLUMNS, DEFAULT_ROWS, formatA1, parseA1, readRange, resolveRange, writeError,
  type InputCell, type ResolvedRange, type Tab,
} from "./fake-sheets-grid.js";

export interface FakeGoogleOptions {
  publicKey: KeyObject | string;
  clientEmail: string;
}

export interface FakeGoogle {
  /** Pass as `rootUrl` to the Sheets client. */
  rootUrl: string;
  /** Pass as the JWT token URL override. */
  tokenUrl: string;
  /** Tabs get Sheets' default grid (1000 rows x 26 columns) unless `grid` says otherwise. */
  createSpreadsheet(id: string, tabs?: string[], grid?: { rowCount?: number; columnCount?: number }): void;
  /** The tab's cells, row-major, as stored (cells never written are absent, not ""). */
  values(id: string, tab: string): string[][];
  tabs(id: string): string[];
  gridSize(id: string, tab: string): { rowCount: number; columnCount: number } | undefined;
  /** The next `count` Sheets API calls answer `status` (e.g. 429 with Retry-After). */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  /** Every Sheets API call, e.g. `GET values`, `PUT values`, `POST values:batchUpdate`, `POST batchUpdate`. */
  calls: string[];
  tokenRequests: number;
  /** Stop listening (connection refused) and come back on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFakeGoogle(options: FakeGoogleOptions): Promise<FakeGoogle> {
  const books = new Map<string, Map<string, Tab>>();
  let nextSheetId = 1;
  const newTab = (title: string, rowCount = DEFAULT_ROWS, columnCount = DEFAULT_COLUMNS): Tab => ({ sheetId: nextSheetId++, title, grid: [], rowCount, columnCount });
  const tokens = new Set<string>();
  const failures = new FailureQueue();
  const calls: string[] = [];
  let tokenRequests = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendJson(res, 500, { error: { code: 500, message: String(err) } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const body = await readBody(req);
    if (url.pathname === "/token" && req.method === "POST") return token(res, body);
    if (!url.pathname.startsWith("/v4/spreadsheets/")) return googleError(res, 404, "not found");
    const auth = req.headers.authorization ?? "";
    if (!tokens.has(auth.replace(/^Bearer /, ""))) return googleError(res, 401, "Request had invalid authentication credentials.");
    const failure = failures.take();
    if (failure) return googleError(res, failure.status, "injected failure", failure.headers);
    return sheetsCall(req.method ?? "GET", url, body, res);
  }

  function token(res: ServerResponse, body: string): void {
    tokenRequests += 1;
    const form = new URLSearchParams(body);
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") return sendJson(res, 400, { error: "unsupported_grant_type" });
    const parts = (form.get("assertion") ?? "").split(".");
    if (parts.length !== 3) return sendJson(res, 400, { error: "invalid_grant", error_description: "malformed assertion" });
    const [header, payload, signature] = parts;
    const signed = verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), options.publicKey, Buffer.from(signature, "base64url"));
    if (!signed) return sendJson(res, 400, { error: "invalid_grant", error_description: "Invalid JWT Signature." });
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const valid =
      claims.iss === options.clientEmail &&
      claims.aud === "https://oauth2.googleapis.com/token" &&
      String(claims.scope ?? "").split(" ").includes("https://www.googleapis.com/auth/spreadsheets") &&
      typeof claims.exp === "number" && claims.exp > now;
    if (!valid) return sendJson(res, 400, { error: "invalid_grant", error_description: "Invalid JWT claims." });
    const accessToken = `ya29.fake-${randomBytes(12).toString("hex")}`;
    tokens.add(accessToken);
    sendJson(res, 200, { access_token: accessToken, expires_in: 3600, token_type: "Bearer" });
  }

  function sheetsCall(method: string, url: URL, body: string, res: ServerResponse): void {
    // /v4/spreadsheets/{id}[:batchUpdate | /values/{range}[:append] | /values:batchUpdate]
    const rest = url.pathname.slice("/v4/spreadsheets/".length);
    const match = /^([^/:]+)(.*)$/.exec(rest);
    const book = match ? books.get(match[1]) : undefined;
    if (!match || !book) return googleError(res, 404, "Requested entity was not found.");
    const [, id, tail] = match;
    const json = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    const properties = (t: Tab, index: number) => ({
      sheetId: t.sheetId, title: t.title, index, sheetType: "GRID", gridProperties: { rowCount: t.rowCount, columnCount: t.columnCount },
    });
    // A missing tab makes the A1 range unparseable, which is how Sheets answers it.
    const target = (raw: string): { tab: Tab; range: ResolvedRange } | { error: string } => {
      const parsed = parseA1(raw);
      const tab = parsed && book.get(parsed.tab);
      if (!parsed || !tab) return { error: `Unable to parse range: ${raw}` };
      const range = resolveRange(tab, parsed, raw);
      return "error" in range ? range : { tab, range };
    };

    if (method === "GET" && tail === "") {
      calls.push("GET spreadsheet");
      return sendJson(res, 200, { spreadsheetId: id, sheets: [...book.values()].map((t, i) => ({ properties: properties(t, i) })) });
    }
    if (method === "POST" && tail === ":batchUpdate") {
      calls.push("POST batchUpdate");
      type AddSheet = { addSheet?: { properties?: { title?: string; gridProperties?: { rowCount?: number; columnCount?: number } } } };
      const requests = (json.requests ?? []) as AddSheet[];
      // Every request is validated before any is applied: the batch is atomic.
      const titles = new Set(book.keys());
      for (const request of requests) {
        const title = request.addSheet?.properties?.title;
        if (!title) return googleError(res, 400, "only addSheet is supported by the fake");
        if (titles.has(title)) return googleError(res, 400, `Invalid requests[0].addSheet: A sheet with the name "${title}" already exists. Please enter another name.`);
        titles.add(title);
      }
      const replies = requests.map((request) => {
        const p = request.addSheet!.properties!;
        const tab = newTab(p.title!, p.gridProperties?.rowCount, p.gridProperties?.columnCount);
        book.set(tab.title, tab);
        return { addSheet: { properties: properties(tab, book.size - 1) } };
      });
      return sendJson(res, 200, { spreadsheetId: id, replies });
    }
    if (method === "POST" && tail === "/values:batchUpdate") {
      calls.push("POST values:batchUpdate");
      if (json.valueInputOption !== "RAW" && json.valueInputOption !== "USER_ENTERED") return googleError(res, 400, "valueInputOption required");
      const writes = [];
      for (const item of (json.data ?? []) as { range: string; values?: InputCell[][] }[]) {
        const t = target(item.range);
        if ("error" in t) return googleError(res, 400, t.error);
        const tooBig = writeError(t.range, item.values ?? [], item.range);
        if (tooBig) return googleError(res, 400, tooBig);
        writes.push({ ...t, raw: item.range, values: item.values ?? [] });
      }
      const responses = writes.map((w) => {
        const cells = applyUpdate(w.tab.grid, w.range, w.values);
        return { spreadsheetId: id, updatedRange: formatA1(w.tab.title, w.range), updatedRows: w.values.length, updatedCells: cells };
      });
      const total = (k: "updatedRows" | "updatedCells") => responses.reduce((n, r) => n + r[k], 0);
      return sendJson(res, 200, { spreadsheetId: id, totalUpdatedRows: total("updatedRows"), totalUpdatedCells: total("updatedCells"), responses });
    }
    if (tail.startsWith("/values/")) {
      const append = tail.endsWith(":append");
      const raw = decodeURIComponent(tail.slice("/values/".length, append ? -":append".length : undefined));
      const name =
        method === "GET" && !append ? "GET values"
        : method === "PUT" && !append ? "PUT values"
        : method === "POST" && append ? "POST values:append"
        : null;
      if (!name) return googleError(res, 404, `fake does not implement ${method} ${url.pathname}`);
      calls.push(name); // failed calls count too: they cost quota at Google
      const t = target(raw);
      if ("error" in t) return googleError(res, 400, t.error);
      const values = (json.values ?? []) as InputCell[][];
      if (name === "GET values") {
        const read = readRange(t.tab.grid, t.range);
        return sendJson(res, 200, { range: formatA1(t.tab.title, t.range), majorDimension: "ROWS", ...(read.length ? { values: read } : {}) });
      }
      if (method !== "GET" && !url.searchParams.get("valueInputOption")) return googleError(res, 400, "valueInputOption required");
      if (name === "PUT values") {
        if (typeof json.range === "string" && json.range !== raw) return googleError(res, 400, "The range in the body must match the URL range.");
        const tooBig = writeError(t.range, values, raw);
        if (tooBig) return googleError(res, 400, tooBig);
        const cells = applyUpdate(t.tab.grid, t.range, values);
        return sendJson(res, 200, { spreadsheetId: id, updatedRange: formatA1(t.tab.title, t.range), updatedRows: values.length, updatedCells: cells });
      }
      // POST values:append
      const first = applyAppend(t.tab, t.range, values, url.searchParams.get("insertDataOption") === "INSERT_ROWS");
      const written = { ...t.range, startRow: first, endRow: first + values.length - 1 };
      return sendJson(res, 200, { spreadsheetId: id, updates: { updatedRows: values.length, updatedRange: formatA1(t.tab.title, written) } });
    }
    googleError(res, 404, `fake does not implement ${method} ${url.pathname}`);
  }

  const port = await listen(server);
  const base = `http://127.0.0.1:${port}`;
  return {
    rootUrl: `${base}/`,
    tokenUrl: `${base}/token`,
    createSpreadsheet: (id, tabs = ["Sheet1"], grid = {}) =>
      void books.set(id, new Map(tabs.map((t) => [t, newTab(t, grid.rowCount, grid.columnCount)]))),
    values: (id, tab) => (books.get(id)?.get(tab)?.grid ?? []).map((row) => [...row]),
    tabs: (id) => [...(books.get(id)?.keys() ?? [])],
    gridSize: (id, tab) => {
      const t = books.get(id)?.get(tab);
      return t ? { rowCount: t.rowCount, columnCount: t.columnCount } : undefined;
    },
    failNext: (count, status, headers) => failures.push(count, status, headers),
    calls,
    get tokenRequests() {
      return tokenRequests;
    },
    down: () => close(server),
    up: async () => {
      if (!server.listening) await listen(server, port);
    },
    stop: () => close(server),
  };
}

function googleError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { code: status, message, status: status === 429 ? "RESOURCE_EXHAUSTED" : "ERROR" } }, headers);
}
