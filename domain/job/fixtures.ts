import type { BatchOptions, JobQueued, RenderedOutput, Transcript, UploadRef } from "./job-events";

export const upload = (n = 1): UploadRef => ({
  uploadId: `u${n}`,
  fileName: `Track ${n}.mp3`,
  size: 1000,
  sha256: "a".repeat(64),
  contentType: "audio/mpeg",
  durationSeconds: 3,
});

export const options = (o: Partial<BatchOptions> = {}): BatchOptions => ({
  transcribe: true,
  syncToDrive: false,
  notify: false,
  exportToSheets: false,
  fps: 30,
  quality: "draft",
  codec: null,
  ...o,
});

export const jobQueued = (o: Partial<JobQueued["data"]> = {}): JobQueued => ({
  type: "JobQueued",
  data: {
    jobId: "j1",
    batchId: "b1",
    index: 0,
    batchName: "Night",
    batchCreatedAt: "2026-12-01T00:00:00.000Z",
    upload: upload(),
    template: "flame",
    formats: ["flat_1080p", "flat_1080p_vertical"],
    options: options(),
    ...o,
  },
});

export const output = (format: RenderedOutput["format"]): RenderedOutput => ({
  format,
  fileName: `20261201_track_1_${format}_v1.mp4`,
  bytes: 1234,
  width: 480,
  height: 270,
  codec: "h264",
  durationSeconds: 3,
  posterFileName: null,
});

export const transcript = (): Transcript => ({
  text: "hello world",
  language: "en",
  languageProbability: 0.99,
  durationSeconds: 3,
  segments: [{ id: 0, start: 0, end: 3, text: "hello world" }],
  description: "hello world",
});
