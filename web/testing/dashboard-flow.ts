import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import type { Page } from "playwright-core";
import { makeSpeech } from "../../test-support/e2e-system";
import { RESULTS, screenshot } from "./browser";

const TERMINAL = ["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"];

/** Three spoken audio files, and one text file pretending to be an MP3. */
export async function makeFixtures(dir: string): Promise<{ audio: string[]; bogus: string }> {
  const audio = [
    await makeSpeech(join(dir, "spoken-hello.wav"), "hello world, this is a test of the emberflow batch renderer"),
    // speech, not tones: whisper can take minutes hallucinating over a pure sine
    await makeSpeech(join(dir, "second-take.wav"), "the second file of the batch"),
    await makeSpeech(join(dir, "third-take.wav"), "and this is the third file"),
  ];
  const bogus = join(dir, "not-audio.mp3");
  await writeFile(bogus, "this is a shopping list, not audio\n".repeat(50));
  return { audio, bogus };
}

/**
 * How well the viewport shows a batch in progress, for the README's picture. Runs in the page.
 * 0: no job card in view shows a live bar (between 0 and 100) with an ETA ("about 0:04 left");
 * else 1, plus one each for the batch's own bar being part-way, the job's bar being well on its
 * way (10-90 %) and the ETA being at least a second (4: the best picture).
 */
function liveMomentScore(): number {
  const inView = (el: Element) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  };
  const batchBar = document.querySelector<HTMLProgressElement>('progress[aria-label="Batch progress"]');
  const batchPartWay = !!batchBar && inView(batchBar) && batchBar.value > 0 && batchBar.value < 100;
  let score = 0;
  for (const job of Array.from(document.querySelectorAll(".job"))) {
    const bar = job.querySelector("progress");
    const detail = job.querySelector(".live-detail");
    const text = detail?.textContent ?? "";
    if (!bar || !detail || !inView(detail) || !(bar.value > 0 && bar.value < 100) || !/ left$/.test(text)) continue;
    score = Math.max(score, 1 + Number(batchPartWay) + Number(bar.value >= 10 && bar.value <= 90) + Number(!/about 0:00 left$/.test(text)));
  }
  return score;
}

/**
 * Watches the batch page in the background (while the flow goes on) for moments when a job is
 * rendering with its bar part-way and an ETA, and takes a viewport screenshot then; the state is
 * checked again after the shot, so the picture shows a batch in progress, not one just finishing.
 * It keeps the best picture so far (liveMomentScore) and stops looking once it has a perfect one.
 * `stop()` resolves with the best PNG, or null when no such moment was caught.
 */
function catchLiveMoment(page: Page): { stop(): Promise<Buffer | null> } {
  let stopped = false;
  const score = () => page.evaluate(liveMomentScore).catch(() => 0);
  const caught = (async (): Promise<Buffer | null> => {
    let best: { shot: Buffer; score: number } | null = null;
    while (!stopped && !page.isClosed() && (best?.score ?? 0) < 4) {
      const before = await score();
      if (before > (best?.score ?? 0)) {
        const shot = await page.screenshot({ fullPage: false }).catch(() => null);
        const after = shot ? Math.min(before, await score()) : 0;
        if (shot && after > (best?.score ?? 0)) best = { shot, score: after };
      }
      await new Promise((r) => setTimeout(r, 40));
    }
    return best?.shot ?? null;
  })();
  return {
    stop: async () => {
      stopped = true;
      return caught;
    },
  };
}

/**
 * The whole dashboard flow, as a person would do it: upload (one file rejected with the server's
 * message, then removed), choose options, submit, watch live bars, cancel a job and retry it, see
 * the batch end without a reload, read the transcript, and find the outputs.
 */
