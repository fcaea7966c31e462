// Adds a neutral `sent:` assertion (src/trace/sent.ts) to every step of the given traces whose exact
// `expect:` shows a vote or pre-vote answer: the grant or rejection becomes observable for every
// driver, not only for etcd's message model. Type, sender, receiver and the verdict are kept; the
// response's term is not (etcd answers a granted pre-vote with the request's term, other libraries
// with their own). With --appends, append answers count too (accepted or rejected; the rejection
// hint is not kept: etcd hints below its last index, other libraries their last index). Idempotent:
// a step that already has `sent:` is left alone.
//   node dist/bugs/scripts/sent/from-expect.js [--appends] FILE…
import { readFileSync, writeFileSync } from "node:fs";
import { loadTraceText } from "../../src/trace/load.js";
import type { YamlMap } from "../../src/trace/types.js";

const appends = process.argv.includes("--appends");
const VERDICTS = new Set(["MsgVoteResp", "MsgPreVoteResp", ...(appends ? ["MsgAppResp"] : [])]);

for (const file of process.argv.slice(2).filter((a) => !a.startsWith("--"))) {
  const text = readFileSync(file, "utf8");
  const loaded = loadTraceText(file, text);
  if (!loaded.ok) throw new Error(`${file}: ${loaded.errors.map((e) => e.message).join("; ")}`);
  const lines = text.split("\n");
  const inserts: { at: number; line: string }[] = [];
  for (const step of loaded.trace.steps) {
    if (step.expect === undefined || step.sent !== undefined) continue;
    const verdicts = step.expect.events.flatMap((e) => (((e as YamlMap | null)?.["ready"] as YamlMap | undefined)?.["messages"] as YamlMap[] | undefined) ?? [])
      .filter((m) => VERDICTS.has(m["type"] as string))
      .map((m) => `{type: ${String(m["type"])}, from: ${String(m["from"])}, to: ${String(m["to"])}, reject: ${m["reject"] === true}}`);
    if (verdicts.length === 0) continue;
    const at = step.expect.loc.line - 1;
    const indent = /^(\s*)/.exec(lines[at] ?? "")?.[1] ?? "    ";
    inserts.push({ at, line: `${indent}sent: [${verdicts.join(", ")}]` });
  }
  for (const { at, line } of inserts.sort((a, b) => b.at - a.at)) lines.splice(at, 0, line);
  if (inserts.length > 0) writeFileSync(file, lines.join("\n"));
  console.log(`${file}: ${inserts.length} sent assertions`);
}
