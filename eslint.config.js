import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", ".venv/**", ".tools/**", "web/dist/**", "schema/generated/**", "web/src/generated/**", "data/**", "whisper-service/**", "**/*.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-explicit-any": "error",
      // only composition roots read the environment (server/main.ts, workers/main.ts, scripts/, cli/, bench/)
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration in the composition root and pass it in." }],
    },
  },
  {
    files: ["server/main.ts", "workers/main.ts", "scripts/**", "cli/**", "bench/**", "projections/rebuild-cli.ts", "test-support/**", "**/*.test.ts", "**/test-helpers.ts", "**/testing/**", "web/build.ts", "vitest.config.ts"],
    rules: { "no-restricted-properties": "off" },
  },
);
