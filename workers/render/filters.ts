/**
 * The audio-reactive picture, as one FFmpeg filtergraph per template, built only from FFmpeg's own
 * sources and audio-visualisation filters, so a render is a single FFmpeg process with no frame
 * files on disk (the seed captured PNG frames from headless Chrome, inventory §2.1).
 *
 * Input 0 is the audio. The graph outputs `[vout]` (the picture, yuv420p, exactly width x height)
 * and `[aout]` (the audio, unchanged but for resampling to 48 kHz stereo for AAC).
 *
 * Cost control: the generative part is drawn on a "canvas" no larger than `maxCanvas` pixels on its
 * longest side and scaled up at the end. The picture is soft by design (blurred flame and mist), so
 * drawing an 8K canvas pixel by pixel buys nothing visible but costs up to 70x the filter time.
 */
import type { TemplateId } from "../../domain/templates.js";

export interface FilterGraphInput {
  template: TemplateId;
  width: number;
  height: number;
  fps: number;
  /** Top-bottom stereo: each eye is width x height/2, the left eye on top. */
  stereo: boolean;
  /** Longest side of the generative canvas (default 960). */
  maxCanvas?: number;
}

export interface FilterGraph {
  graph: string;
  videoLabel: "[vout]";
  audioLabel: "[aout]";
  canvas: { width: number; height: number };
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

export function canvasSize(width: number, height: number, maxCanvas = 960): { width: number; height: number } {
  const scale = Math.min(1, maxCanvas / Math.max(width, height));
  return { width: even(width * scale), height: even(height * scale) };
}

/** One eye's picture, `cw` x `ch`, from audio label `[avis]`, ending in label `[eye]`. */
function templateChain(template: TemplateId, cw: number, ch: number, fps: number): string[] {
  const size = `${cw}x${ch}`;
  const blur = Math.max(1, Math.round(Math.min(cw, ch) / 60));
  switch (template) {
    case "flame":
      // Warm and rising: constant-Q bars grow up from the bottom with the music's energy,
      // lagfun leaves glowing embers as they fall back, blur turns bars into tongues of flame,
      // and a slowly turning ember gradient burns underneath.
      return [
        `[avis]showcqt=s=${size}:r=${fps}:axis=0:axis_h=0:sono_h=0:bar_g=2:bar_v=24:tc=0.25:cscheme=1|0.42|0.05|1|0.22|0.02,` +
          `format=gbrp,lagfun=decay=0.94,gblur=sigma=${blur}:sigmaV=${blur * 2}[fx]`,
        `gradients=s=${size}:r=${fps}:n=4:c0=0x120200:c1=0x4a0c00:c2=0x8a2a00:c3=0x1e0500:speed=0.004:seed=7:type=linear,format=gbrp[bg]`,
        `[bg][fx]blend=all_mode=screen:shortest=1,` +
          `colorbalance=rs=0.12:gs=0.02:bs=-0.18:rm=0.08:bm=-0.1:rh=0.05:bh=-0.12,` +
          `curves=all='0/0 0.5/0.56 1/1'[eye]`,
      ];
    case "mist":
      // Soft and cool: the stereo image (vectorscope) swells with loudness and width of the mix,
      // heavy blur and slow decay make it drift like fog over a deep blue-teal gradient.
      return [
        `[avis]avectorscope=s=${size}:r=${fps}:m=lissajous_xy:draw=line:scale=sqrt:zoom=1.3:rc=12:gc=40:bc=70:rf=30:gf=25:bf=20:af=20,` +
          `format=gbrp,lagfun=decay=0.9,gblur=sigma=${blur * 2}[fx]`,
        `gradients=s=${size}:r=${fps}:n=3:c0=0x02101e:c1=0x0a3344:c2=0x1a2250:speed=0.002:seed=11:type=linear,format=gbrp[bg]`,
        `[bg][fx]blend=all_mode=screen:shortest=1,` +
          `colorbalance=rs=-0.1:bs=0.12:rm=-0.06:bm=0.08:rh=-0.04:bh=0.06,` +
          `hue=s=0.8[eye]`,
      ];
  }
}

export function buildFilterGraph(input: FilterGraphInput): FilterGraph {
  const { width, height, fps, stereo } = input;
  const eyeH = stereo ? height / 2 : height;
  const canvas = canvasSize(width, eyeH, input.maxCanvas);
  const parts = [
    // One decode of the audio feeds both the encoder and the visualisation.
    `[0:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,asplit=2[aout][avis]`,
    ...templateChain(input.template, canvas.width, canvas.height, fps),
  ];
  const scale = (label: string, w: number, h: number) =>
    canvas.width === w && canvas.height === h ? `[${label}]null` : `[${label}]scale=${w}:${h}:flags=bicubic`;
  if (!stereo) {
    parts.push(`${scale("eye", width, height)},format=yuv420p,setsar=1[vout]`);
  } else {
    // Right eye = left eye shifted a few pixels (wrapping round the sphere): a constant parallax
    // that places the picture at a comfortable distance instead of at infinity.
    const shift = even(Math.max(2, Math.round(width / 400)));
    parts.push(
      `${scale("eye", width, eyeH)},format=yuv420p,split=3[left][r1][r2]`,
      `[r1]crop=${width - shift}:${eyeH}:${shift}:0[ra]`,
      `[r2]crop=${shift}:${eyeH}:0:0[rb]`,
      `[ra][rb]hstack=inputs=2[right]`,
      `[left][right]vstack=inputs=2,setsar=1[vout]`,
    );
  }
  return { graph: parts.join(";\n"), videoLabel: "[vout]", audioLabel: "[aout]", canvas };
}
