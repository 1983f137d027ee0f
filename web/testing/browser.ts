import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { chromium, type Browser, type Page } from "playwright-core";

/** Headless Chromium (Debian's) for the dashboard's end-to-end tests, and the build they need. */
export const ROOT = resolve(import.meta.dirname, "../..");
export const RESULTS = join(ROOT, "test-results");
const run = promisify(execFile);

/** Builds web/dist once per test file, serialised across parallel files with flock. */
export async function buildDashboard(): Promise<void> {
  await run("flock", ["/tmp/emberflow-web-build.lock", process.execPath, "--import", "tsx", "web/build.ts"], { cwd: ROOT });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true });
}

/** Collects page errors and console errors, so a test can show them when it fails. */
export function watchConsole(page: Page): string[] {
  const lines: string[] = [];
  page.on("pageerror", (e) => lines.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") lines.push(`console.${m.type()}: ${m.text()}`);
  });
  return lines;
}
