import { describe, expect, it } from "vitest";
import { expandRendererCommand, splitCommandLine } from "./external-renderer.js";

describe("external renderer command", () => {
  it("splits words and quotes like a shell, without expansion", () => {
    expect(splitCommandLine(`engine --name "a b" 'c $HOME' d\\ e ""`)).toEqual(["engine", "--name", "a b", "c $HOME", "d e", ""]);
    expect(() => splitCommandLine(`engine "oops`)).toThrow(/Unterminated/);
  });

  it("substitutes placeholders inside arguments, keeping paths with spaces whole", () => {
    const argv = expandRendererCommand("my-engine --in {input} --size {width}x{height}@{fps} -o {output}", {
      input: "/up/My Song.wav", output: "/out/.tmp x.mp4", width: 1920, height: 1080, fps: 60,
    });
    expect(argv).toEqual(["my-engine", "--in", "/up/My Song.wav", "--size", "1920x1080@60", "-o", "/out/.tmp x.mp4"]);
    expect(expandRendererCommand(["e", "{input};rm -rf /"], { input: "a", output: "b", width: 1, height: 1, fps: 30 })).toEqual(["e", "a;rm -rf /"]);
    expect(() => expandRendererCommand("  ", { input: "a", output: "b", width: 1, height: 1, fps: 30 })).toThrow(/empty/);
  });
});
