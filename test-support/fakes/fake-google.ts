/**
 * A local stand-in for Google's OAuth token endpoint and the Sheets v4 calls the exporter uses,
 * with an in-memory spreadsheet. The token endpoint verifies the JWT assertion's RS256 signature
 * with the test's public key, so a broken key or claim set fails here as it would at Google.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomBytes, verify, type KeyObject } from "node:crypto";
import { close, FailureQueue, listen, readBody, sendJson } from "./http-helpers.js";
import { applyAppend, applyUpdate, parseA1, readRange, type Grid } from "./fake-sheets-grid.js";

export interface FakeGoogleOptions {
  publicKey: KeyObject | string;
  clientEmail: string;
}

export interface FakeGoogle {
  /** Pass as `rootUrl` to the Sheets client. */
  rootUrl: string;
  /** Pass as the JWT token URL override. */
  tokenUrl: string;
  createSpreadsheet(id: string, tabs?: string[]): void;
  /** The tab's cells, row-major, trailing empty rows trimmed. */
  values(id: string, tab: string): string[][];
  tabs(id: string): string[];
  /** The next `count` Sheets API calls answer `status` (e.g. 429 with Retry-After). */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  /** Every Sheets API call, e.g. `GET values`, `POST values:batchUpdate`. */
  calls: string[];
  tokenRequests: number;
  /** Stop listening (connection refused) and come back on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFakeGoogle(options: FakeGoogleOptions): Promise<FakeGoogle> {
  const books = new Map<string, Map<string, Grid>>();
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

    if (method === "GET" && tail === "") {
      calls.push("GET spreadsheet");
      const sheets = [...book.keys()].map((title, index) => ({ properties: { sheetId: index, title, index } }));
      return sendJson(res, 200, { spreadsheetId: id, sheets });
    }
    if (method === "POST" && tail === ":batchUpdate") {
      calls.push("POST batchUpdate");
      const replies = [];
      for (const request of (json.requests ?? []) as { addSheet?: { properties?: { title?: string } } }[]) {
        const title = request.addSheet?.properties?.title;
        if (!title) return googleError(res, 400, "only addSheet is supported by the fake");
        if (book.has(title)) return googleError(res, 400, `A sheet with the name "${title}" already exists.`);
        book.set(title, []);
        replies.push({ addSheet: { properties: { sheetId: book.size - 1, title } } });
      }
      return sendJson(res, 200, { spreadsheetId: id, replies });
    }
    if (method === "POST" && tail === "/values:batchUpdate") {
      calls.push("POST values:batchUpdate");
      if (json.valueInputOption !== "RAW" && json.valueInputOption !== "USER_ENTERED") return googleError(res, 400, "valueInputOption required");
      let updatedRows = 0;
      for (const item of (json.data ?? []) as { range: string; values: string[][] }[]) {
        const range = parseA1(item.range);
        const grid = range && book.get(range.tab);
        if (!range || !grid) return googleError(res, 400, `Unable to parse range: ${item.range}`);
        applyUpdate(grid, range, item.values);
        updatedRows += item.values.length;
      }
      return sendJson(res, 200, { spreadsheetId: id, totalUpdatedRows: updatedRows });
    }
    if (tail.startsWith("/values/")) {
      const append = tail.endsWith(":append");
      const rawRange = decodeURIComponent(tail.slice("/values/".length, append ? -":append".length : undefined));
      const range = parseA1(rawRange);
      const grid = range && book.get(range.tab);
      if (!range || !grid) return googleError(res, 400, `Unable to parse range: ${rawRange}`);
      if (method === "GET" && !append) {
        calls.push("GET values");
        const values = readRange(grid, range);
        return sendJson(res, 200, { range: rawRange, majorDimension: "ROWS", ...(values.length ? { values } : {}) });
      }
      if (method === "POST" && append) {
        calls.push("POST values:append");
        if (!url.searchParams.get("valueInputOption")) return googleError(res, 400, "valueInputOption required");
        const values = (json.values ?? []) as string[][];
        const firstRow = applyAppend(grid, values);
        return sendJson(res, 200, { spreadsheetId: id, updates: { updatedRows: values.length, updatedRange: `${range.tab}!A${firstRow}` } });
      }
    }
    googleError(res, 404, `fake does not implement ${method} ${url.pathname}`);
  }

  const port = await listen(server);
  const base = `http://127.0.0.1:${port}`;
  return {
    rootUrl: `${base}/`,
    tokenUrl: `${base}/token`,
    createSpreadsheet: (id, tabs = ["Sheet1"]) => void books.set(id, new Map(tabs.map((t) => [t, [] as Grid]))),
    values: (id, tab) => (books.get(id)?.get(tab) ?? []).map((row) => [...row]),
    tabs: (id) => [...(books.get(id)?.keys() ?? [])],
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
