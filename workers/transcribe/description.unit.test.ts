import { describe, expect, it } from "vitest";
import { excerptOf, formatDescription, formatDuration, languageName, titleOf } from "./description";

describe("description", () => {
  it("has the seed's layout with the new trailer", () => {
    expect(formatDescription({ fileName: "Morning talk.mp3", text: " Good morning everyone. ", durationSeconds: 45.4, language: "en" })).toBe(
      "Morning talk\n\nGood morning everyone.\n\nDuration: 45 seconds\nLanguage: English\n\n---\nCreated with emberflow",
    );
  });

  it("drops exactly one extension (the seed dropped them all or none), and any folder", () => {
    expect(titleOf("talk.final.mp3")).toBe("talk.final");
    expect(titleOf("talk")).toBe("talk");
    expect(titleOf(".hidden")).toBe(".hidden");
    expect(titleOf("Album/Side A/01 Intro.flac")).toBe("01 Intro");
    expect(titleOf("C:\\music\\v1.2 mix.wav")).toBe("v1.2 mix");
  });

  it("drops only a known media extension: a name without one keeps its dotted words", () => {
    expect(titleOf("Mr. Smith Talk")).toBe("Mr. Smith Talk");
    expect(titleOf("Vol. 2 Opening")).toBe("Vol. 2 Opening");
    expect(titleOf("talk.final.mp3")).toBe("talk.final");
    expect(titleOf("Mr. Smith Talk.MP3")).toBe("Mr. Smith Talk");
    expect(titleOf(".mp3")).toBe(".mp3"); // nothing left after the extension: the name as it is
    expect(formatDescription({ fileName: "Mr. Smith Talk", text: "Hello.", durationSeconds: 3, language: "en" }).split("\n")[0]).toBe("Mr. Smith Talk");
  });

  it("keeps text up to 500 characters as it is", () => {
    const t = "a".repeat(500);
    expect(excerptOf(t)).toBe(t);
    expect(excerptOf("one  two\nthree")).toBe("one two three");
  });

  it("cuts longer text at a word boundary and adds '...'", () => {
    const words = Array.from({ length: 200 }, (_, i) => `word${i}`).join(" ");
    const e = excerptOf(words);
    expect(e.endsWith("...")).toBe(true);
    const body = e.slice(0, -3);
    expect(body.length).toBeLessThanOrEqual(500);
    expect(words.startsWith(body + " ")).toBe(true); // ends on a whole word
    expect(body).toMatch(/word\d+$/);
  });

  it("keeps a word that ends exactly at the limit, drops trailing commas, and hard-cuts one giant word", () => {
    const exact = "x".repeat(496) + " abc" + " tail";
    expect(excerptOf(exact)).toBe("x".repeat(496) + " abc...");
    expect(excerptOf("y".repeat(495) + ", zzzzzzzzzz")).toBe("y".repeat(495) + "...");
    expect(excerptOf("z".repeat(600))).toBe("z".repeat(500) + "...");
  });

  it("never splits an emoji", () => {
    const e = excerptOf("🔥".repeat(501));
    expect(Array.from(e.slice(0, -3))).toHaveLength(500);
    expect(e.slice(0, -3)).toBe("🔥".repeat(500));
  });

  it("formats durations in seconds under a minute, never '0 minutes'", () => {
    expect(formatDuration(0)).toBe("0 seconds");
    expect(formatDuration(1)).toBe("1 second");
    expect(formatDuration(12.4)).toBe("12 seconds");
    expect(formatDuration(29)).toBe("29 seconds");
    expect(formatDuration(59.4)).toBe("59 seconds");
    expect(formatDuration(59.6)).toBe("1 minute");
    expect(formatDuration(90)).toBe("1 minute 30 seconds");
    expect(formatDuration(180)).toBe("3 minutes");
    expect(formatDuration(181)).toBe("3 minutes 1 second");
    expect(formatDuration(3600)).toBe("1 hour");
    expect(formatDuration(3725)).toBe("1 hour 2 minutes 5 seconds");
    expect(formatDuration(Number.NaN)).toBe("0 seconds");
  });

  it("names the language, or shows the code when it has no name", () => {
    expect(languageName("en")).toBe("English");
    expect(languageName("de")).toBe("German");
    expect(languageName("haw")).toBe("Hawaiian");
    expect(languageName("jw")).toBe("Javanese"); // whisper's deprecated code, ICU still knows it
    expect(languageName("qqq")).toBe("qqq");
    expect(languageName("not a tag!")).toBe("not a tag!");
    expect(languageName("")).toBe("unknown");
  });

  it("omits the text paragraph for silence", () => {
    expect(formatDescription({ fileName: "silence.wav", text: "", durationSeconds: 3, language: "en" })).toBe(
      "silence\n\nDuration: 3 seconds\nLanguage: English\n\n---\nCreated with emberflow",
    );
  });
});
