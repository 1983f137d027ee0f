import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname } from "node:path";
import { HttpError, sendError } from "./respond";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".mp4": "video/mp4",
  ".txt": "text/plain; charset=utf-8",
  ".vtt": "text/vtt; charset=utf-8",
  ".srt": "application/x-subrip",
};

export const contentTypeOf = (path: string) => TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";

/**
 * Streams a file with a single-range `Range: bytes=a-b` answered 206 (video players seek this way).
 * Returns false when the file does not exist, so the caller can fall back.
 */
export async function sendFile(req: IncomingMessage, res: ServerResponse, path: string, cacheControl: string): Promise<boolean> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) return false;
    size = st.size;
  } catch {
    return false;
  }
  const headers: Record<string, string> = { "content-type": contentTypeOf(path), "accept-ranges": "bytes", "cache-control": cacheControl, "x-content-type-options": "nosniff" };
  const range = req.headers.range ? /^bytes=(\d*)-(\d*)$/.exec(req.headers.range) : null;
  let start = 0;
  let end = size - 1;
  if (req.headers.range) {
    if (!range || (range[1] === "" && range[2] === "")) {
      sendError(res, new HttpError(416, "BAD_REQUEST", "Only one byte range (bytes=start-end) is supported."), { "content-range": `bytes */${size}` });
      return true;
    }
    if (range[1] === "") start = Math.max(0, size - Number(range[2]));
    else {
      start = Number(range[1]);
      end = range[2] === "" ? size - 1 : Math.min(Number(range[2]), size - 1);
    }
    if (start > end || start >= size) {
      sendError(res, new HttpError(416, "BAD_REQUEST", `Range not satisfiable: the file has ${size} bytes.`), { "content-range": `bytes */${size}` });
      return true;
    }
    headers["content-range"] = `bytes ${start}-${end}/${size}`;
  }
  headers["content-length"] = String(size === 0 ? 0 : end - start + 1);
  res.writeHead(req.headers.range ? 206 : 200, headers);
  if (req.method === "HEAD" || size === 0) {
    res.end();
    return true;
  }
  const stream = createReadStream(path, { start, end });
  stream.on("error", () => res.destroy());
  stream.pipe(res);
  return true;
}
