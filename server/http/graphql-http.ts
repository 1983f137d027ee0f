import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer } from "@apollo/server";
import { InvalidTokenError, type Authenticator } from "../auth/principal";
import { createContext, positionFromHeader, type GraphQLContext } from "../graphql/context";
import type { ServerServices } from "../services";

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Apollo Server 5 wired to node:http by hand (no express): the same http.Server then carries
 * graphql-ws. The body is read with a size cap; the principal and the read-your-writes position
 * header are resolved before Apollo runs.
 */
export async function handleGraphQLHttp(
  req: IncomingMessage,
  res: ServerResponse,
  apollo: ApolloServer<GraphQLContext>,
  services: ServerServices,
  auth: Authenticator,
): Promise<void> {
  let principal;
  try {
    principal = auth.resolve(req.headers.authorization);
  } catch (err) {
    if (!(err instanceof InvalidTokenError)) throw err;
    return sendGraphQLError(res, 401, "UNAUTHENTICATED", err.message);
  }
  let body: unknown = undefined;
  if (req.method === "POST") {
    const text = await readBody(req);
    if (text === null) return sendGraphQLError(res, 413, "BAD_USER_INPUT", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    try {
      body = text.length > 0 ? JSON.parse(text) : {};
    } catch {
      return sendGraphQLError(res, 400, "BAD_USER_INPUT", "The request body is not valid JSON.");
    }
  }
  const headers = new HeaderMap();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
  const url = new URL(req.url ?? "/", "http://localhost");
  const position = positionFromHeader(req.headers["x-emberflow-position"]);
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
    context: async () => {
      const ctx = createContext(services, principal, position);
      await ctx.atLeast(null); // honours X-Emberflow-Position for every field of the operation
      return ctx;
    },
  });
  const out: Record<string, string> = {};
  for (const [k, v] of result.headers) out[k] = v;
  res.writeHead(result.status ?? 200, out);
  if (result.body.kind === "complete") {
    res.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

function sendGraphQLError(res: ServerResponse, status: number, code: string, message: string): void {
  const text = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(text)) });
  res.end(text);
}

/** The body as text, or null when it exceeds the cap (the rest is not read). */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