export async function runDashboardFlow(page: Page, baseUrl: string, dir: string, label: string, readmeScreenshot?: string): Promise<void> {
  const { audio, bogus } = await makeFixtures(dir);
  await page.goto(`${baseUrl}/#/new`);
  await expect.poll(() => page.locator('input[name="format"]').count(), { timeout: 15_000 }).toBeGreaterThan(5);

  await page.setInputFiles("#file-input", [...audio, bogus]);
  const rejected = page.locator(".file.rejected .file-error");
  await rejected.waitFor({ timeout: 30_000 });
  expect(await rejected.textContent()).toMatch(/Rejected: .*not-audio\.mp3.*(audio|MP3)/i);
  await page.getByRole("button", { name: "Remove not-audio.mp3" }).click();
  await expect.poll(() => page.locator(".file").count()).toBe(3);
  await expect.poll(() => page.locator(".file-detail", { hasText: "ready" }).count(), { timeout: 30_000 }).toBe(3);
  // size and probed duration from the upload response
  expect(await page.locator(".file", { hasText: "second-take.wav" }).locator(".file-detail").textContent()).toMatch(/KB · 0:0\d · ready/);

  await page.getByLabel("Batch name").fill(`${label} batch`);
  await page.getByLabel("Quality").selectOption("DRAFT");
  expect(await page.getByRole("checkbox", { name: /Transcribe/ }).isChecked()).toBe(true);
  await page.getByRole("checkbox", { name: /Notify/ }).uncheck();
  const submit = page.getByRole("button", { name: "Start batch (3 renders)" });
  await submit.click();
  await page.waitForURL(/#\/batches\/[^/?]+/, { timeout: 15_000 });
  // the README's picture: the page as it is during the batch (live bars, an ETA), from the top
  const live = catchLiveMoment(page);

  // record every value the job bars take (live ticks), and whether a live bar came with an ETA, without reloading
  await page.evaluate(() => {
    const w = window as unknown as { __seen: number[]; __liveEta: boolean; __noReload: boolean };
    w.__seen = [];
    w.__liveEta = false;
    setInterval(() => {
      document.querySelectorAll(".job").forEach((job) => {
        const bar = job.querySelector("progress");
        if (!bar) return;
        w.__seen.push(bar.value);
        if (bar.value > 0 && bar.value < 100 && / left$/.test(job.querySelector(".live-detail")?.textContent ?? "")) w.__liveEta = true;
      });
    }, 50);
    w.__noReload = true;
  });

  // a job can be cancelled once the workflow has queued it (before that the server answers NOT_FOUND)
  await expect.poll(() => page.locator(".events li", { hasText: "JobQueued" }).count(), { timeout: 20_000 }).toBe(3);
  const third = page.locator(".job", { hasText: "third-take.wav" });
  await third.getByRole("button", { name: "Cancel job third-take.wav" }).click({ timeout: 10_000 });
  await expect.poll(() => third.locator(".badge").textContent(), { timeout: 20_000 }).toBe("Cancelled");
  await third.getByRole("button", { name: "Retry job third-take.wav" }).click({ timeout: 10_000 });
  await expect.poll(() => third.locator(".badge").textContent(), { timeout: 20_000 }).not.toBe("Cancelled");

  const status = page.locator("#batch-status .badge");
  await expect.poll(async () => TERMINAL.includes((await status.getAttribute("data-status")) ?? ""), { timeout: 150_000, interval: 500 }).toBe(true);
  const liveShot = await live.stop();
  if (liveShot) {
    await mkdir(RESULTS, { recursive: true });
    await writeFile(join(RESULTS, `dashboard-${label}-live.png`), liveShot);
  }
  if (readmeScreenshot) {
    expect(liveShot, "a screenshot of the batch in progress (a bar part-way, an ETA, in view) for the README").not.toBeNull();
    await mkdir(dirname(readmeScreenshot), { recursive: true });
    await writeFile(readmeScreenshot, liveShot!);
  }
  expect(await status.getAttribute("data-status")).toBe("COMPLETED");
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  const seen = await page.evaluate(() => (window as unknown as { __seen: number[] }).__seen);
  expect(seen.some((v) => v > 0 && v < 100), "a job bar showed an intermediate value").toBe(true);
  expect(await page.evaluate(() => (window as unknown as { __liveEta: boolean }).__liveEta), "a rendering job showed its ETA").toBe(true);
  expect(await page.locator(".job progress").evaluateAll((bars) => bars.map((b) => (b as HTMLProgressElement).value))).toEqual([100, 100, 100]);

  // outputs: poster frame, size, download link that serves the video
  const spoken = page.locator(".job", { hasText: "spoken-hello.wav" });
  const poster = spoken.locator(".output img");
  await poster.waitFor();
  expect(await poster.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  const href = await spoken.getByRole("link", { name: /Download/ }).getAttribute("href");
  const video = await fetch(`${baseUrl}${href}`);
  expect(video.status).toBe(200);
  expect(video.headers.get("content-type")).toBe("video/mp4");
  expect(await spoken.locator(".output .muted").textContent()).toMatch(/KB|MB/);

  // transcript and description of the spoken file
  await spoken.getByText(/Transcript and description/).click();
  await expect.poll(() => spoken.locator(".transcript-text").textContent()).toMatch(/world|test/i);
  expect((await spoken.locator(".description").textContent())?.length).toBeGreaterThan(5);

  // history from the API after a reload, and the event trail
  await page.getByText(/\d+ events/).click();
  expect(await page.locator(".events li").count()).toBeGreaterThan(5);
  // nothing is wider than the screen (phones scroll vertically only)
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await screenshot(page, `dashboard-${label}-batch`);
  await page.goto(`${baseUrl}/#/batches`);
  await page.reload();
  await page.locator(".batch-row", { hasText: `${label} batch` }).waitFor({ timeout: 15_000 });
  await page.getByLabel("Status").selectOption("COMPLETED");
  await page.locator(".batch-row", { hasText: `${label} batch` }).waitFor({ timeout: 15_000 });
  await screenshot(page, `dashboard-${label}-list`);
  await page.goto(`${baseUrl}/#/ops`);
  await page.getByRole("table", { name: "Jobs" }).waitFor({ timeout: 15_000 });
  await expect.poll(() => page.locator("main").textContent()).toMatch(/projector lag \d+ events/);
  await screenshot(page, `dashboard-${label}-ops`);
}
