import { describe, expect, it } from "vitest";
import { displayFileName } from "./file-names";
import { sniffAudioType } from "./sniff";

describe("displayFileName", () => {
  it.each([
    ["../../etc/passwd.wav", "passwd.wav"],
    ["..\\..\\windows\\system32\\x.mp3", "x.mp3"],
    ["a\u0000b\u0007c.wav", "abc.wav"],
    ["evil\u202egnp.wav", "evilgnp.wav"],
    ["Méditation 🌙.wav", "Méditation 🌙.wav"],
    ["Me\u0301ditation.wav", "Méditation.wav"],
    ["..", "upload"],
    ["", "upload"],
    [".hidden.wav", "hidden.wav"],
  ])("%j -> %j", (raw, expected) => {
    expect(displayFileName(raw)).toBe(expected);
  });

  it("caps the length", () => {
    expect([...displayFileName("x".repeat(500) + ".wav")]).toHaveLength(200);
  });
});

describe("sniffAudioType", () => {
  const b = (s: string, pad = 12) => Buffer.concat([Buffer.from(s, "latin1"), Buffer.alloc(Math.max(0, pad - s.length))]);
  it.each([
    [b("RIFF\0\0\0\0WAVE"), "audio/wav"],
    [b("ID3\x04\0\0"), "audio/mpeg"],
    [Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0]), "audio/mpeg"],
    [Buffer.from([0xff, 0xf1, 0x50, 0x80, 0, 0, 0, 0, 0, 0, 0, 0]), "audio/aac"],
    [b("OggS\0\x02"), "audio/ogg"],
    [b("fLaC\0\0\0\x22"), "audio/flac"],
    [b("\0\0\0\x20ftypM4A "), "audio/mp4"],
  ])("recognises %#", (head, type) => {
    expect(sniffAudioType(head)).toBe(type);
  });

  it.each([[b("RIFF\0\0\0\0AVI ")], [b("%PDF-1.7")], [b("<html>")], [b("\0\0\0\x20ftypqt  ")], [Buffer.from("ab")]])("refuses non-audio %#", (head) => {
    expect(sniffAudioType(head)).toBeNull();
  });
});
