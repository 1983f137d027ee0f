import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { resolve } from "node:path";

/**
 * GraphiQL from local files only (no CDN): graphiql 3's UMD build with React 18's UMD files, all
 * served from node_modules (graphiql 5 would need a bundler for Monaco's workers), and graphql-ws's
 * UMD client for subscriptions. Queries and mutations go over HTTP with the headers
 * typed into GraphiQL's header editor; subscriptions use the same Authorization in connection_init.
 */
const require = createRequire(import.meta.url);
const pkg = (name: string, file: string) => resolve(require.resolve(`${name}/package.json`), "..", file);

export const GRAPHIQL_ASSETS: Readonly<Record<string, string>> = {
  "graphiql.min.js": pkg("graphiql", "graphiql.min.js"),
  "graphiql.min.css": pkg("graphiql", "graphiql.min.css"),
  "react.production.min.js": pkg("react", "umd/react.production.min.js"),
  "react-dom.production.min.js": pkg("react-dom", "umd/react-dom.production.min.js"),
  "graphql-ws.min.js": pkg("graphql-ws", "umd/graphql-ws.min.js"),
  "graphiql-setup.js": resolve(import.meta.dirname, "graphiql-setup.js"),
};

export const GRAPHIQL_ASSET_PREFIX = "/graphiql/assets/";

const html = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>emberflow GraphiQL</title>
  <link rel="stylesheet" href="${GRAPHIQL_ASSET_PREFIX}graphiql.min.css" />
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="${GRAPHIQL_ASSET_PREFIX}react.production.min.js"></script>
  <script src="${GRAPHIQL_ASSET_PREFIX}react-dom.production.min.js"></script>
  <script src="${GRAPHIQL_ASSET_PREFIX}graphql-ws.min.js"></script>
  <script src="${GRAPHIQL_ASSET_PREFIX}graphiql.min.js"></script>
  <script src="${GRAPHIQL_ASSET_PREFIX}graphiql-setup.js"></script>
</body>
</html>
`;

export const graphiqlHtml = (): string => html;

/** Read once per process; the files do not change while it runs. */
const cache = new Map<string, Buffer>();
export async function graphiqlAsset(name: string): Promise<Buffer | null> {
  const path = GRAPHIQL_ASSETS[name];
  if (!path) return null;
  let b = cache.get(name);
  if (!b) {
    b = await readFile(path);
    cache.set(name, b);
  }
  return b;
}
