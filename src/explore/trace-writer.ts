// Writes what exploration found as a trace file (spec/trace-format.md): the steps that ran, the
// seed that generated them, and provenance naming the seed, the tool's commit and the invariant.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { Document, isMap, isScalar, isSeq, type Node } from "yaml";
import type { Feature } from "../driver/types.js";
import { EXPLORE_REPO } from "../invariants/index.js";
import type { NodeConfigYaml, Yaml, YamlMap } from "../trace/types.js";
import { DIVERGENCE } from "./differential.js";
import type { Violation } from "./executor.js";
import type { PlannedStep } from "./plan.js";

/** The features a list of steps needs under the given defaults. */
export function stepFeatures(defaults: NodeConfigYaml, steps: readonly PlannedStep[]): Feature[] {
  const f = new Set<Feature>(["election", "replication"]);
  if (defaults.pre_vote === true) f.add("prevote");
  if (defaults.check_quorum === true) f.add("check_quorum");
  if (defaults.async_storage_writes === true) f.add("async_storage_writes");
  for (const s of steps) {
    const a = (s.args !== null && typeof s.args === "object" && !Array.isArray(s.args) ? s.args : {}) as YamlMap;
    switch (s.kind) {
      case "add-nodes":
        if (Array.isArray(a["learners"])) f.add("learners");
        break;
      case "propose-conf-change": {
        const changes = String(a["changes"] ?? "").split(" ").filter((c) => c !== "");
        f.add(a["v1"] === true ? "conf_change_v1" : "conf_change_v2");
        if (changes.length !== 1 || a["transition"] === "explicit") f.add("joint_consensus");
        if (changes.some((c) => c.startsWith("l"))) f.add("learners");
        break;
      }
      case "read-index":
        f.add(defaults.read_only_option === "lease_based" ? "read_index_lease" : "read_index_safe");
        break;
      case "transfer-leadership":
        f.add("leader_transfer");
        break;
      case "compact":
        f.add("compaction");
        f.add("snapshots");
        break;
      case "send-snapshot":
        f.add("snapshots");
        break;
      case "set-randomized-election-timeout":
        f.add("pin_election_timeout");
        break;
      default:
        break;
    }
  }
  return [...f].sort();
}

let commitCache: string | undefined;

/**
 * The tool's git commit (40 hex, what the schema's `source.commit` accepts), or 40 zeros when the
 * tool does not run from a git checkout; the version is always in `notes`.
 */
export function toolCommit(root: string): string {
  if (commitCache !== undefined) return commitCache;
  try {
    const out = execFileSync("git", ["-C", root, "rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    commitCache = /^[0-9a-f]{40}$/.test(out) ? out : "0".repeat(40);
  } catch {
    commitCache = "0".repeat(40);
  }
  return commitCache;
}

/** The id group a trace written to `outDir` must use: the directory right under traces/, if any. */
export function idGroup(outDir: string): string {
  const parts = path.resolve(outDir).split(path.sep);
  const i = parts.lastIndexOf("traces");
  const g = i >= 0 ? parts[i + 1] : undefined;
  return g !== undefined && g !== "" ? g : "regressions";
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "") || "x";
}

export interface TraceInfo {
  readonly seed: number;
  readonly violation: Violation;
  readonly defaults: NodeConfigYaml;
  readonly steps: readonly PlannedStep[];
  readonly tool: { readonly version: string; readonly commit: string };
  readonly driver: string;
  readonly outDir: string;
  /** Optional label for the file name and id (e.g. the mutant explored). */
  readonly label?: string | undefined;
  /** Invariants the exploration did not judge (the driver's known findings). */
  readonly notJudged?: readonly string[] | undefined;
}

export function traceFileName(t: TraceInfo): string {
  const base = `${t.label !== undefined ? `${slug(t.label)}-` : ""}${slug(t.violation.invariant)}-seed-${t.seed}`;
  return `${base}.yaml`;
}

/** The trace document as YAML text, in the corpus's style (small maps inline). */
export function traceText(t: TraceInfo): string {
  const name = traceFileName(t).replace(/\.yaml$/, "");
  const doc: Record<string, Yaml> = {
    id: `${idGroup(t.outDir)}/${name}`,
    description:
      `Found by raft-conformance explore (seed ${t.seed}, driver ${t.driver}) and shrunk to a minimal schedule; ` +
      (t.violation.invariant === DIVERGENCE
        ? `the drivers diverge, and the trace asserts what the first did: ${t.violation.message}`
        : `${t.violation.invariant} fails: ${t.violation.message}`),
    source: { repo: EXPLORE_REPO, path: `seed/${t.seed}`, commit: t.tool.commit, test: t.violation.invariant },
    features: stepFeatures(t.defaults, t.steps),
    notes: `raft-conformance ${t.tool.version}${t.label !== undefined ? `; found on ${t.label}` : ""}; replay: raft-conformance run <this file>${notJudgedNote(t.notJudged ?? [])}`,
    seed: t.seed,
    ...(Object.keys(t.defaults).length > 0 ? { defaults: t.defaults as YamlMap } : {}),
    steps: t.steps.map((s) => ({
      [s.kind]: s.args,
      ...(s.outcome !== undefined ? { outcome: s.outcome } : {}),
      ...(s.expect !== undefined ? { expect: [...s.expect] } : {}),
    })),
  };
  const d = new Document(doc, { aliasDuplicateObjects: false });
  // Small maps inline from depth 2 on. A step with assertions stays a block, and so does its
  // `expect` list, whose events are inline, one per line.
  const flow = (node: Node | null | undefined, depth: number, block = false): void => {
    if (isMap(node)) {
      const asserted = depth === 2 && node.items.length > 1;
      if (depth >= 2 && !asserted && !block) node.flow = true;
      for (const p of node.items) flow(p.value as Node, depth + 1, asserted && isScalar(p.key) && p.key.value === "expect");
    } else if (isSeq(node)) {
      if (depth >= 2 && !block) node.flow = true;
      for (const item of node.items) flow(item as Node, depth + 1);
    }
  };
  flow(d.contents as Node, 0);
  return d.toString({ lineWidth: 0 });
}

/** Why `run` may stop earlier than the exploration did: the known findings it judges again. */
function notJudgedNote(ids: readonly string[]): string {
  if (ids.length === 0) return "";
  return `; explored with ${ids.join(", ")} not judged (the driver's baseline lists them as known findings), so run may stop earlier at one of them`;
}
