// Turns a schedule's operations into trace steps. A step is chosen from the state the run is in
// (which nodes are up, who leads, what is applied), so every emitted step is valid where it
// stands; an operation that has no valid form there emits nothing.
import type { StepKind, Yaml, YamlMap } from "../trace/types.js";
import type { NodeConfigYaml } from "../trace/types.js";
import type { ConfOp, Op, Schedule } from "./schedule.js";

/** One emitted step: its kind and the value under the step key. */
export interface PlannedStep {
  readonly kind: StepKind;
  readonly args: Yaml;
  /** What the written trace asserts about the step (differential exploration's finding). */
  readonly outcome?: "accepted" | "rejected" | undefined;
  readonly expect?: readonly Yaml[] | undefined;
}

/** What the planner may ask about the running cluster. */
export interface ClusterView {
  isUp(id: number): boolean;
  /** The running node that believes it leads at the highest term, if any. */
  leader(): number | undefined;
  /** The highest index that may be compacted on the node (applied and durable), or undefined. */
  compactable(id: number): number | undefined;
  /**
   * Whether the node's next apply work holds a conf change that a snapshot stepped into it since
   * its last Ready may cover: the harness refuses to apply it before that Ready (etcd-io/etcd#11510).
   */
  applyNeedsReady(id: number): boolean;
}

export function nodeId(s: Schedule, n: number): number {
  return (n % s.nodes) + 1;
}

function ids(s: Schedule, mask: number): number[] {
  const out: number[] = [];
  for (let id = 1; id <= s.nodes; id++) if ((mask >> (id - 1)) & 1) out.push(id);
  return out;
}

function repeat(n: number, p: PlannedStep): PlannedStep[] {
  return Array.from({ length: n }, () => p);
}

export function scheduleDefaults(s: Schedule): NodeConfigYaml {
  return {
    ...(s.preVote ? { pre_vote: true } : {}),
    ...(s.checkQuorum ? { check_quorum: true } : {}),
    ...(s.leaseReads ? { read_only_option: "lease_based" as const } : {}),
    ...(s.asyncStorage ? { async_storage_writes: true } : {}),
  };
}

/** The add-nodes step every schedule starts with: all nodes boot from a snapshot at index 2. */
export function setupStep(s: Schedule): PlannedStep {
  const voters = Array.from({ length: s.voters }, (_, i) => i + 1);
  const learners = Array.from({ length: s.learners }, (_, i) => s.voters + i + 1);
  const args: YamlMap = { count: s.nodes, voters, ...(learners.length > 0 ? { learners } : {}), index: 2 };
  return { kind: "add-nodes", args };
}

/**
 * Conf changes keep node 1 a voter (it is never removed or demoted), so no sequence of changes
 * can empty the configuration; each change names a distinct node.
 */
function confChanges(s: Schedule, changes: readonly ConfOp[]): string {
  const seen = new Set<number>();
  const out: string[] = [];
  for (const c of changes) {
    const id = nodeId(s, c.node);
    if (seen.has(id) || (id === 1 && c.kind !== "v")) continue;
    seen.add(id);
    out.push(`${c.kind}${id}`);
  }
  return out.join(" ");
}

