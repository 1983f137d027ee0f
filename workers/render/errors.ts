/**
 * One error class for every way a render can fail. The worker wiring maps `retryable` onto
 * nak-with-backoff vs term, and puts `code` + `message` into the job's failure event, so the
 * message must say what happened in words a creator can act on (not a stack trace).
 */
export type RenderErrorCode =
  | "AUDIO_UNDECODABLE" // the input is not audio FFmpeg can decode: retrying cannot help
  | "FFMPEG_FAILED" // FFmpeg (or the external renderer) exited non-zero: may be transient
  | "TIMEOUT" // the per-job deadline passed: retry, maybe on a less busy machine
  | "CANCELLED" // the job was cancelled through its AbortSignal: never retried
  | "OUTPUT_FAILED" // writing or publishing the output failed (disk full, permissions)
  | "INVALID_OPTIONS"; // the job asks for something the engine does not know: the same job fails the same way again

const RETRYABLE: Readonly<Record<RenderErrorCode, boolean>> = {
  AUDIO_UNDECODABLE: false,
  FFMPEG_FAILED: true,
  TIMEOUT: true,
  CANCELLED: false,
  OUTPUT_FAILED: true,
  INVALID_OPTIONS: false,
};

export class RenderError extends Error {
  override readonly name = "RenderError";
  readonly code: RenderErrorCode;
  readonly retryable: boolean;
  /** Last lines of FFmpeg's stderr, when FFmpeg was involved (already part of `message`). */
  readonly stderrTail?: string;

  constructor(code: RenderErrorCode, message: string, options: { cause?: unknown; stderrTail?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = RETRYABLE[code];
    this.stderrTail = options.stderrTail;
  }

  toJSON(): { code: RenderErrorCode; message: string; retryable: boolean } {
    return { code: this.code, message: this.message, retryable: this.retryable };
  }
}

export function isRenderError(value: unknown): value is RenderError {
  return value instanceof RenderError;
}

/** File-system failures that mean "the output could not be written" rather than a bug. */
export function outputFailed(what: string, cause: unknown): RenderError {
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
  const detail = errno ? `${errno}: ${(cause as Error).message}` : String(cause);
  return new RenderError("OUTPUT_FAILED", `Could not ${what} (${detail}). Check free disk space and permissions of the output directory.`, { cause });
}
