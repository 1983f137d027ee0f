/**
 * Google Sheets export as an upsert keyed by Job ID (+ Format). The seed only appended, so every
 * export duplicated rows (inventory §11.11). Per export: one spreadsheets.get (tabs), addSheet only
 * when the tab is missing, one values.get of A:M, one values.batchUpdate (header + in-place
 * updates), one values.append (new rows). RAW input so a description starting with `=` stays text.
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
   * in place. Concurrent exports to one tab can both append a new key: run them one at a time.
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

  async function ensureTab(): Promise<boolean> {
    const meta = await call("spreadsheets.get", () =>
      api.spreadsheets.get({ spreadsheetId, fields: "sheets.properties.title" }, noRetry),
    );
    const titles = (meta.data.sheets ?? []).map((s) => s.properties?.title);
    if (titles.includes(tab)) return false;
    try {
      await call("addSheet", () =>
        api.spreadsheets.batchUpdate(
          { spreadsheetId, requestBody: { requests: [{ addSheet: { properties: { title: tab } } }] } },
          noRetry,
        ),
      );
    } catch (err) {
      // Another exporter may have added it between our get and addSheet (Sheets answers 400).
      if (!(err instanceof IntegrationError && err.status === 400)) throw err;
      const again = await call("spreadsheets.get", () => api.spreadsheets.get({ spreadsheetId, fields: "sheets.properties.title" }, noRetry));
      if (!(again.data.sheets ?? []).some((s) => s.properties?.title === tab)) throw err;
      return false;
    }
    return true;
  }

  return {
    async exportRows(rows) {
      const tabCreated = await ensureTab();
      if (rows.length === 0 && !tabCreated) return { inserted: 0, updated: 0, tabCreated };
      const current = await call("values.get", () =>
        api.spreadsheets.values.get({ spreadsheetId, range: `${quoted}!A:${LAST_COLUMN}`, majorDimension: "ROWS" }, noRetry),
      );
      const existing = ((current.data.values ?? []) as unknown[][]).map((r) => r.map((c) => (c == null ? "" : String(c))));
      const plan = planUpsert(existing, rows);
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
      if (data.length > 0) {
        await call("values.batchUpdate", () =>
          api.spreadsheets.values.batchUpdate({ spreadsheetId, requestBody: { valueInputOption: "RAW", data } }, noRetry),
        );
      }
      if (plan.appends.length > 0) {
        // A retried append after a lost response could add the rows twice; the next export's
        // upsert then updates the first copy. Acceptable for a log sheet; noted in the docs.
        await call("values.append", () =>
          api.spreadsheets.values.append(
            {
              spreadsheetId,
              range: `${quoted}!A:${LAST_COLUMN}`,
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
