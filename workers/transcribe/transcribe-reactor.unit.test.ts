import { describe, expect, it } from "vitest";
import { PermanentError, RetryableError } from "../../core/consumers/handler-errors";
import { delayFor } from "./transcribe-reactor";

describe("transcribe redelivery delay", () => {
  it("backs off exponentially up to the cap", () => {
    const down = new RetryableError("WHISPER_DOWN", "refused");
    expect([1, 2, 3, 4, 5, 30].map((a) => delayFor(down, a, 1_000, 10_000))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it("honours a longer Retry-After, but never beyond the cap", () => {
    expect(delayFor(new RetryableError("WHISPER_UNAVAILABLE", "busy", 5_000), 1, 1_000, 60_000)).toBe(5_000);
    expect(delayFor(new RetryableError("WHISPER_UNAVAILABLE", "busy", 500), 3, 1_000, 60_000)).toBe(4_000);
    expect(delayFor(new RetryableError("WHISPER_UNAVAILABLE", "busy", 3_600_000), 1, 1_000, 60_000)).toBe(60_000);
    expect(delayFor(new PermanentError("X", "y"), 2, 1_000, 60_000)).toBe(2_000);
  });
});
