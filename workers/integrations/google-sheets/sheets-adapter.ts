/**
 * Google Sheets export as an upsert keyed by Job ID (+ Format). The seed only appended, so every
 * export duplicated rows (inventory §11.11). Per export, normally two calls and one write: a
 * values.get of A:M (which also tells whether the tab exists and how many rows its grid has) and
 * one values.batchUpdate carrying the header (if needed), the in-place updates and the new rows at
 * explicit ranges after the last used row. Only a missing tab adds an addSheet, and only new rows
 * that would not fit in the grid go through values.append (which grows it). RAW input, so a
 * description starting with `=` stays text.
 */
import { sheets as sheetsApi, type sheets_v4 } from "@googleapis/sheets";
import { IntegrationError } from "../integration-error.js";
import { createServiceAccountAuth } from "./service-account-auth.js";
import { withSheetsBackoff, type BackoffOptions } from "./sheets-backoff.js";
import { LAST_COLUMN, planUpsert, quoteSheetName, SHEET_HEADERS, type SheetJobRow } from "./sheet-rows.js";

export interface SheetsConfig {
  /** `GOOGLE_SHEETS_ID` */
  spreadsheetId: string;
  /** `GOOGLE_SHEETS_TAB`; default `Renders` (the seed's tab). */
  tab?: string;
  /** `GOOGLE_SERVICE_ACCOUNT_EMAIL` */
  clientEmail: string;
  /** `GOOGLE_PRIVATE_KEY` */
  privateKey: string;
  /** Tests: Sheets API root (e.g. a local fake) and OAuth token URL. */
  rootUrl?: string;
  tokenUrl?: string;
  backoff?: BackoffOptions;
}

export interface SheetsExportResult {
  inserted: number;
  updated: number;
  tabCreated: boolean;
}

export interface SheetsAdapter {
  /**
   * Upserts the rows. Idempotent by key, so re-running an export (retry or redelivery) updates
   * in place. Sheets has no conditional write: two exports to one tab at once can both put their
   * new rows after the same last row, one overwriting the other. Run them one at a time.
   */
  exportRows(rows: SheetJobRow[]): Promise<SheetsExportResult>;
}

export function createSheetsAdapterIfConfigured(config: Partial<SheetsConfig> | undefined): SheetsAdapter | undefined {
  // All three are needed, as in the seed's "configured" check.
  if (!config?.spreadsheetId || !config.clientEmail || !config.privateKey) return undefined;
  return createGoogleSheetsAdapter(config as SheetsConfig);
}

