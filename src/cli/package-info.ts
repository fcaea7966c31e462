// Where the package lives and what it is called, found from this file's own location so that
// `npx raft-conformance run` finds the bundled traces/ and spec/ from any working directory, both
// when running the compiled dist/src/cli/ and the TypeScript sources under src/cli/.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const TOOL_NAME = "raft-conformance";

export interface PackageInfo {
  readonly root: string;
  readonly name: string;
  readonly version: string;
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === TOOL_NAME) {
        cached = { root: dir, name: TOOL_NAME, version: typeof pkg.version === "string" ? pkg.version : "0.0.0" };
        return cached;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${TOOL_NAME} package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
