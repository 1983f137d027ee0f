/** Shared fixtures for the render tests: generated audio, temp dirs, ffprobe of outputs, a store with hooks. */
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventStore } from "../../core/eventlog/event-store";

export function tempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `emberflow-render-${label}-`));
}

export function ffmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (c) => (err += c));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg ${code}: ${err}`))));
  });
}

/** Stereo audio with tone and noise (something for the visualisers to react to). */
export async function makeAudio(dir: string, seconds: number, name = `audio-${seconds}s.wav`): Promise<string> {
  const out = join(dir, name);
  await ffmpeg([
    "-f", "lavfi", "-i", `sine=frequency=220:beep_factor=4:duration=${seconds}`,
    "-f", "lavfi", "-i", `anoisesrc=d=${seconds}:c=pink:a=0.2`,
    "-filter_complex", "[0][1]amerge=inputs=2,pan=stereo|c0=c0+0.5*c1|c1=0.5*c0+c1",
    "-ar", "44100", out,
  ]);
  return out;
}

export interface StoreCall {
  readonly method: "load" | "append";
  readonly type: string;
  readonly id: string;
  /** Types of the events appended (empty for a load). */
  readonly eventTypes: readonly string[];
}

/**
 * The event store as a reactor under test sees it: `after` runs once each load or append has
 * finished, before the reactor gets the answer. It lands another writer's event (a cancel) exactly
 * in the window between two of the reactor's steps, which no sleep could hit reliably.
 */
export function storeWithHook(store: EventStore, after: (call: StoreCall) => Promise<void>): EventStore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === "load") {
        return async (...args: Parameters<EventStore["load"]>) => {
          const r = await target.load(...args);
          await after({ method: "load", type: args[0], id: args[1], eventTypes: [] });
          return r;
        };
      }
      if (prop === "append") {
        return async (...args: Parameters<EventStore["append"]>) => {
          const r = await target.append(...args);
          await after({ method: "append", type: args[0], id: args[1], eventTypes: args[2].map((e) => e.type) });
          return r;
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
