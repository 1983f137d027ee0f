import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { Browser } from "playwright-core";
import { startE2ESystem, type E2ESystem } from "../test-support/e2e-system";
import { ROOT, buildDashboard, launchBrowser, screenshot, watchConsole } from "./testing/browser";
import { runDashboardFlow } from "./testing/dashboard-flow";

/** The dashboard against the whole system (NATS, server, workers, whisper-service) at desktop size. */
describe("dashboard (desktop)", () => {
  let sys: E2ESystem;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ef-web-"));
    await buildDashboard();
    // one render at a time keeps the third job queued long enough to cancel it
    [sys, browser] = await Promise.all([startE2ESystem({ whisper: true, workerEnv: { RENDER_CONCURRENCY: "1" } }), launchBrowser()]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("uploads, submits, shows live progress, cancels and retries a job, and shows outputs and the transcript", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchConsole(page);
    try {
      // the README's picture is refreshed on request only (`npm run docs:screenshot`): a test run never rewrites tracked files
      const readmeShot = process.env.EMBERFLOW_README_SCREENSHOT === "1" ? join(ROOT, "docs/images/dashboard.png") : undefined;
      await runDashboardFlow(page, sys.url, dir, "desktop", readmeShot);
    } catch (e) {
      await screenshot(page, "dashboard-desktop-failure").catch(() => {});
      const text = await page.locator("body").innerText().catch(() => "");
      throw new Error(`${(e as Error).message}\n--- page (${page.url()}) ---\n${text.slice(0, 3000)}\n${problems.join("\n")}\n--- system ---\n${sys.logs.slice(-40).join("\n")}`, { cause: e });
    } finally {
      await page.close();
    }
  }, 240_000);
});
