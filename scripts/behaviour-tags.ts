// `npm run tags [-- --check | --write]`: which traces depend on which of etcd-io/raft's behaviours
// (spec/protocol.md §5.1), measured rather than guessed. For each behaviour the corpus runs at the
// observable level (what a driver without etcd's message model gets) against a reference that
// lacks it — a patched core (test/mutants/behaviours.ts), or for the behaviours the harness stands
// in for (campaign, check_quorum_optional, pre_vote_optional, step_down_on_removal_optional) the reference with that capability
// withheld — with the trace's own tag removed. A trace that then fails or errors depends on the
// behaviour. The capability is withheld from the run, so an assertion whose step `needs:` the
// behaviour is not checked there (spec/trace-format.md): gating an etcd-specific assertion, with a
// neutral one beside it, is how a trace stops depending on a behaviour only its assertions assumed.
// `etcd_messages` is read from the trace: a `step` of a message type outside Raft's core
// vocabulary. --check exits 1 when a trace's tags differ from what was measured; --write makes them so.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createInProcessDriver } from "../src/driver/inprocess.js";
import { FEATURES, type Driver } from "../src/driver/types.js";
import { runTrace } from "../src/harness/run.js";
import { findTraceFiles, loadCorpus } from "../src/trace/load.js";
import type { Trace, YamlMap } from "../src/trace/types.js";
import { BEHAVIOUR_MUTANTS } from "../test/mutants/behaviours.js";
import { buildMutant } from "../test/mutants/load.js";

const { values } = parseArgs({
  options: {
    check: { type: "boolean" },
    write: { type: "boolean" },
    corpus: { type: "string", default: "traces" },
    // --only f: measure one behaviour; --why: print the failure that makes each trace depend on it
    // (file:line), which is what to gate with `needs:` or rewrite when a trace should stop depending.
    only: { type: "string" },
    why: { type: "boolean" },
  },
});

/** Message types every Raft has (request vote, append entries, install snapshot, and their answers). */
const CORE_MESSAGES = new Set(["MsgVote", "MsgVoteResp", "MsgPreVote", "MsgPreVoteResp", "MsgApp", "MsgAppResp", "MsgHeartbeat", "MsgHeartbeatResp", "MsgSnap"]);

export function needsEtcdMessages(trace: Trace): boolean {
  // TimeoutNow is the Raft thesis's own leadership-transfer message (§3.10): Raft's for a trace
  // whose driver must have leadership transfer anyway.
  const core = (type: string): boolean =>
    CORE_MESSAGES.has(type) || (type === "MsgTimeoutNow" && trace.features.includes("leader_transfer"));
  return trace.steps.some((s) => {
    if (s.kind !== "step") return false;
    const m = (s.args as YamlMap)["message"] as YamlMap | undefined;
    return typeof m?.["type"] === "string" && !core(m["type"]);
  });
}

const { files } = await findTraceFiles([values.corpus ?? "traces"]);
const traces = (await loadCorpus(files)).flatMap(({ result }) => (result.ok ? [result.trace] : []));

async function dependents(feature: string, driver: () => Promise<Driver>, capabilities: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const t of traces) {
    const trace = { ...t, features: t.features.filter((f) => f !== feature) };
    const d = await driver();
    try {
      const r = await runTrace(trace, d, { level: "observable", seed: 1, capabilities });
      if (r.status === "failed" || r.status === "errored") {
        out.add(t.id);
        // An invariant that fires on a correct Raft would be a checker defect, not a dependency.
        if (r.failure?.invariant !== undefined) console.log(`  ${feature}: ${t.id}: invariant ${r.failure.invariant}: ${r.failure.message.split("\n")[0] ?? ""}`);
        else if (values.why === true) console.log(`  ${feature}: ${t.id}: ${(r.failure?.message ?? r.status).split("\n").slice(0, 3).join(" | ")}`);
      }
    } finally {
      await d.close();
    }
  }
  return out;
}

const need = new Map<string, Set<string>>();
const all = [...FEATURES] as string[];
const measured = (feature: string): boolean => values.only === undefined || values.only === feature;
for (const m of BEHAVIOUR_MUTANTS) {
  if (!measured(m.feature)) continue;
  const built = buildMutant(m);
  try {
    need.set(m.feature, await dependents(m.feature, () => built.createDriver(), all.filter((f) => f !== m.feature)));
  } finally {
    built.dispose();
  }
}
for (const feature of ["campaign", "check_quorum_optional", "pre_vote_optional", "step_down_on_removal_optional"]) {
  if (!measured(feature)) continue;
  need.set(feature, await dependents(feature, () => Promise.resolve(createInProcessDriver()), all.filter((f) => f !== feature)));
}
if (measured("etcd_messages")) need.set("etcd_messages", new Set(traces.filter(needsEtcdMessages).map((t) => t.id)));

let missing = 0;
const byFile = new Map<string, string[]>();
const dropByFile = new Map<string, string[]>();
for (const [feature, ids] of need) {
  const lacking = traces.filter((t) => ids.has(t.id) && !t.features.includes(feature));
  const extra = traces.filter((t) => !ids.has(t.id) && t.features.includes(feature));
  console.log(`${feature}: ${ids.size} traces depend on it${lacking.length ? `, ${lacking.length} not tagged` : ""}${extra.length ? ` (${extra.length} tagged without measured need: ${extra.map((t) => t.id).join(", ")})` : ""}`);
  for (const t of lacking) {
    console.log(`  needs ${feature}: ${t.id}`);
    byFile.set(t.file, [...(byFile.get(t.file) ?? []), feature]);
  }
  for (const t of extra) dropByFile.set(t.file, [...(dropByFile.get(t.file) ?? []), feature]);
  missing += lacking.length + extra.length;
}
if (values.write === true) {
  for (const [file, add] of byFile) writeFileSync(file, addFeatures(readFileSync(file, "utf8"), add, file));
  for (const [file, drop] of dropByFile) writeFileSync(file, dropFeatures(readFileSync(file, "utf8"), drop));
  console.log(`tagged ${byFile.size} files, untagged ${dropByFile.size}`);
} else if (values.check === true && missing > 0) {
  console.log(`${missing} tags differ from the measurement: run npm run tags -- --write and review the diff`);
  process.exitCode = 1;
}

/** Adds names to the `features:` flow list (or block list) of a trace file, keeping everything else. */
function addFeatures(text: string, add: readonly string[], file: string): string {
  const flow = /^features: \[(.*)\]$/m.exec(text);
  if (flow !== null) {
    const names = [...(flow[1] ?? "").split(",").map((s) => s.trim()).filter((s) => s !== ""), ...add];
    return text.replace(flow[0], `features: [${names.join(", ")}]`);
  }
  const block = /^features:\n((?: {2}- .*\n)+)/m.exec(text);
  if (block !== null) return text.replace(block[0], `features:\n${block[1] ?? ""}${add.map((f) => `  - ${f}\n`).join("")}`);
  throw new Error(`${file}: no features list to add ${add.join(", ")} to`);
}

/** Removes names from the `features:` list (flow or block) of a trace file. */
function dropFeatures(text: string, drop: readonly string[]): string {
  const flow = /^features: \[(.*)\]$/m.exec(text);
  if (flow !== null) {
    const names = (flow[1] ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "" && !drop.includes(s));
    return text.replace(flow[0], `features: [${names.join(", ")}]`);
  }
  return text.split("\n").filter((l) => !drop.some((d) => l === `  - ${d}`)).join("\n");
}
