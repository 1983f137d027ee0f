/**
 * The one vocabulary of output formats, shared by the API, the render worker and file naming.
 * The seed had three incompatible vocabularies (UI, renderer, file-name regex); this is the only one.
 * GraphQL exposes each id upper-cased (`flat_1080p` -> `FLAT_1080P`).
 */
export type Projection = "flat" | "equirect";
export type StereoMode = "mono" | "top-bottom";
export type VideoCodec = "h264" | "hevc";

export interface OutputFormat {
  readonly id: FormatId;
  readonly label: string;
  readonly width: number;
  readonly height: number;
  readonly projection: Projection;
  readonly stereo: StereoMode;
  /** Codec used unless the batch asks for another: HEVC for 4K and up. */
  readonly defaultCodec: VideoCodec;
  /** Target video bitrate at `balanced` quality, in kbit/s. */
  readonly bitrateKbps: number;
}

export const FORMAT_IDS = [
  "flat_1080p",
  "flat_1080p_vertical",
  "flat_1080p_square",
  "flat_4k",
  "flat_4k_vertical",
  "flat_4k_square",
  "vr360_mono_4k",
  "vr360_mono_6k",
  "vr360_mono_8k",
  "vr360_stereo_4k",
  "vr360_stereo_8k",
] as const;
export type FormatId = (typeof FORMAT_IDS)[number];

const f = (
  id: FormatId,
  label: string,
  width: number,
  height: number,
  bitrateKbps: number,
  projection: Projection = "flat",
  stereo: StereoMode = "mono",
): OutputFormat => ({
  id,
  label,
  width,
  height,
  projection,
  stereo,
  defaultCodec: Math.max(width, height) >= 3840 ? "hevc" : "h264",
  bitrateKbps,
});

export const OUTPUT_FORMATS: Readonly<Record<FormatId, OutputFormat>> = {
  flat_1080p: f("flat_1080p", "1080p landscape (16:9)", 1920, 1080, 15_000),
  flat_1080p_vertical: f("flat_1080p_vertical", "1080p vertical (9:16)", 1080, 1920, 15_000),
  flat_1080p_square: f("flat_1080p_square", "1080p square (1:1)", 1080, 1080, 12_000),
  flat_4k: f("flat_4k", "4K landscape (16:9)", 3840, 2160, 50_000),
  flat_4k_vertical: f("flat_4k_vertical", "4K vertical (9:16)", 2160, 3840, 50_000),
  flat_4k_square: f("flat_4k_square", "4K square (1:1)", 2160, 2160, 40_000),
  vr360_mono_4k: f("vr360_mono_4k", "360° mono 4K (equirectangular)", 4096, 2048, 50_000, "equirect"),
  vr360_mono_6k: f("vr360_mono_6k", "360° mono 6K (equirectangular)", 6144, 3072, 75_000, "equirect"),
  vr360_mono_8k: f("vr360_mono_8k", "360° mono 8K (equirectangular)", 8192, 4096, 100_000, "equirect"),
  vr360_stereo_4k: f("vr360_stereo_4k", "360° stereo 4K (top-bottom)", 3840, 3840, 80_000, "equirect", "top-bottom"),
  vr360_stereo_8k: f("vr360_stereo_8k", "360° stereo 8K (top-bottom)", 8192, 8192, 130_000, "equirect", "top-bottom"),
};

/** Ids the seed's UI and renderer used, accepted by the CLI and mapped here; the API takes only FORMAT_IDS. */
export const LEGACY_FORMAT_ALIASES: Readonly<Record<string, FormatId>> = {
  "1080p": "flat_1080p",
  "1080p_vertical": "flat_1080p_vertical",
  "4k": "flat_4k",
  "360mono": "vr360_mono_4k",
  "360stereo": "vr360_stereo_4k",
  "flat-1080p": "flat_1080p",
  "flat-4k": "flat_4k",
  "flat-1080p-vertical": "flat_1080p_vertical",
  "flat-1080p-square": "flat_1080p_square",
  "flat-4k-vertical": "flat_4k_vertical",
  "360-mono-4k": "vr360_mono_4k",
  "360-mono-6k": "vr360_mono_6k",
  "360-mono-8k": "vr360_mono_8k",
  "360-stereo-4k": "vr360_stereo_4k",
  "360-stereo-8k": "vr360_stereo_8k",
};

export function isFormatId(value: string): value is FormatId {
  return (FORMAT_IDS as readonly string[]).includes(value);
}

/** Resolves an id or a legacy alias; undefined when neither. */
export function resolveFormatId(value: string): FormatId | undefined {
  const v = value.trim();
  if (isFormatId(v)) return v;
  const lower = v.toLowerCase();
  if (isFormatId(lower)) return lower;
  return LEGACY_FORMAT_ALIASES[lower];
}

export type Quality = "draft" | "balanced" | "high";
export const QUALITIES: readonly Quality[] = ["draft", "balanced", "high"];
export type Fps = 30 | 60;

/** Draft renders at a quarter of the linear size (even dimensions), for previews and fast tests. */
export function renderSize(format: OutputFormat, quality: Quality): { width: number; height: number } {
  if (quality !== "draft") return { width: format.width, height: format.height };
  const even = (n: number) => Math.max(2, Math.round(n / 8) * 2);
  return { width: even(format.width), height: even(format.height) };
}
