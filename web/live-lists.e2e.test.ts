import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { makeTone, startE2ESystem, type E2ESystem } from "../test-support/e2e-system";
import { buildDashboard, launchBrowser, screenshot, watchConsole } from "./testing/browser";

/**
 * What changes elsewhere reaches an open page without a reload: a batch created from outside (as
 * the CLI or n8n would) appears in the list, the status filter holds for live arrivals, and the
 * operations view lists the running worker and updates its counts live.
 */
describe("dashboard live lists", () => {
  let sys: E2ESystem;
  let browser: Browser;
  let dir: string;
  let tone: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ef-web-live-"));
    await buildDashboard();
    [sys, browser] = await Promise.all([startE2ESystem(), launchBrowser()]);
    tone = await readFile(await makeTone(join(dir, "tone.wav"), 1, 440));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Upload and createBatch over plain HTTP from the test, not through the page. */
  async function createBatchFromOutside(name: string): Promise<string> {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(tone)], { type: "audio/wav" }), `${name}.wav`);
    const up = await fetch(`${sys.url}/uploads`, { method: "POST", body: form });
    expect(up.status).toBe(201);
    const uploadId = ((await up.json()) as { id: string }[])[0]!.id;
    const res = await fetch(`${sys.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "mutation($i: CreateBatchInput!) { createBatch(input: $i) { batch { id } } }",
        variables: { i: { name, items: [{ uploadId }], template: "MIST", formats: ["FLAT_1080P"], options: { transcribe: false, notify: false, quality: "DRAFT" } } },
      }),
    });
    const body = (await res.json()) as { data?: { createBatch: { batch: { id: string } } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data!.createBatch.batch.id;
  }

  /** The status each batch row had when it was put in the list (a row updates in place afterwards). */
  async function recordInsertedRows(page: Page): Promise<void> {
    await page.evaluate(() => {
      const w = window as unknown as { __inserted: Record<string, string>; __noReload: boolean };
      w.__inserted = {};
      w.__noReload = true;
      new MutationObserver((changes) => {
        for (const c of changes)
          for (const n of Array.from(c.addedNodes))
            if (n instanceof HTMLElement && n.dataset.batchId) w.__inserted[n.dataset.batchId] = n.querySelector(".badge")?.getAttribute("data-status") ?? "";
      }).observe(document.querySelector(".batch-list")!, { childList: true });
    });
  }
  const inserted = (page: Page) => page.evaluate(() => (window as unknown as { __inserted: Record<string, string> }).__inserted);
  const noReload = (page: Page) => page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);

  it("shows batches created elsewhere without a reload, within the status filter, and lists the workers", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchConsole(page);
    try {
      await page.goto(`${sys.url}/#/batches`);
      await expect.poll(() => page.locator(".conn").getAttribute("data-state"), { timeout: 15_000 }).toBe("live");
      await expect.poll(() => page.locator("main [role=status]").textContent(), { timeout: 15_000 }).toMatch(/No batches yet/);
      await recordInsertedRows(page);

      // all statuses: the new batch appears as soon as it is projected
      const first = await createBatchFromOutside("made elsewhere");
      await page.locator(`.batch-row[data-batch-id="${first}"]`).waitFor({ timeout: 10_000 });
      expect((await inserted(page))[first]).toMatch(/QUEUED|RUNNING/);
      await expect.poll(() => page.locator("main [role=status]").textContent()).toMatch(/1 of 1 batches/);

      // filtered to Completed: a new batch joins only once it is completed
      await page.getByLabel("Status").selectOption("COMPLETED");
      await expect.poll(() => page.locator("main [role=status]").textContent(), { timeout: 15_000 }).toMatch(/batches|No batches/);
      await recordInsertedRows(page);
      const second = await createBatchFromOutside("completed elsewhere");
      await page.locator(`.batch-row[data-batch-id="${second}"]`).waitFor({ timeout: 60_000 });
      expect((await inserted(page))[second]).toBe("COMPLETED");
      expect(await page.locator(`.batch-row[data-batch-id="${second}"] .badge`).textContent()).toBe("Completed");
      expect(await noReload(page)).toBe(true);
      await screenshot(page, "dashboard-live-list");

      // operations: the worker process of this system, with its kinds, and counts that move live
      await page.getByRole("link", { name: "Operations" }).click();
      const worker = page.getByRole("table", { name: "Workers" }).locator(".worker-row").first();
      await worker.waitFor({ timeout: 15_000 });
      expect(await worker.locator(".worker-kinds").textContent()).toBe("render, transcribe, workflow, integrations");
      expect(await worker.locator(".badge").textContent()).toBe("Live");
      await expect.poll(() => page.locator("main").textContent()).toMatch(/projector lag \d+ events/);
      const completed = () => page.getByRole("table", { name: "Batches" }).locator("tr", { hasText: "Completed" }).locator("td").textContent();
      await expect.poll(completed, { timeout: 60_000 }).toBe("2");
      await createBatchFromOutside("counted live");
      await expect.poll(completed, { timeout: 60_000 }).toBe("3");
      expect(await noReload(page)).toBe(true);
      await screenshot(page, "dashboard-live-ops");
    } catch (e) {
      await screenshot(page, "dashboard-live-failure").catch(() => {});
      const text = await page.locator("body").innerText().catch(() => "");
      throw new Error(`${(e as Error).message}\n--- page (${page.url()}) ---\n${text.slice(0, 3000)}\n${problems.join("\n")}\n--- system ---\n${sys.logs.slice(-40).join("\n")}`, { cause: e });
    } finally {
      await page.close();
    }
  }, 180_000);
});
