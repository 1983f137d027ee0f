/**
 * Spherical Video V2 metadata (github.com/google/spatial-media/blob/master/docs/spherical-video-v2-rfc.md)
 * written into an MP4 in place. FFmpeg 5.1 reads these boxes but cannot write them from the CLI, and
 * the seed shelled out to Google's Python injector (inventory §2.1), which rewrote the whole file.
 *
 * We add to the video track's sample entry (avc1 / hvc1):
 *   st3d (full box)  stereo_mode: 0 mono, 1 top-bottom (left eye on top)
 *   sv3d
 *     svhd (full box)  metadata_source: "emberflow"
 *     proj
 *       prhd (full box)  pose yaw/pitch/roll = 0
 *       equi (full box)  projection bounds top/bottom/left/right = 0 (full sphere)
 *
 * Why in place is safe: FFmpeg writes `moov` after `mdat` unless asked for faststart, and we never
 * ask. Chunk offsets (stco/co64) point into mdat, which lies before moov and does not move; only the
 * sizes of the boxes enclosing the sample entry grow. So we read just the moov (kilobytes, even for an
 * 8K file), splice the boxes in, and write the new moov back over the old one at the end of the file.
 */
import { open } from "node:fs/promises";
import { child, children, locateMoov, readBox, type Box } from "./mp4-boxes.js";

export type SphericalStereo = "mono" | "top-bottom";

function fullBox(type: string, version: number, flags: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(12 + payload.length);
  b.writeUInt32BE(b.length, 0);
  b.write(type, 4, "latin1");
  b.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 8);
  payload.copy(b, 12);
  return b;
}

function box(type: string, ...children: Buffer[]): Buffer {
  const payload = Buffer.concat(children);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length, 0);
  head.write(type, 4, "latin1");
  return Buffer.concat([head, payload]);
}

/** The st3d + sv3d boxes for an equirectangular full-sphere video. */
export function sphericalBoxes(stereo: SphericalStereo): Buffer {
  const st3d = fullBox("st3d", 0, 0, Buffer.from([stereo === "top-bottom" ? 1 : 0]));
  const svhd = fullBox("svhd", 0, 0, Buffer.from("emberflow\0", "latin1"));
  const prhd = fullBox("prhd", 0, 0, Buffer.alloc(12)); // yaw, pitch, roll: 16.16 fixed, all 0
  const equi = fullBox("equi", 0, 0, Buffer.alloc(16)); // bounds top, bottom, left, right: all 0
  return Buffer.concat([st3d, box("sv3d", svhd, box("proj", prhd, equi))]);
}

/** Offsets of moov > trak > mdia > minf > stbl > stsd > sample entry for the first video track. */
function videoSampleEntryPath(moov: Buffer): Box[] {
  const root = readBox(moov, 0, moov.length);
  for (const trak of children(moov, root).filter((b) => b.type === "trak")) {
    const mdia = child(moov, trak, "mdia");
    const hdlr = mdia && child(moov, mdia, "hdlr");
    // hdlr: header, version/flags (4), pre_defined (4), handler_type (4)
    if (!mdia || !hdlr || moov.toString("latin1", hdlr.start + hdlr.headerSize + 8, hdlr.start + hdlr.headerSize + 12) !== "vide") continue;
    const minf = child(moov, mdia, "minf");
    const stbl = minf && child(moov, minf, "stbl");
    const stsd = stbl && child(moov, stbl, "stsd");
    const entry = stsd && child(moov, stsd, children(moov, stsd, 8)[0]?.type ?? "", 8); // skip version/flags + entry_count
    if (!minf || !stbl || !stsd || !entry) break;
    return [root, trak, mdia, minf, stbl, stsd, entry];
  }
  throw new Error("No video track with a sample entry in moov");
}

// VisualSampleEntry fixed fields after the box header (ISO 14496-12 §12.1.3): 78 bytes.
const VISUAL_SAMPLE_ENTRY_FIELDS = 78;

/** Returns a new moov with the boxes appended to the video sample entry (unchanged if already present). */
export function injectIntoMoov(moov: Buffer, stereo: SphericalStereo): Buffer {
  const path = videoSampleEntryPath(moov);
  const entry = path[path.length - 1];
  const existing = children(moov, entry, VISUAL_SAMPLE_ENTRY_FIELDS).map((b) => b.type);
  if (existing.includes("sv3d")) return moov;
  const extra = sphericalBoxes(stereo);
  const at = entry.start + entry.size;
  const out = Buffer.concat([moov.subarray(0, at), extra, moov.subarray(at)]);
  for (const b of path) {
    if (b.headerSize === 16) out.writeBigUInt64BE(BigInt(b.size + extra.length), b.start + 8);
    else if (b.size + extra.length > 0xffffffff) throw new Error(`${b.type} would exceed 4 GiB`);
    else out.writeUInt32BE(b.size + extra.length, b.start);
  }
  return out;
}

/** Writes spherical metadata into an MP4 whose moov is the last top-level box (FFmpeg without faststart). */
export async function injectSphericalMetadata(file: string, stereo: SphericalStereo): Promise<void> {
  const fh = await open(file, "r+");
  try {
    const moov = await locateMoov(fh);
    if (!moov.last) throw new Error("moov is not the last box; cannot grow it in place");
    if (!moov.afterMdat) throw new Error("moov precedes mdat (faststart); in-place injection would invalidate chunk offsets");
    const old = Buffer.alloc(moov.size);
    await fh.read(old, 0, moov.size, moov.start);
    const updated = injectIntoMoov(old, stereo);
    if (updated === old) return;
    await fh.write(updated, 0, updated.length, moov.start);
    await fh.truncate(moov.start + updated.length); // drops any trailing free box we overwrote
    await fh.sync();
  } finally {
    await fh.close();
  }
}
