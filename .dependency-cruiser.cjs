/**
 * Folder dependency rules; docs/architecture.md explains them. `npm run deps:check` enforces them.
 * Each folder lists what it MAY import (an allow-list: anything else is an error), so a new folder
 * or package cannot slip in unnoticed. Tests and test kits may also use test-support and the typed
 * GraphQL operations; the layering binds the code that ships.
 */
const TEST_CODE = "\\.test\\.ts$|/testing/|-test-kit\\.ts$|test-helpers\\.ts$";

const allowOnly = (from, allowed, comment) => ({
  name: `${from.replace(/\//g, "-")}-may-import-only-${allowed.join("-") || "itself"}`,
  comment,
  severity: "error",
  from: { path: `^${from}/`, pathNot: TEST_CODE },
  // project files outside its own folder and the allowed ones (npm packages and Node built-ins are
  // not "local"; the domain has a rule of its own for those)
  to: { dependencyTypes: ["local"], pathNot: `^(${[from, ...allowed].join("|")})/` },
});

module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", comment: "No import cycles, between folders or files.", from: {}, to: { circular: true } },
    allowOnly("domain", [], "The domain is pure: deciders and event types."),
    {
      name: "domain-uses-no-packages",
      comment: "The domain is pure: no npm packages, no Node built-ins, so no I/O, clock or randomness sneaks in.",
      severity: "error",
      from: { path: "^domain/", pathNot: TEST_CODE },
      to: { dependencyTypesNot: ["local"] },
    },
    allowOnly("core", ["domain"], "Infrastructure knows nothing of its users."),
    allowOnly("projections", ["domain", "core"], "Read models depend on events, not on who reads them."),
    allowOnly("workers", ["domain", "core"], "Workers decide from the log (aggregates), never from a read model."),
    allowOnly("server", ["domain", "core", "projections"], "The server appends commands; workers react separately."),
    allowOnly("cli", ["domain"], "The CLI is a GraphQL client like any other (it shares the format vocabulary)."),
    allowOnly("web/src", [], "The dashboard is a GraphQL client like any other."),
    {
      name: "test-code-not-in-shipped-code",
      comment: "Shipped code never imports test support or test kits.",
      severity: "error",
      from: { pathNot: `${TEST_CODE}|^test-support/|^bench/|^scripts/` },
      to: { path: `^test-support/|${TEST_CODE}` },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(node_modules|\\.venv|web/dist)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
  },
};