/** The steps for one operation (operation `k` of the schedule) in the cluster's current state. */
export function stepsFor(s: Schedule, op: Op, k: number, view: ClusterView): PlannedStep[] {
  const up = (n: number): number | undefined => {
    const id = nodeId(s, n);
    return view.isUp(id) ? id : undefined;
  };
  const upIds = (): number[] => Array.from({ length: s.nodes }, (_, i) => i + 1).filter((id) => view.isUp(id));
  switch (op.op) {
    case "propose": {
      const id = up(op.node);
      return id === undefined ? [] : [{ kind: "propose", args: { node: id, data: `p${k}.${op.data}` } }];
    }
    // One step per tick: the checker compares states between steps, and several ticks in one
    // step may legitimately pass through a role (leader → follower → candidate) it never sees.
    case "tick": {
      const id = up(op.node);
      return id === undefined ? [] : repeat(op.count, { kind: "tick", args: { node: id } });
    }
    case "tick-all": {
      const all = upIds();
      return all.length === 0 ? [] : repeat(op.count, { kind: "tick", args: { nodes: all } });
    }
    case "campaign": {
      const id = up(op.node);
      return id === undefined ? [] : [{ kind: "campaign", args: id }];
    }
    case "stabilize":
      return [{ kind: "stabilize", args: {} }];
    case "stabilize-some": {
      const some = ids(s, op.nodes);
      return some.length === 0 ? [] : [{ kind: "stabilize", args: some }];
    }
    case "process-ready": {
      const id = up(op.node);
      return id === undefined ? [] : [{ kind: "process-ready", args: id }];
    }
    case "deliver":
    case "drop": {
      const to = nodeId(s, op.to);
      const args: YamlMap = {
        to,
        ...(op.type === "any" ? {} : { type: op.type }),
        ...(op.op === "drop" ? { drop: true } : {}),
      };
      return [{ kind: "deliver-msgs", args }];
    }
    case "duplicate":
      return [{ kind: "duplicate", args: { to: nodeId(s, op.to) } }];
    case "reorder":
      return [{ kind: "reorder", args: { to: nodeId(s, op.to) } }];
    case "partition": {
      const a = ids(s, op.mask);
      const b = Array.from({ length: s.nodes }, (_, i) => i + 1).filter((id) => !a.includes(id));
      return a.length === 0 || b.length === 0 ? [] : [{ kind: "partition", args: [a, b] }];
    }
    case "isolate":
      return [{ kind: "isolate", args: nodeId(s, op.node) }];
    case "cut": {
      const from = nodeId(s, op.from);
      const to = nodeId(s, op.to);
      return from === to ? [] : [{ kind: "cut", args: { from, to } }];
    }
    case "heal":
      return [{ kind: "heal", args: {} }];
    case "crash": {
      const id = up(op.node);
      return id === undefined ? [] : [{ kind: "crash", args: id }];
    }
    case "restart":
      return [{ kind: "restart", args: { node: nodeId(s, op.node) } }];
    case "append-thread":
    case "apply-thread": {
      const id = up(op.node);
      if (id === undefined || !s.asyncStorage) return [];
      if (op.op === "append-thread") return [{ kind: "process-append-thread", args: id }];
      // As an application must: learn from the Ready whether a snapshot replaced the config first.
      const ready: PlannedStep[] = view.applyNeedsReady(id) ? [{ kind: "process-ready", args: id }] : [];
      return [...ready, { kind: "process-apply-thread", args: id }];
    }
    case "conf-change": {
      const id = up(op.node);
      const changes = confChanges(s, op.changes);
      if (id === undefined || changes === "") return [];
      return [{ kind: "propose-conf-change", args: { node: id, changes, ...(op.v1 === true ? { v1: true } : {}), ...(op.explicit ? { transition: "explicit" } : {}) } }];
    }
    case "leave-joint": {
      const id = up(op.node);
      return id === undefined ? [] : [{ kind: "propose-conf-change", args: { node: id, changes: "" } }];
    }
    case "read-index": {
      const id = up(op.node);
      return id === undefined ? [] : [{ kind: "read-index", args: { node: id, ctx: `r${k}` } }];
    }
    case "transfer": {
      const from = up(op.from);
      const to = nodeId(s, op.to);
      return from === undefined ? [] : [{ kind: "transfer-leadership", args: { from, to } }];
    }
    case "compact": {
      const id = nodeId(s, op.node);
      const index = view.compactable(id);
      return index === undefined ? [] : [{ kind: "compact", args: { node: id, index } }];
    }
    case "send-snapshot": {
      // Only a leader sends snapshots; one from anyone else would impersonate a leader.
      const from = view.leader();
      const to = nodeId(s, op.to);
      if (from === undefined || from === to) return [];
      return [{ kind: "send-snapshot", args: { from, to } }];
    }
  }
}
