/** Folder dependency rules; docs/architecture.md explains them. `npm run deps:check` enforces them. */
const layer = (from, forbidden, comment) => ({
  name: `${from}-not-to-${forbidden.join("-")}`.replace(/[^a-z-]/g, ""),
  comment,
  severity: "error",
  from: { path: `^${from}/` },
  to: { path: `^(${forbidden.join("|")})/` },
});

module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", comment: "No import cycles, between folders or files.", from: {}, to: { circular: true } },
    layer("domain", ["core", "projections", "server", "workers", "cli", "web"], "The domain is pure: deciders and event types only."),
    layer("core", ["projections", "server", "workers", "cli", "web"], "Infrastructure knows nothing of its users."),
    layer("projections", ["server", "workers", "cli", "web"], "Read models depend on events, not on who reads them."),
    layer("workers", ["server", "projections", "cli", "web"], "Workers decide from the log (aggregates), never from a read model."),
    layer("server", ["workers", "cli", "web"], "The server appends commands; workers react separately."),
    layer("cli", ["server", "workers", "projections", "core", "web"], "The CLI is a GraphQL client like any other."),
    layer("web/src", ["server", "workers", "projections", "core", "domain", "cli"], "The dashboard is a GraphQL client like any other."),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(node_modules|\\.venv|web/dist)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
  },
};
