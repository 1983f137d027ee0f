import { describe, expect, it } from "vitest";
import { VersionedMap } from "./versioned-map";

describe("VersionedMap", () => {
  it("never lets an older version see a later write", () => {
    const a = VersionedMap.empty<string, number>().set("x", 1);
    const b = a.set("y", 2).delete("x");
    expect([...a]).toEqual([["x", 1]]);
    expect([...b]).toEqual([["y", 2]]);
    expect([a.size, b.size]).toEqual([1, 1]);
  });

  it("branches from an older version without disturbing the newer one", () => {
    const base = VersionedMap.empty<string, number>().set("x", 1);
    const left = base.set("x", 2);
    const right = base.set("z", 3); // base is no longer the newest: this copies
    expect(Object.fromEntries(left)).toEqual({ x: 2 });
    expect(Object.fromEntries(right)).toEqual({ x: 1, z: 3 });
    expect(Object.fromEntries(left.set("w", 4))).toEqual({ x: 2, w: 4 });
    expect(right.has("w")).toBe(false);
  });

  it("folds thousands of writes in linear time", () => {
    let m = VersionedMap.empty<number, number>();
    const t0 = performance.now();
    for (let i = 0; i < 50_000; i++) m = m.set(i, i);
    expect(m.size).toBe(50_000);
    expect(performance.now() - t0).toBeLessThan(1_000);
  });
});
