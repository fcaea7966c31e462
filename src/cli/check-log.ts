// `raft-conformance check-log FILE`: re-checks a recorded run (spec/run-log.schema.json) against
// every invariant, offline, with a fresh checker per trace. A violation is reported as
// FILE:LINE: trace ID step N: … (exit 1); a line that is not valid JSON, does not match the schema
// or cannot be a run (exit 2) is reported with its line number and stops the check.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import runLogSchema from "../../spec/run-log.schema.json" with { type: "json" };
import { createChecker } from "../invariants/index.js";
import type { InvariantChecker } from "../invariants/observation.js";
import { parseFlags } from "./args.js";
import { InputError, UsageError } from "./errors.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "./exit-code.js";
import { CHECK_LOG_HELP } from "./help-commands.js";
import type { CliIo } from "./io.js";
import { RUN_LOG_VERSION, RunLogError, RunLogReader, type RunLogLine } from "./run-log.js";

const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: false });
const validateLine = ajv.compile<RunLogLine>(runLogSchema);
/** Each kind of line on its own, for an error message about the kind of line it claims to be. */
const validateKind = (kind: string): ReturnType<typeof ajv.getSchema> => ajv.getSchema(`${runLogSchema.$id}#/$defs/${kind}`);

export async function checkLogCommand(args: readonly string[], io: CliIo): Promise<number> {
  const p = parseFlags("check-log", args, {});
  if (p.values["help"] === true) {
    io.stdout.write(CHECK_LOG_HELP);
    return EXIT_OK;
  }
  if (p.positionals.length !== 1) throw new UsageError("check-log wants exactly one run log file (see check-log --help)");
  const file = p.positionals[0] as string;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`check-log: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const result = checkLog(file, text);
  for (const v of result.violations) io.stderr.write(`${v}\n`);
  if (result.malformed !== undefined) {
    io.stderr.write(`${result.malformed}\n`);
    return EXIT_USAGE;
  }
  const n = result.violations.length;
  io.stdout.write(`${result.traces} trace${result.traces === 1 ? "" : "s"}, ${result.steps} step${result.steps === 1 ? "" : "s"} checked: ${n} violation${n === 1 ? "" : "s"}\n`);
  return n > 0 ? EXIT_FAILED : EXIT_OK;
}

export interface CheckLogResult {
  readonly traces: number;
  readonly steps: number;
  /** "FILE:LINE: trace ID step N: invariant X violated: …" */
  readonly violations: readonly string[];
  /** "FILE:LINE: …" for the first line that makes the file malformed. */
  readonly malformed?: string | undefined;
}

export function checkLog(file: string, text: string): CheckLogResult {
  const violations: string[] = [];
  let traces = 0;
  let steps = 0;
  let current: { id: string; checker: InvariantChecker; reader: RunLogReader; stopped: boolean } | undefined;
  let sawHeader = false;
  const lines = text.split("\n");
  // A final newline ends the last line; it does not start an empty one.
  if (lines.at(-1) === "") lines.pop();
  for (const [i, raw] of lines.entries()) {
    const at = `${file}:${i + 1}`;
    const malformed = (why: string): CheckLogResult => ({ traces, steps, violations, malformed: `${at}: malformed run log: ${why}` });
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      return malformed(`not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!validateLine(value)) return malformed(schemaProblem(value));
    const line = value;
    if (!sawHeader) {
      if (line.type !== "header") return malformed(`the first line must be the header {"type":"header","version":${RUN_LOG_VERSION}}`);
      sawHeader = true;
      continue;
    }
    switch (line.type) {
      case "header":
        return malformed("a second header");
      case "trace": {
        let checker: InvariantChecker;
        try {
          checker = createChecker(line.checker ?? {});
        } catch (e) {
          return malformed(e instanceof Error ? e.message : String(e));
        }
        current = { id: line.id, checker, reader: new RunLogReader(), stopped: false };
        traces++;
        break;
      }
      case "step": {
        if (current === undefined) return malformed("a step before any trace line");
        let obs;
        try {
          obs = current.reader.toStepObs(line);
        } catch (e) {
          if (e instanceof RunLogError) return malformed(`step ${line.step}: ${e.message}`);
          throw e;
        }
        steps++;
        // After a violation the checker's history no longer describes a correct run: the rest of
        // the trace is read (so the file is still validated) but not judged.
        if (current.stopped) break;
        for (const v of current.checker.check(obs)) {
          violations.push(`${at}: trace ${current.id} step ${line.step}: invariant ${v.invariant} violated: ${v.message}${v.nodes.length > 0 ? ` (nodes ${v.nodes.join(", ")})` : ""}`);
          current.stopped = true;
        }
        break;
      }
    }
  }
  if (!sawHeader) return { traces, steps, violations, malformed: `${file}:1: malformed run log: empty file (no header line)` };
  return { traces, steps, violations };
}

function schemaProblem(value: unknown): string {
  const type = value !== null && typeof value === "object" && "type" in value ? (value as { type: unknown }).type : undefined;
  if (type !== "header" && type !== "trace" && type !== "step") return `"type" must be "header", "trace" or "step"`;
  const validate = validateKind(type);
  if (validate === undefined || validate(value)) return `${type} line does not match spec/run-log.schema.json`;
  const e = validate.errors?.[0];
  const extra = e?.keyword === "additionalProperties" ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})` : "";
  return `${type} line does not match spec/run-log.schema.json: at ${e?.instancePath || "/"} ${e?.message ?? ""}${extra}`;
}