export function createGoogleSheetsAdapter(config: SheetsConfig): SheetsAdapter {
  const tab = config.tab ?? "Renders";
  const auth = createServiceAccountAuth({ clientEmail: config.clientEmail, privateKey: config.privateKey, tokenUrl: config.tokenUrl });
  const api = sheetsApi({ version: "v4", auth, ...(config.rootUrl ? { rootUrl: config.rootUrl } : {}) });
  const spreadsheetId = config.spreadsheetId;
  const quoted = quoteSheetName(tab);
  // gaxios would otherwise retry 429/5xx on its own without honouring Retry-After.
  const noRetry = { retry: false } as const;
  const call = <T>(what: string, fn: () => Promise<T>) => withSheetsBackoff(what, fn, config.backoff, config.clientEmail);

  const dataRange = `${quoted}!A:${LAST_COLUMN}`;

  interface TabRead {
    values: string[][];
    /** The grid's row count (from the range values.get resolved), when it could be read. */
    rowCount?: number;
    created: boolean;
  }

  /** values.get of A:M; null when the tab does not exist (Sheets answers 400 "Unable to parse range"). */
  async function readTab(): Promise<TabRead | null> {
    return call("values.get", async () => {
      try {
        const res = await api.spreadsheets.values.get({ spreadsheetId, range: dataRange, majorDimension: "ROWS" }, noRetry);
        const values = ((res.data.values ?? []) as unknown[][]).map((r) => r.map((c) => (c == null ? "" : String(c))));
        return { values, rowCount: gridRowsOf(res.data.range), created: false };
      } catch (err) {
        if (isMissingTab(err)) return null;
        throw err;
      }
    });
  }

  async function addTab(): Promise<TabRead> {
    try {
      const res = await call("addSheet", () =>
        api.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests: [{ addSheet: { properties: { title: tab } } }] } }, noRetry),
      );
      const rowCount = res.data.replies?.[0]?.addSheet?.properties?.gridProperties?.rowCount ?? undefined;
      return { values: [], rowCount, created: true };
    } catch (err) {
      // Someone added it between our read and addSheet (or a retried addSheet already went
      // through): Sheets answers 400 "already exists", so read it again.
      if (!(err instanceof IntegrationError && err.status === 400)) throw err;
      const again = await readTab();
      if (!again) throw err;
      return again;
    }
  }

  return {
    async exportRows(rows) {
      const read = (await readTab()) ?? (await addTab());
      const tabCreated = read.created;
      const plan = planUpsert(read.values, rows);
      if (plan.headerConflict) {
        throw new IntegrationError("google-sheets", `row 1 of tab "${tab}" is not the emberflow header; use an empty tab (GOOGLE_SHEETS_TAB)`, {
          retryable: false,
          code: "HEADER_CONFLICT",
        });
      }

      const data: sheets_v4.Schema$ValueRange[] = [];
      if (plan.writeHeader) data.push({ range: `${quoted}!A1:${LAST_COLUMN}1`, values: [[...SHEET_HEADERS]] });
      for (const update of plan.updates) {
        data.push({ range: `${quoted}!A${update.row}:${LAST_COLUMN}${update.row}`, values: [update.values] });
      }
      // Writes past the grid's last row are refused ("exceeds grid limits"), so new rows ride in
      // the same batchUpdate only when they fit; explicit ranges also make a retried write
      // idempotent, where a retried append could add the rows twice.
      const lastNewRow = plan.firstNewRow + plan.appends.length - 1;
      const fits = read.rowCount !== undefined && lastNewRow <= read.rowCount;
      if (plan.appends.length > 0 && fits) {
        data.push({ range: `${quoted}!A${plan.firstNewRow}:${LAST_COLUMN}${lastNewRow}`, values: plan.appends });
      }
      if (data.length > 0) {
        await call("values.batchUpdate", () =>
          api.spreadsheets.values.batchUpdate({ spreadsheetId, requestBody: { valueInputOption: "RAW", data } }, noRetry),
        );
      }
      if (plan.appends.length > 0 && !fits) {
        // The grid is full: INSERT_ROWS grows it. A retried append after a lost response could
        // add the rows twice; the next export's upsert then updates the first copy.
        await call("values.append", () =>
          api.spreadsheets.values.append(
            {
              spreadsheetId,
              range: dataRange,
              valueInputOption: "RAW",
              insertDataOption: "INSERT_ROWS",
              requestBody: { majorDimension: "ROWS", values: plan.appends },
            },
            noRetry,
          ),
        );
      }
      return { inserted: plan.appends.length, updated: plan.updates.length, tabCreated };
    },
  };
}

/**
 * values.get answers with the requested range resolved against the grid (`A:M` on a 1000-row tab
 * comes back as `Renders!A1:M1000`), which gives the row count without a spreadsheets.get.
 */
export function gridRowsOf(range: string | null | undefined): number | undefined {
  const m = /:[A-Z]+(\d+)$/.exec(range ?? "");
  return m ? Number(m[1]) : undefined;
}

/** A tab that does not exist makes its A1 range unparseable: 400 "Unable to parse range: ...". */
function isMissingTab(err: unknown): boolean {
  const e = err as { response?: { status?: number; data?: { error?: { message?: unknown } } }; message?: unknown };
  const message = e?.response?.data?.error?.message ?? e?.message;
  return e?.response?.status === 400 && typeof message === "string" && /unable to parse range/i.test(message);
}
