// Builds a mutant: copies src/ to a temporary directory, applies the mutant's patches (each must
// match exactly once), transpiles every file to JavaScript with the TypeScript compiler (imports
// already end in .js) and returns the URL of the patched in-process driver. Plain Node and vitest
// can both import it; nothing is written inside the repository.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import type { Driver } from "../../src/driver/types.js";
import type { Mutant } from "./catalogue.js";

/** The repository root: test/mutants/ is two levels down, in sources and in a build alike. */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === "raft-conformance") return dir;
    } catch {
      // keep looking upwards
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error("cannot find the raft-conformance package root");
    dir = up;
  }
}

/** The driver module and every source file it imports, transitively (paths relative to src/, "/"-separated). */
function importClosure(src: string, entry: string): string[] {
  const seen = new Set<string>();
  const todo = [entry];
  for (let rel = todo.pop(); rel !== undefined; rel = todo.pop()) {
    if (seen.has(rel)) continue;
    seen.add(rel);
    const text = readFileSync(path.join(src, rel), "utf8");
    for (const m of text.matchAll(/\bfrom\s+"(\.{1,2}\/[^"]+)\.js"/g)) {
      const spec = m[1];
      if (spec !== undefined) todo.push(path.posix.normalize(path.posix.join(path.posix.dirname(rel), `${spec}.ts`)));
    }
  }
  return [...seen].sort();
}

/** The current source of a file under src/ ("/"-separated path). */
export function sourceOf(rel: string): string {
  return readFileSync(path.join(repoRoot(), "src", rel), "utf8");
}

/** Applies one text patch; throws unless `find` occurs exactly once. */
export function applyPatch(text: string, find: string, replace: string, where: string): string {
  const first = text.indexOf(find);
  if (first < 0) throw new Error(`mutant patch does not apply to ${where}: text not found:\n${find}`);
  if (text.indexOf(find, first + 1) >= 0) throw new Error(`mutant patch is ambiguous in ${where}: text occurs more than once:\n${find}`);
  return text.slice(0, first) + replace + text.slice(first + find.length);
}

const DRIVER_ENTRY = "driver/inprocess.ts";

export interface BuiltMutant {
  /** file: URL of the patched driver module (exports createInProcessDriver). */
  readonly driverUrl: string;
  readonly dir: string;
  createDriver(): Promise<Driver>;
  dispose(): void;
}

/** Builds the patched copy; `mutant` undefined builds an unpatched copy (a control). */
export function buildMutant(mutant: Mutant | undefined): BuiltMutant {
  const src = path.join(repoRoot(), "src");
  const dir = mkdtempSync(path.join(tmpdir(), `raft-mutant-${mutant?.id ?? "control"}-`));
  const patches = new Map<string, { find: string; replace: string }[]>();
  for (const p of mutant?.patches ?? []) patches.set(p.file, [...(patches.get(p.file) ?? []), p]);
  for (const key of importClosure(src, DRIVER_ENTRY)) {
    const rel = key;
    let text = readFileSync(path.join(src, rel), "utf8");
    for (const p of patches.get(key) ?? []) text = applyPatch(text, p.find, p.replace, `src/${key}`);
    patches.delete(key);
    const js = ts.transpileModule(text, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, sourceMap: false },
      fileName: rel,
    }).outputText;
    const out = path.join(dir, rel.replace(/\.ts$/, ".js"));
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, js);
  }
  if (patches.size > 0) throw new Error(`mutant ${mutant?.id ?? ""} patches missing files: ${[...patches.keys()].join(", ")}`);
  // The copy is ESM like the package (relative imports of .js files).
  writeFileSync(path.join(dir, "package.json"), '{"type":"module"}\n');
  const driverUrl = pathToFileURL(path.join(dir, "driver", "inprocess.js")).href;
  return {
    driverUrl,
    dir,
    createDriver: async () => {
      const mod = (await import(/* @vite-ignore */ driverUrl)) as { createInProcessDriver: () => Driver };
      return mod.createInProcessDriver();
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
