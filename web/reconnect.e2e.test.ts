import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { makeTone, startE2ESystem, type E2ESystem } from "../test-support/e2e-system";
import { buildDashboard, launchBrowser, screenshot, watchConsole } from "./testing/browser";

/** The server process dies during a batch and comes back: the open page catches up on its own. */
describe("dashboard reconnect", () => {
  let sys: E2ESystem;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ef-web-rc-"));
    await buildDashboard();
    [sys, browser] = await Promise.all([startE2ESystem({ workerEnv: { RENDER_CONCURRENCY: "1" } }), launchBrowser()]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function createBatch(files: string[]): Promise<string> {
    const ids: string[] = [];
    for (const f of files) {
      const form = new FormData();
      form.append("file", new Blob([await readFile(f)]), f.split("/").pop());
      const res = await fetch(`${sys.url}/uploads`, { method: "POST", body: form });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }[])[0]!.id);
    }
    const res = await fetch(`${sys.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "mutation($i: CreateBatchInput!) { createBatch(input: $i) { batch { id } } }",
        variables: { i: { name: "reconnect", items: ids.map((uploadId) => ({ uploadId })), template: "MIST", formats: ["FLAT_1080P"], options: { transcribe: false, notify: false, quality: "DRAFT" } } },
      }),
    });
    return ((await res.json()) as { data: { createBatch: { batch: { id: string } } } }).data.createBatch.batch.id;
  }

  it("shows the connection loss, reconnects, and reaches the end state without a reload", async () => {
    const files = [await makeTone(join(dir, "r1.wav"), 6, 330), await makeTone(join(dir, "r2.wav"), 6, 550), await makeTone(join(dir, "r3.wav"), 6, 770)];
    const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
    const problems = watchConsole(page);
    try {
      const id = await createBatch(files);
      await page.goto(`${sys.url}/#/batches/${id}`);
      await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
      const conn = page.locator(".conn");
      await expect.poll(() => conn.getAttribute("data-state"), { timeout: 15_000 }).toBe("live");
      const status = page.locator("#batch-status .badge");
      await expect.poll(() => status.getAttribute("data-status"), { timeout: 30_000 }).toBe("RUNNING");

      // the server dies mid-batch (workers keep going against NATS) and stays down a while
      const restart = sys.restartServer({ downMs: 4000 });
      await expect.poll(() => conn.getAttribute("data-state"), { timeout: 10_000 }).toBe("reconnecting");
      await screenshot(page, "dashboard-reconnecting");
      await restart;

      await expect.poll(() => conn.getAttribute("data-state"), { timeout: 30_000 }).toBe("live");
      await expect.poll(() => status.getAttribute("data-status"), { timeout: 90_000, interval: 500 }).toBe("COMPLETED");
      expect(await page.locator(".job .badge").allTextContents()).toEqual(["Completed", "Completed", "Completed"]);
      expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
      await screenshot(page, "dashboard-reconnected");
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- page ---\n${problems.join("\n")}\n--- system ---\n${sys.logs.slice(-30).join("\n")}`, { cause: e });
    } finally {
      await page.close();
    }
  }, 180_000);
});
