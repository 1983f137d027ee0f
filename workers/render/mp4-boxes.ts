/**
 * Minimal ISO-BMFF (MP4) box reading: just enough to find and rewrite `moov` (spherical metadata)
 * and to read back the `comment` tag FFmpeg writes (idempotent publish). Reading only box headers
 * and the moov keeps this cheap for multi-gigabyte 8K files.
 */
import { open, type FileHandle } from "node:fs/promises";

export interface Box {
  type: string;
  start: number; // offset of the size field
  headerSize: number; // 8, or 16 with a 64-bit size
  size: number; // whole box incl. header
}

export function readBox(buf: Buffer, at: number, end: number): Box {
  if (at + 8 > end) throw new Error(`Truncated box header at ${at}`);
  let size = buf.readUInt32BE(at);
  const type = buf.toString("latin1", at + 4, at + 8);
  let headerSize = 8;
  if (size === 1) {
    size = Number(buf.readBigUInt64BE(at + 8));
    headerSize = 16;
  } else if (size === 0) size = end - at;
  if (size < headerSize || at + size > end) throw new Error(`Malformed ${type} box at ${at}`);
  return { type, start: at, headerSize, size };
}

/** Child boxes of `parent`; `skip` bytes of fixed fields come first (full-box headers, sample entries). */
export function children(buf: Buffer, parent: Box, skip = 0): Box[] {
  const out: Box[] = [];
  let at = parent.start + parent.headerSize + skip;
  const end = parent.start + parent.size;
  while (at + 8 <= end) {
    const b = readBox(buf, at, end);
    out.push(b);
    at += b.size;
  }
  return out;
}

export const child = (buf: Buffer, parent: Box, type: string, skip = 0): Box | undefined =>
  children(buf, parent, skip).find((b) => b.type === type);

export interface MoovLocation {
  start: number;
  size: number;
  /** Only free/skip boxes follow it. */
  last: boolean;
  /** An mdat precedes it (no faststart). */
  afterMdat: boolean;
}

/** Walks top-level box headers to find moov. */
export async function locateMoov(fh: FileHandle): Promise<MoovLocation> {
  const { size: fileSize } = await fh.stat();
  const head = Buffer.alloc(16);
  let at = 0;
  let moov: MoovLocation | undefined;
  let sawMdat = false;
  while (at + 8 <= fileSize) {
    await fh.read(head, 0, 16, at);
    let size = head.readUInt32BE(0);
    const type = head.toString("latin1", 4, 8);
    if (size === 1) size = Number(head.readBigUInt64BE(8));
    else if (size === 0) size = fileSize - at;
    if (size < 8) throw new Error(`Malformed top-level ${type} box at ${at}`);
    if (type === "mdat") sawMdat = true;
    if (type === "moov") moov = { start: at, size, last: true, afterMdat: sawMdat };
    else if (moov && type !== "free" && type !== "skip") moov.last = false;
    at += size;
  }
  if (!moov) throw new Error("No moov box found");
  return moov;
}

export async function readMoov(file: string): Promise<Buffer> {
  const fh = await open(file, "r");
  try {
    const loc = await locateMoov(fh);
    const buf = Buffer.alloc(loc.size);
    await fh.read(buf, 0, loc.size, loc.start);
    return buf;
  } finally {
    await fh.close();
  }
}

/** The `comment` tag (moov/udta/meta/ilst/©cmt/data) as FFmpeg's mov muxer writes it, if any. */
export async function readMp4Comment(file: string): Promise<string | undefined> {
  const moov = await readMoov(file);
  const root = readBox(moov, 0, moov.length);
  const udta = child(moov, root, "udta");
  const meta = udta && child(moov, udta, "meta");
  const ilst = meta && child(moov, meta, "ilst", 4); // meta is a full box
  const cmt = ilst && child(moov, ilst, "\u00a9cmt");
  const data = cmt && child(moov, cmt, "data");
  // data: header, type indicator (4), locale (4), value
  return data ? moov.toString("utf8", data.start + data.headerSize + 8, data.start + data.size) : undefined;
}
