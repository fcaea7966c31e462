// The CLI end-to-end tests run the compiled executable, exactly as `npx raft-conformance` would.
// The build happens once per test run: in the vitest globalSetup (test/cli/global-setup.ts) when
// the config names it, otherwise on first use from the test file itself.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));

let built = false;

export function buildCli(): void {
  if (built) return;
  try {
    execFileSync(process.execPath, [fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url)), "-p", "tsconfig.build.json"], {
      cwd: ROOT,
      stdio: "pipe",
      encoding: "utf8",
    });
  } catch (e) {
    const out = (e as { stdout?: string }).stdout ?? "";
    throw new Error(`tsc -p tsconfig.build.json failed; the CLI tests need a clean build:\n${out}`);
  }
  // npm run build's second half: the driver protocol's validators, compiled ahead of time.
  execFileSync(process.execPath, [fileURLToPath(new URL("../../scripts/gen-protocol-validators.mjs", import.meta.url))], { cwd: ROOT, stdio: "pipe" });
  if (!existsSync(CLI)) throw new Error(`the build did not produce ${CLI}`);
  built = true;
}
