// `raft-conformance validate`: the loader alone (YAML, schema, semantic rules, duplicate ids), no
// driver. Every problem is printed to stderr as file:line:col: message; any problem means exit 2.
import { parseFlags } from "./args.js";
import { EXIT_USAGE } from "./exit-code.js";
import { VALIDATE_HELP } from "./help.js";
import type { CliIo } from "./io.js";
import { tracePaths } from "./paths.js";

export async function validateCommand(args: readonly string[], io: CliIo): Promise<number> {
  const p = parseFlags("validate", args, {});
  if (p.values["help"] === true) {
    io.stdout.write(VALIDATE_HELP);
    return 0;
  }
  const paths = tracePaths(p.positionals);
  const [{ findTraceFiles, loadCorpus }, { formatTraceError }] = await Promise.all([
    import("../trace/load.js"),
    import("../trace/errors.js"),
  ]);
  const found = await findTraceFiles(paths);
  const loaded = await loadCorpus(found.files);
  const problems = [...found.errors, ...loaded.flatMap(({ result }) => (result.ok ? [] : result.errors))];
  for (const problem of problems) io.stderr.write(`${formatTraceError(problem)}\n`);
  const n = found.files.length;
  const invalid = loaded.filter(({ result }) => !result.ok).length;
  io.stdout.write(
    `${n} trace file${n === 1 ? "" : "s"} checked: ${n - invalid} valid, ${invalid} invalid ` +
      `(${problems.length} problem${problems.length === 1 ? "" : "s"})\n`,
  );
  return problems.length > 0 ? EXIT_USAGE : 0;
}
