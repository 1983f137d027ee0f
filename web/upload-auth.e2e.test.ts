import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { makeTone, startE2ESystem, type E2ESystem } from "../test-support/e2e-system";
import { buildDashboard, launchBrowser, screenshot, watchConsole } from "./testing/browser";

const OPERATOR = "operator-token-0123456789abcdef";
const VIEWER = "viewer-token-0123456789abcdef";

/**
 * A server with API_TOKENS: with a viewer's token the page is live (queries and subscriptions
 * work), but an upload is answered 403. That refusal must put the page into its "token needed"
 * state, as a GraphQL UNAUTHENTICATED or FORBIDDEN does; with an operator token saved, the same
 * file uploads. (A 401 takes the same path; with tokens configured the socket already refuses a
 * missing or wrong token, so a live page meets a 401 only when its token is revoked.)
 */
describe("dashboard upload refused for its token", () => {
  let sys: E2ESystem;
  let browser: Browser;
  let dir: string;
  let tone: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ef-web-auth-"));
    await buildDashboard();
    [sys, browser] = await Promise.all([startE2ESystem({ serverEnv: { API_TOKENS: `ops:operator:${OPERATOR},watcher:viewer:${VIEWER}` } }), launchBrowser()]);
    tone = await makeTone(join(dir, "take.wav"), 1, 440);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("switches to 'token needed' when an upload is refused, and uploads once an operator token is saved", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchConsole(page);
    const conn = page.locator(".conn");
    const tokenFormOpen = () => page.locator("details.token").evaluate((d) => (d as HTMLDetailsElement).open);
    const saveToken = async (token: string) => {
      await page.getByLabel("Bearer token (kept in this browser)").fill(token);
      await page.getByRole("button", { name: "Save token" }).click(); // reloads the page
      await expect.poll(() => conn.getAttribute("data-state"), { timeout: 15_000 }).toBe("live");
      await expect.poll(() => page.locator('input[name="format"]').count(), { timeout: 15_000 }).toBeGreaterThan(5);
    };
    try {
      // without a token the socket is refused (4403): the page asks for one from the start
      await page.goto(`${sys.url}/#/new`);
      await expect.poll(() => conn.getAttribute("data-state"), { timeout: 15_000 }).toBe("unauthorized");
      expect(await tokenFormOpen()).toBe(true);

      // a viewer's token: the page is live (reads and subscriptions work), but the upload is refused
      // with 403, and that alone must bring back the "token needed" state and the open token form
      await saveToken(VIEWER);
      expect(await tokenFormOpen()).toBe(false);
      await page.setInputFiles("#file-input", [tone]);
      await page.locator(".file.rejected .file-error").waitFor({ timeout: 15_000 });
      expect(await page.locator(".file-error").textContent()).toMatch(/Rejected: .*viewer role.*operator token/);
      await expect.poll(() => conn.getAttribute("data-state")).toBe("unauthorized");
      expect(await conn.textContent()).toBe("The server needs a valid API token");
      expect(await tokenFormOpen()).toBe(true);
      await screenshot(page, "dashboard-upload-refused");

      // an operator's token: the same file uploads and the page stays live
      await saveToken(OPERATOR);
      await page.setInputFiles("#file-input", [tone]);
      await expect.poll(() => page.locator(".file-detail").textContent(), { timeout: 15_000 }).toMatch(/ready/);
      expect(await conn.getAttribute("data-state")).toBe("live");
      expect(await page.locator(".file.rejected").count()).toBe(0);
    } catch (e) {
      await screenshot(page, "dashboard-upload-auth-failure").catch(() => {});
      throw new Error(`${(e as Error).message}\n--- page ---\n${(await page.locator("body").innerText().catch(() => "")).slice(0, 2000)}\n${problems.join("\n")}\n--- system ---\n${sys.logs.slice(-30).join("\n")}`, { cause: e });
    } finally {
      await page.close();
    }
  }, 120_000);
});
