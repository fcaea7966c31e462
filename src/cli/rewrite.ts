// `raft-conformance rewrite FILE…`: runs each trace against the reference core and refreshes its
// exact `expect:` blocks from what the reference produced (src/trace/rewrite.ts), printing a
// unified diff of every change. With --check nothing is written and any change exits 1, so CI can
// insist that the committed expectations are what the reference does.
import { readFileSync, writeFileSync } from "node:fs";
import { createInProcessDriver } from "../driver/inprocess.js";
import { runTrace } from "../harness/run.js";
import { formatTraceError } from "../trace/errors.js";
import { findTraceFiles, loadCorpus } from "../trace/load.js";
import { rewriteExpectations } from "../trace/rewrite.js";
import { unifiedDiff } from "../trace/rewrite-diff.js";
import type { Yaml } from "../trace/types.js";
import { boolFlag, intFlag, parseFlags } from "./args.js";
import { UsageError } from "./errors.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "./exit-code.js";
import { REWRITE_HELP } from "./help-commands.js";
import type { CliIo } from "./io.js";
import { tracePaths } from "./paths.js";
import { DEFAULT_SEED } from "./run-options.js";

export async function rewriteCommand(args: readonly string[], io: CliIo): Promise<number> {
  const p = parseFlags("rewrite", args, { check: { type: "boolean" }, fill: { type: "boolean" }, seed: { type: "string" } });
  if (boolFlag(p, "help")) {
    io.stdout.write(REWRITE_HELP);
    return EXIT_OK;
  }
  if (p.positionals.length === 0) throw new UsageError("rewrite wants trace files or directories (see rewrite --help)");
  const check = boolFlag(p, "check");
  const fill = boolFlag(p, "fill");
  const seed = intFlag(p, "seed", DEFAULT_SEED);

  const found = await findTraceFiles(tracePaths(p.positionals));
  const loaded = await loadCorpus(found.files);
  let bad = found.errors.length > 0;
  for (const e of found.errors) io.stderr.write(`${formatTraceError(e)}\n`);

  const driver = createInProcessDriver();
  const info = await driver.hello();
  const changedFiles: string[] = [];
  let unchanged = 0;
  try {
    for (const { file, result } of loaded) {
      if (!result.ok) {
        for (const e of result.errors) io.stderr.write(`${formatTraceError(e)}\n`);
        bad = true;
        continue;
      }
      const trace = result.trace;
      const actual = new Map<number, readonly Yaml[]>();
      // Observable level: checks and invariants still hold the reference to account; the exact
      // comparison is what this command replaces.
      const r = await runTrace(trace, driver, { level: "observable", seed, info, onStepEvents: (step, events) => actual.set(step.index, [...events]) });
      if (r.status === "skipped") {
        io.stderr.write(`${file}: not rewritten: skipped (${r.reason ?? "no reason"})\n`);
        continue;
      }
      if (r.status !== "passed") {
        const why = r.failure !== undefined ? `${r.failure.line !== null ? `line ${r.failure.line}: ` : ""}${r.failure.message}` : (r.reason ?? r.status);
        io.stderr.write(`${file}: not rewritten: the reference ${r.status === "failed" ? "fails" : "errors on"} this trace: ${why}\n`);
        bad = true;
        continue;
      }
      const before = readFileSync(file, "utf8");
      const out = rewriteExpectations(before, actual, { fill });
      for (const problem of out.problems) io.stderr.write(`${file}: ${problem}\n`);
      if (out.problems.length > 0) bad = true;
      if (out.text === before) {
        unchanged++;
        continue;
      }
      changedFiles.push(file);
      io.stdout.write(unifiedDiff(before, out.text, `a/${file}`, `b/${file}`));
      if (!check) writeFileSync(file, out.text);
    }
  } finally {
    await driver.close();
  }
  const verb = check ? "would change" : "changed";
  for (const f of changedFiles) io.stderr.write(`rewrite: ${f} ${verb}\n`);
  io.stderr.write(`rewrite: ${changedFiles.length} file${changedFiles.length === 1 ? "" : "s"} ${verb}, ${unchanged} unchanged\n`);
  if (bad) return EXIT_USAGE;
  return check && changedFiles.length > 0 ? EXIT_FAILED : EXIT_OK;
}
