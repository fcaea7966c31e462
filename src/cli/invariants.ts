// `raft-conformance invariants`: what the checker evaluates after every step, for people (text)
// and tools (--json: an array of {id, name, definition, tla}, in the checker's order).
import type { Invariant } from "../invariants/observation.js";
import { boolFlag, parseFlags } from "./args.js";
import { UsageError } from "./errors.js";
import { INVARIANTS_HELP } from "./help.js";
import type { CliIo } from "./io.js";

export async function invariantsCommand(args: readonly string[], io: CliIo): Promise<number> {
  const p = parseFlags("invariants", args, { json: { type: "boolean" } });
  if (boolFlag(p, "help")) {
    io.stdout.write(INVARIANTS_HELP);
    return 0;
  }
  if (p.positionals.length > 0) throw new UsageError(`invariants takes no arguments, got ${p.positionals.join(" ")}`);
  const { INVARIANTS } = await import("../invariants/index.js");
  io.stdout.write(boolFlag(p, "json") ? invariantsJson(INVARIANTS) : invariantsText(INVARIANTS));
  return 0;
}

export function invariantsJson(list: readonly Invariant[]): string {
  const rows = list.map((i) => ({ id: i.id, name: i.name, definition: i.definition, tla: i.tla }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

export function invariantsText(list: readonly Invariant[]): string {
  const blocks = list.map((i) =>
    [`${i.id} — ${i.name}`, ...indent(i.definition), `  TLA+: ${i.tla}`].join("\n"),
  );
  return `${blocks.join("\n\n")}\n\n${list.length} invariants\n`;
}

function indent(text: string): string[] {
  return text.split("\n").map((l) => `  ${l}`);
}
