import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { publishProgress } from "../core/progress/progress-channel";
import { startServerHarness, type ServerHarness } from "./testing/server-harness";

/** GraphiQL in a real browser, offline assets only; skipped where no Chromium is installed. */
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((p) => existsSync(p));

// `npm test` installs Debian's chromium (scripts/setup.sh --dev): a missing browser is a failure, not a skip
describe("GraphiQL in a browser", () => {
  let h: ServerHarness;
  let browser: Browser;
  beforeAll(async () => {
    h = await startServerHarness();
    if (!CHROMIUM) throw new Error("No chromium found in /usr/bin: run `bash scripts/setup.sh --dev` (it installs Debian's chromium).");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  it("loads without any external request, runs a query and receives subscription events", async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    const errors: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(h.url) && !r.url().startsWith("ws://127.0.0.1") && !r.url().startsWith("data:")) external.push(r.url());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${h.url}/graphql`);
    await page.waitForSelector(".graphiql-container", { timeout: 20_000 });

    // drive GraphiQL's fetcher directly: the editor's own run button calls the same function
    const result = await page.evaluate(async () => {
      const w = window as unknown as { __efFetcher: (p: unknown, o?: unknown) => Promise<unknown> | AsyncIterable<unknown> };
      return w.__efFetcher({ query: "{ templates { id } }" });
    });
    expect(result).toEqual({ data: { templates: [{ id: "FLAME" }, { id: "MIST" }] } });

    const ticks = page.evaluate(async () => {
      const w = window as unknown as { __efFetcher: (p: unknown, o?: unknown) => AsyncIterable<{ data: { jobProgress: { percent: number } } }> };
      const it = w.__efFetcher({ query: "subscription { jobProgress(batchId: \"b1\") { jobId percent source } }" })[Symbol.asyncIterator]();
      const first = await it.next();
      await it.return?.();
      return first.value;
    });
    // keep publishing until the browser's subscription is up and has taken one
    let got: unknown = null;
    void ticks.then((v) => (got = v));
    for (let i = 0; i < 100 && !got; i++) {
      publishProgress(h.nc, h.names, { batchId: "b1", jobId: "j1", stage: "render", format: "flat_1080p", percent: 50, etaSeconds: null, at: new Date().toISOString() });
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await ticks).toEqual({ data: { jobProgress: { jobId: "j1", percent: 50, source: "LIVE" } } });
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
  });
});
