// Checks the schema cannot express: node ids against the nodes that exist at each step, step order,
// where `outcome:` is allowed, conf-change shapes, and the id / path / provenance conventions.
import path from "node:path";
import type { TraceError } from "./errors.js";
import { INPUT_STEPS, NO_EVENT_STEPS, type Loc, type Step, type Trace, type Yaml, type YamlMap } from "./types.js";

export function semanticErrors(trace: Trace): TraceError[] {
  const errs: TraceError[] = [];
  const err = (loc: Loc, message: string): void => {
    errs.push({ file: loc.file, line: loc.line, column: loc.column, message });
  };
  checkConventions(trace, err);
  let nodes = 0;
  for (const step of trace.steps) {
    const name = `step ${step.index} (${step.kind})`;
    if (nodes === 0 && step.kind !== "add-nodes") {
      err(step.loc, `${name} comes before any add-nodes: there is no node yet`);
      continue;
    }
    if (step.outcome !== undefined && !INPUT_STEPS.has(step.kind)) {
      err(step.loc, `${name}: 'outcome' is only allowed on input steps (${[...INPUT_STEPS].join(", ")})`);
    }
    for (const id of referencedNodes(step)) {
      if (id > nodes) err(step.loc, `${name} refers to node ${id}, but only nodes 1..${nodes} exist at this point${tickHint(step)}`);
    }
    if (step.needs !== undefined && step.kind !== "check" && step.outcome === undefined && step.sent === undefined) {
      err(step.needs.loc, `${name}: 'needs' gates a step's observable assertions (a check step, 'outcome', 'sent'), and this step has none; remove it (an 'expect:' block is checked only under etcd's message model and is not gated)`);
    }
    if (step.standsInFor !== undefined) {
      // A stand-in runs only where the driver lacks the behaviour: never under etcd's message model
      // with every behaviour, so an expectation on it could not be checked; and the nodes that
      // exist must not depend on the driver.
      if (step.expect !== undefined) err(step.expect.loc, `${name}: a step that stands in for a behaviour runs only with a driver lacking it, where 'expect' is not checked; remove the expect block`);
      if (step.kind === "add-nodes") err(step.standsInFor.loc, `${name}: add-nodes cannot stand in for a behaviour: which nodes exist must not depend on the driver`);
    }
    if (step.expect !== undefined && NO_EVENT_STEPS.has(step.kind)) {
      err(step.expect.loc, `${name}: 'expect' is not allowed here: a ${step.kind} step never produces events, so the expectation could not fail; remove it (or attach it to the step that produces the events)`);
    }
    if (step.kind === "propose-conf-change") {
      const a = step.args as YamlMap;
      const changes = String(a["changes"]).trim().split(/\s+/).filter((s) => s !== "");
      if (a["v1"] === true && (changes.length !== 1 || (a["transition"] !== undefined && a["transition"] !== "auto"))) {
        err(step.loc, `${name}: a v1 conf change carries exactly one change and no transition`);
      }
    }
    if (step.kind === "check") {
      const a = step.args as YamlMap;
      if (a["progress"] !== undefined && !trace.features.includes("progress_status")) {
        err(step.loc, `${name}: a check of 'progress' needs the progress_status feature; add it to the trace's features`);
      }
      if (a["log"] !== undefined && a["last_index"] === undefined && Array.isArray(a["log"]) === false && typeof a["log"] !== "object") {
        err(step.loc, `${name}: log must be a list of entries or {prefix: [...]}`);
      }
    }
    if (step.expect !== undefined) {
      step.expect.events.forEach((ev, i) => {
        const node = eventNode(ev);
        const loc = step.expect?.locs[i] ?? step.loc;
        if (node !== undefined && node > nodes + addedBy(step)) err(loc, `${name}: expected event names node ${node}, which does not exist`);
      });
    }
    nodes += addedBy(step);
  }
  return errs;
}

/** `tick-election: 5` reads like "tick five times"; say what the value means. */
function tickHint(step: Step): string {
  if ((step.kind !== "tick-election" && step.kind !== "tick-heartbeat") || typeof step.args !== "number") return "";
  return ` (${step.kind} takes the id of the node to tick, not a count; to tick node N K times its interval write '${step.kind}: {node: N, times: K}')`;
}

