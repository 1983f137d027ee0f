import { hostname } from "node:os";
import { z } from "zod";

/** Worker settings, parsed once at start-up from the environment (passed in by workers/main.ts). */
const intFrom = (def: number, min = 1) => z.coerce.number().int().min(min).default(def);

const schema = z.object({
  NATS_URL: z.string().url({ message: "NATS_URL must be a URL such as nats://127.0.0.1:4222" }),
  NATS_TOKEN: z.string().optional(),
  EVENT_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/).default("EF_EVENTS"),
  EVENT_SUBJECT_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/).default("ef.events"),
  /** 1 on one machine; 3 on the docker-compose cluster. */
  EVENT_STREAM_REPLICAS: intFrom(1),
  DATA_DIR: z.string().default("./data"),
  RENDER_OUTPUT_DIR: z.string().optional(),
  WORKER_ID: z.string().default(`${hostname()}-${process.pid}`),
  RENDER_CONCURRENCY: intFrom(1),
  RENDER_TIMEOUT_MS: intFrom(2 * 60 * 60 * 1000),
  RENDER_MAX_ATTEMPTS: intFrom(3),
  /** External render command with {input} {output} {width} {height} {fps}; FFmpeg templates when unset. */
  RENDERER: z.string().optional(),
  TRANSCRIBE_CONCURRENCY: intFrom(1),
  TRANSCRIBE_MAX_ATTEMPTS: intFrom(30),
  WHISPER_SERVICE_URL: z.string().url().default("http://127.0.0.1:8001"),
  WORKFLOW_CONCURRENCY: intFrom(8),
  SHUTDOWN_DEADLINE_MS: intFrom(20_000),
  ACK_WAIT_MS: intFrom(30_000, 500),
  BACKOFF_BASE_MS: intFrom(2_000, 10),
  BACKOFF_MAX_MS: intFrom(60_000, 10),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  LOG_FORMAT: z.enum(["pretty", "json"]).default("pretty"),
});

export type WorkerConfig = z.infer<typeof schema>;

export function parseWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const r = schema.safeParse(cleaned);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  throw new Error(`Invalid worker configuration; fix these environment variables:\n${lines.join("\n")}`);
}
