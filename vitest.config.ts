import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    // Every core: vitest's default leaves one idle, which on these 2-core machines runs the files one
    // at a time (183 s against 102 s measured); the tests time nothing, so sharing cores is safe.
    maxWorkers: "100%",
    // Builds dist/ once for the CLI end-to-end tests (they spawn the compiled bin).
    globalSetup: ["test/cli/global-setup.ts"],
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      reporter: ["text-summary", "json-summary"],
    },
  },
});
