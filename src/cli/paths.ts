// Trace paths from the command line: relative to the working directory, or the traces/ bundled
// with the package when none is given. A path that does not exist is bad input (exit 2).
import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { InputError } from "./errors.js";
import { packageInfo } from "./package-info.js";

export function tracePaths(given: readonly string[]): string[] {
  // Relative to the working directory, so file names in reports do not depend on where the
  // package happens to be installed when run from the same place.
  if (given.length === 0) return [relative(process.cwd(), join(packageInfo().root, "traces")) || "."];
  for (const p of given) {
    if (!existsSync(resolve(p))) throw new InputError(`no such file or directory: ${p}`);
  }
  return [...given];
}
