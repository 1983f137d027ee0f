import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PermanentError } from "../../core/consumers/handler-errors";
import { createWhisperClient } from "./whisper-client";
import { speech, whisperService, type WhisperService } from "./test-helpers";
import { freePort } from "../../core/nats/local-server";

/** The client against the REAL whisper-service (tiny.en on the CPU), fed espeak-ng speech. */
let svc: WhisperService;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ef-whisper-int-"));
  svc = whisperService(await freePort());
  await svc.start();
});
afterAll(async () => {
  await svc?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const words = (s: string) => s.toLowerCase().replace(/[^a-z ]/g, " ").split(/\s+/);

describe("whisper client against the real service", () => {
  it("transcribes real speech: the key words, English, segments and duration", async () => {
    const wav = await speech(join(dir, "Morning talk.final.wav"), "Good morning everyone. The flame moves with the music.");
    const c = createWhisperClient({ baseUrl: svc.url, timeoutMs: 60_000 });
    expect(await c.ready()).toBe(true);
    const r = await c.transcribe(wav, { fileName: "Morning talk.final.wav" });
    const got = words(r.text);
    for (const w of ["morning", "everyone", "flame", "music"]) expect(got).toContain(w);
    expect(r.language).toBe("en");
    expect(r.durationSeconds).toBeGreaterThan(2);
    expect(r.durationSeconds).toBeLessThan(6);
    expect(r.segments.length).toBeGreaterThan(0);
    expect(r.segments[0]).toMatchObject({ id: expect.any(Number), start: expect.any(Number), end: expect.any(Number), text: expect.any(String) });
  });

  it("the service's 415 and 400 become permanent errors with its message", async () => {
    const c = createWhisperClient({ baseUrl: svc.url, timeoutMs: 30_000 });
    const png = join(dir, "cover.mp3");
    await writeFile(png, Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "binary"), Buffer.alloc(2048, 1)]));
    const bad = await c.transcribe(png, { fileName: "cover.mp3" }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(PermanentError);
    expect(bad).toMatchObject({ code: "AUDIO_UNDECODABLE" });
    expect((bad as Error).message).toMatch(/\(415\): .*audio/);

    const empty = join(dir, "empty.wav");
    await writeFile(empty, "");
    const none = await c.transcribe(empty, { fileName: "empty.wav" }).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(PermanentError);
    expect((none as Error).message).toMatch(/\(400\): .*empty/);
  });
});
