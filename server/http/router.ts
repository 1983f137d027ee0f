import type { IncomingMessage, ServerResponse } from "node:http";
import { resolve } from "node:path";
import type { ApolloServer } from "@apollo/server";
import { outputPath, within } from "../../core/storage/media-paths";
import { InvalidTokenError, type Authenticator } from "../auth/principal";
import type { GraphQLContext } from "../graphql/context";
import type { ServerServices } from "../services";
import { handleUpload } from "../uploads/upload-handler";
import type { UploadStore } from "../uploads/upload-store";
import { GRAPHIQL_ASSET_PREFIX, graphiqlAsset, graphiqlHtml } from "./graphiql/graphiql-page";
import { contentTypeOf } from "./static-files";
import { handleGraphQLHttp } from "./graphql-http";
import { placeholderPage } from "./placeholder-page";
import { HttpError, sendError, sendJson } from "./respond";
import { sendFile } from "./static-files";

export interface RouterDeps {
  readonly services: ServerServices;
  readonly apollo: ApolloServer<GraphQLContext>;
  readonly auth: Authenticator;
  /** Upload storage; its roots also locate outputs and posters for /media. */
  readonly uploads: UploadStore;
  readonly webDist: string;
  /** True when NATS is connected (readyz). */
  readonly natsConnected: () => boolean;
  /** Projector lag (events) above which the node reports not ready. */
  readonly maxReadyLag: number;
}

/** One request handler for every HTTP route on the single port (WebSocket upgrades go elsewhere). */
export function createRouter(d: RouterDeps) {
  const { services } = d;
  const logger = services.logger.child({ component: "http" });

  const route = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<string> => {
    const method = req.method ?? "GET";
    if (path === "/graphql") {
      if (method === "GET" && !new URL(req.url ?? "/", "http://x").searchParams.has("query") && (req.headers.accept ?? "").includes("text/html")) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" });
        res.end(graphiqlHtml());
        return "graphiql";
      }
      if (method !== "GET" && method !== "POST") throw new HttpError(405, "METHOD_NOT_ALLOWED", "Use GET or POST on /graphql.");
      await handleGraphQLHttp(req, res, d.apollo, services, d.auth);
      return "graphql";
    }
    if (path === "/uploads") {
      if (method !== "POST") throw new HttpError(405, "METHOD_NOT_ALLOWED", "Upload with POST /uploads (multipart/form-data, field `file`).");
      authorizeUpload(d.auth, req.headers.authorization);
      await handleUpload(req, res, {
        store: d.uploads,
        maxUploadBytes: services.config.maxUploadBytes,
        logger,
        onStored: (n, bytes) => {
          services.metrics.inc("emberflow_uploads_total", "Files stored by POST /uploads.", n);
          services.metrics.inc("emberflow_upload_bytes_total", "Bytes stored by POST /uploads.", bytes);
        },
      });
      return "uploads";
    }
    if (path === "/healthz") {
      sendJson(res, 200, { status: "ok" });
      return "healthz";
    }
    if (path === "/readyz") {
      const nats = d.natsConnected();
      const lag = await services.projector.lag().catch(() => Number.POSITIVE_INFINITY);
      const ready = nats && lag <= d.maxReadyLag;
      sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready", nats: nats ? "connected" : "disconnected", projectorLag: Number.isFinite(lag) ? lag : null, position: services.projector.position() });
      return "readyz";
    }
    if (path === "/metrics") {
      const text = await services.metrics.render();
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(text);
      return "metrics";
    }
    if (method !== "GET" && method !== "HEAD") throw new HttpError(405, "METHOD_NOT_ALLOWED", `${method} is not supported on ${path}.`);
    if (path.startsWith("/media/")) {
      let file: string;
      try {
        // safe names only: outputPath refuses separators, "..", and anything outside the output root
        file = outputPath(d.uploads.roots, decodeURIComponent(path.slice(7)));
      } catch {
        throw new HttpError(404, "NOT_FOUND", "No such media file.");
      }
      if (!(await sendFile(req, res, file, "public, max-age=31536000, immutable"))) throw new HttpError(404, "NOT_FOUND", "No such media file.");
      return "media";
    }
    if (path.startsWith(GRAPHIQL_ASSET_PREFIX)) {
      const name = path.slice(GRAPHIQL_ASSET_PREFIX.length);
      const body = await graphiqlAsset(name);
      if (!body) throw new HttpError(404, "NOT_FOUND", "No such GraphiQL asset.");
      res.writeHead(200, { "content-type": contentTypeOf(name), "cache-control": "public, max-age=86400", "content-length": String(body.length) });
      res.end(method === "HEAD" ? undefined : body);
      return "graphiql-assets";
    }
    await serveDashboard(req, res, d.webDist, path);
    return "dashboard";
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let path = "/";
    try {
      path = new URL(req.url ?? "/", "http://x").pathname;
    } catch {
      /* a malformed URL is served as the root's 404 below */
    }
    let routeName = "other";
    try {
      routeName = await route(req, res, path);
    } catch (err) {
      const e = err instanceof HttpError ? err : null;
      if (!e) logger.error("request failed", { path, error: err });
      sendError(res, e ?? new HttpError(500, "INTERNAL_SERVER_ERROR", "Internal server error."));
      routeName = e ? routeName : "error";
    } finally {
      const count = () => services.metrics.countRequest(req.method ?? "GET", routeName, res.statusCode);
      if (res.writableFinished) count();
      else res.once("close", count);
    }
  };
}

/** Uploads change storage: with tokens configured they need an operator token. */
function authorizeUpload(auth: Authenticator, header: string | undefined): void {
  try {
    const p = auth.resolve(header);
    if (p.role === "operator") return;
    if (!p.authenticated) throw new HttpError(401, "UNAUTHENTICATED", "Uploads need a token: send Authorization: Bearer <operator token>.");
    throw new HttpError(403, "FORBIDDEN", `${p.actor} has the viewer role; uploads need an operator token.`);
  } catch (err) {
    if (err instanceof InvalidTokenError) throw new HttpError(401, "UNAUTHENTICATED", err.message);
    throw err;
  }
}

/** The dashboard (web/dist, built by another package) with SPA fallback; a placeholder until it is built. */
async function serveDashboard(req: IncomingMessage, res: ServerResponse, webDist: string, path: string): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw new HttpError(400, "BAD_REQUEST", "Malformed URL.");
  }
  const rel = decoded.replace(/^\/+/, "");
  if (rel && !decoded.includes("\0")) {
    let file: string | null = null;
    try {
      file = within(webDist, rel);
    } catch {
      throw new HttpError(404, "NOT_FOUND", "Not found.");
    }
    if (await sendFile(req, res, file, rel.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache")) return;
    if (/\.[a-z0-9]+$/i.test(rel)) throw new HttpError(404, "NOT_FOUND", "Not found.");
  }
  if (await sendFile(req, res, resolve(webDist, "index.html"), "no-cache")) return;
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" });
  res.end(req.method === "HEAD" ? undefined : placeholderPage());
}
