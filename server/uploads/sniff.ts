/**
 * Content sniffing from the first bytes: the client's Content-Type and file extension are not
 * trusted. Anything recognised here is still probed with ffprobe for an audio stream.
 */
export const SNIFF_BYTES = 12;

const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

/** The audio content type of these leading bytes, or null when they are not a known audio container. */
export function sniffAudioType(head: Uint8Array): string | null {
  if (head.length < 4) return null;
  if (ascii(head, 0, 4) === "RIFF" && head.length >= 12 && ascii(head, 8, 12) === "WAVE") return "audio/wav";
  if (ascii(head, 0, 3) === "ID3") return "audio/mpeg";
  if (ascii(head, 0, 4) === "OggS") return "audio/ogg";
  if (ascii(head, 0, 4) === "fLaC") return "audio/flac";
  if (head.length >= 12 && ascii(head, 4, 8) === "ftyp") {
    const brand = ascii(head, 8, 12);
    if (["M4A ", "M4B ", "mp42", "isom", "mp41", "dash"].includes(brand)) return "audio/mp4";
    return null;
  }
  if (head[0] === 0xff && (head[1]! & 0xf6) === 0xf0) return "audio/aac"; // ADTS
  if (head[0] === 0xff && (head[1]! & 0xe0) === 0xe0) return "audio/mpeg"; // MPEG audio frame sync
  return null;
}
