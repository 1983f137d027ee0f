import { defineConfig } from "vitest/config";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // vite would load graphql's .mjs while Node-loaded deps use index.js: one realm only.
    alias: { graphql: require.resolve("graphql/index.js") },
  },
  test: {
    include: ["**/*.{unit,int,e2e}.test.ts"],
    exclude: ["node_modules/**", ".venv/**", "whisper-service/**", "web/dist/**"],
    setupFiles: ["./test-support/setup.ts"],
    globalSetup: ["./test-support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 3,
  },
});
