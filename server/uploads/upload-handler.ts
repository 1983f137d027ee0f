import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import busboy from "busboy";
import { uuidv7 } from "uuidv7";
import type { Logger } from "../../core/log/logger";
import { HttpError, sendError, sendJson } from "../http/respond";
import { displayFileName } from "./file-names";
import { probeAudio } from "./probe";
import { SNIFF_BYTES, sniffAudioType } from "./sniff";
import type { UploadMeta, UploadStore } from "./upload-store";

export interface UploadHandlerOptions {
  readonly store: UploadStore;
  readonly maxUploadBytes: number;
  readonly logger: Logger;
  readonly ffprobe?: string;
  readonly onStored?: (count: number, bytes: number) => void;
}

interface Received {
  readonly tempPath: string;
  readonly fileName: string;
  readonly size: number;
  readonly sha256: string;
  readonly contentType: string;
}

const MAX_FILES = 100;

/**
 * POST /uploads: multipart with one or more `file` fields. Each file streams to a temp file while
 * it is hashed and counted (constant memory); the first bytes are sniffed so non-audio is refused
 * before it is all read; the size limit aborts the request as soon as it is crossed. Only when
 * every file passed (and ffprobe found audio) are blobs committed and metadata written.
 */
export async function handleUpload(req: IncomingMessage, res: ServerResponse, o: UploadHandlerOptions): Promise<void> {
  const received: Received[] = [];
  const temps: string[] = [];
  try {
    if (!/^multipart\/form-data/i.test(req.headers["content-type"] ?? ""))
      throw new HttpError(400, "BAD_REQUEST", "Send the files as multipart/form-data, one `file` field per file.");
    await receive(req, o, received, temps);
    if (received.length === 0) throw new HttpError(400, "BAD_REQUEST", "No file received: send at least one multipart field named `file`.");
    const stored: UploadMeta[] = [];
    for (const r of received) {
      const probe = await probeAudio(r.tempPath, o.ffprobe);
      if (!probe?.hasAudio)
        throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", `${JSON.stringify(r.fileName)} has no readable audio stream: upload MP3, WAV, OGG, FLAC or M4A audio.`);
      stored.push({ id: uuidv7(), fileName: r.fileName, size: r.size, sha256: r.sha256, contentType: r.contentType, durationSeconds: probe.durationSeconds, createdAt: new Date().toISOString() });
    }
    for (const [i, r] of received.entries()) {
      await o.store.commitBlob(r.tempPath, r.sha256);
      await o.store.saveMeta(stored[i]!);
    }
    o.onStored?.(stored.length, stored.reduce((n, s) => n + s.size, 0));
    o.logger.info("upload stored", { count: stored.length, ids: stored.map((s) => s.id) });
    sendJson(res, 201, stored.map(({ createdAt: _c, ...rest }) => rest));
  } catch (err) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    const e = err instanceof HttpError ? err : null;
    if (!e) o.logger.error("upload failed", { error: err });
    const httpErr = e ?? new HttpError(500, "INTERNAL_SERVER_ERROR", "The upload could not be stored; try again.");
    // the client may still be sending: answer, then close the connection instead of reading the rest
    sendError(res, httpErr, req.complete ? {} : { connection: "close" });
    if (!req.complete) res.once("finish", () => req.socket.destroySoon?.());
  }
}

function receive(req: IncomingMessage, o: UploadHandlerOptions, received: Received[], temps: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      // browsers send raw UTF-8 in filename="…"; busboy would read it as latin1
      bb = busboy({ headers: req.headers, defParamCharset: "utf8", limits: { fileSize: o.maxUploadBytes, files: MAX_FILES, fieldSize: 64 * 1024 } });
    } catch {
      return reject(new HttpError(400, "BAD_REQUEST", "Malformed multipart request: the boundary is missing."));
    }
    let failed = false;
    let index = 0;
    const pending: Promise<void>[] = [];
    const fail = (e: HttpError) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      reject(e);
    };
    bb.on("file", (field, file, info) => {
      if (failed || field !== "file") {
        file.resume(); // drain fields we do not want
        if (!failed && field !== "file") fail(new HttpError(400, "BAD_REQUEST", `Unexpected file field "${field}": name each file field \`file\`.`));
        return;
      }
      const fileName = displayFileName(info.filename);
      const slot = index++; // files finish asynchronously; keep the order they were sent in
      pending.push(
        (async () => {
          const tempPath = await o.store.tempPath();
          temps.push(tempPath);
          const hash = createHash("sha256");
          let size = 0;
          let head = Buffer.alloc(0);
          let contentType: string | null = null;
          file.on("limit", () =>
            fail(new HttpError(413, "FILE_TOO_LARGE", `${JSON.stringify(fileName)} is larger than the limit of ${o.maxUploadBytes} bytes (MAX_UPLOAD_BYTES).`)),
          );
          const inspect = new Transform({
            transform(chunk: Buffer, _enc, cb) {
              size += chunk.length;
              hash.update(chunk);
              if (contentType === null && head.length < SNIFF_BYTES) {
                head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES)]);
                if (head.length >= SNIFF_BYTES) {
                  contentType = sniffAudioType(head);
                  if (!contentType) {
                    const e = new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", `${JSON.stringify(fileName)} is not audio: upload MP3, WAV, OGG, FLAC or M4A.`);
                    fail(e);
                    return cb(e);
                  }
                }
              }
              cb(null, chunk);
            },
          });
          try {
            await pipeline(file, inspect, createWriteStream(tempPath));
          } catch (err) {
            if (!failed) fail(new HttpError(400, "BAD_REQUEST", "The upload was interrupted before the file was complete."));
            return;
          }
          if (failed) return;
          if (file.truncated) return; // the limit handler already failed the request
          if (size === 0) return fail(new HttpError(400, "EMPTY_FILE", `${JSON.stringify(fileName)} is empty: choose a file with audio in it.`));
          const type = contentType ?? sniffAudioType(head);
          if (!type) return fail(new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", `${JSON.stringify(fileName)} is not audio: upload MP3, WAV, OGG, FLAC or M4A.`));
          received[slot] = { tempPath, fileName, size, sha256: hash.digest("hex"), contentType: type };
        })(),
      );
    });
    bb.on("filesLimit", () => fail(new HttpError(400, "BAD_REQUEST", `Too many files in one request: send at most ${MAX_FILES}.`)));
    bb.on("error", (err: Error) =>
      fail(
        new HttpError(
          400,
          "BAD_REQUEST",
          /part header/i.test(err.message)
            ? "Malformed multipart part header: a raw control character (such as NUL) in a file name is not allowed; percent-encode it (filename*=UTF-8''...)."
            : "Malformed multipart request: the body could not be parsed.",
        ),
      ),
    );
    bb.on("close", () => {
      Promise.all(pending).then(() => {
        if (!failed) resolve();
      }, reject);
    });
    req.on("aborted", () => fail(new HttpError(400, "BAD_REQUEST", "The client closed the connection during the upload.")));
    req.pipe(bb);
  });
}
