// `npm run fuzz`: the fuzz properties of test/fuzz/ at 10,000 cases each (FUZZ_RUNS), without the
// CLI build the main test config needs.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["test/fuzz/**/*.test.ts"],
    testTimeout: 1_800_000,
  },
});