function addedBy(step: Step): number {
  return step.kind === "add-nodes" ? Number((step.args as YamlMap)["count"]) : 0;
}

function checkConventions(trace: Trace, err: (loc: Loc, message: string) => void): void {
  const rel = underTraces(trace.file);
  if (rel === undefined) return;
  const group = rel.split("/")[0] ?? "";
  const idGroup = trace.id.split("/")[0] ?? "";
  if (group !== "" && rel.includes("/") && idGroup !== group) {
    err(trace.idLoc, `id '${trace.id}' must start with '${group}/' because the file lives under traces/${group}/`);
  }
  if (group === "etcd" && trace.source === undefined) {
    err(trace.idLoc, "traces under traces/etcd/ need 'source' (repo, path, commit and, for Go tests, test)");
  }
  if (group !== "etcd" && group !== "raft-rs" && trace.source !== undefined && trace.source.repo === "etcd-io/raft" && rel.includes("/")) {
    err(trace.idLoc, `a trace ported from etcd-io/raft belongs under traces/etcd/, not traces/${group}/`);
  }
}

/** Path of the file relative to the nearest enclosing `traces/` directory, or undefined. */
function underTraces(file: string): string | undefined {
  const parts = path.resolve(file).split(path.sep);
  const i = parts.lastIndexOf("traces");
  if (i < 0) return undefined;
  return parts.slice(i + 1).join("/");
}

function ids(v: Yaml | undefined): number[] {
  if (typeof v === "number") return [v];
  if (Array.isArray(v)) return v.filter((x): x is number => typeof x === "number");
  return [];
}

/** Node ids a step refers to as existing nodes (add-nodes' voters may name nodes added later). */
export function referencedNodes(step: Step): number[] {
  const a = step.args;
  const m = (a !== null && typeof a === "object" && !Array.isArray(a) ? a : {}) as YamlMap;
  switch (step.kind) {
    case "add-nodes":
    case "heal":
    case "raft-state":
      return [];
    case "tick-heartbeat":
    case "tick-election":
      return typeof a === "number" ? [a] : [...ids(m["node"]), ...ids(m["nodes"])];
    case "campaign":
    case "forget-leader":
    case "isolate":
    case "crash":
    case "raft-log":
    case "status":
    case "process-ready":
    case "process-append-thread":
    case "process-apply-thread":
    case "stabilize":
      return Array.isArray(a) ? ids(a) : typeof a === "number" ? [a] : ids(m["nodes"]);
    case "partition":
      return (a as Yaml[]).flatMap((g) => ids(g));
    case "deliver-msgs":
      // etcd lets a test drop messages queued for a node it has not added yet.
      if (m["drop"] === true) return ids(m["from"]);
      return typeof a === "number" || Array.isArray(a) ? ids(a) : [...ids(m["to"]), ...ids(m["from"])];
    case "duplicate":
    case "reorder":
    case "hold":
    case "release":
      return [...ids(m["to"]), ...ids(m["from"])];
    case "transfer-leadership":
      // The target may be a non-member: etcd's leader ignores such a transfer, and tests say so.
      return ids(m["from"]);
    case "send-snapshot":
    case "cut":
      return [...ids(m["from"]), ...ids(m["to"])];
    case "report-unreachable":
    case "report-snapshot":
      return [...ids(m["node"]), ...ids(m["peer"])];
    case "tick":
    case "check":
      return [...ids(m["node"]), ...ids(m["nodes"])];
    case "step": {
      const msg = m["message"] as YamlMap;
      return [...ids(m["node"]), ...ids(msg["from"]), ...ids(msg["to"])].filter((x) => x > 0);
    }
    default:
      return ids(m["node"]);
  }
}

function eventNode(ev: Yaml): number | undefined {
  if (ev === null || typeof ev !== "object" || Array.isArray(ev)) return undefined;
  for (const v of Object.values(ev)) {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const n = (v as YamlMap)["node"];
      if (typeof n === "number") return n;
    }
  }
  return undefined;
}
