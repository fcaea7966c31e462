// A schedule: the cluster shape, the node configuration and a list of operations. fast-check
// generates and shrinks schedules; plan.ts turns one into trace steps.
//
// Operations name nodes by small integers that are mapped onto the cluster modulo its size, so a
// schedule stays meaningful when shrinking removes nodes, and any subsequence of operations is
// still a valid schedule (an operation that makes no sense in the state at hand is skipped).
import fc from "fast-check";
import type { Feature } from "../driver/types.js";

export type MsgKind = "any" | "MsgApp" | "MsgAppResp" | "MsgVote" | "MsgVoteResp" | "MsgPreVote" | "MsgPreVoteResp" | "MsgHeartbeat" | "MsgHeartbeatResp" | "MsgSnap";

export type Op =
  | { readonly op: "propose"; readonly node: number; readonly data: number }
  | { readonly op: "tick"; readonly node: number; readonly count: number }
  | { readonly op: "tick-all"; readonly count: number }
  | { readonly op: "campaign"; readonly node: number }
  | { readonly op: "stabilize" }
  | { readonly op: "stabilize-some"; readonly nodes: number }
  | { readonly op: "process-ready"; readonly node: number }
  | { readonly op: "deliver"; readonly to: number; readonly type: MsgKind }
  | { readonly op: "drop"; readonly to: number; readonly type: MsgKind }
  | { readonly op: "duplicate"; readonly to: number }
  | { readonly op: "reorder"; readonly to: number }
  | { readonly op: "partition"; readonly mask: number }
  | { readonly op: "isolate"; readonly node: number }
  | { readonly op: "cut"; readonly from: number; readonly to: number }
  | { readonly op: "heal" }
  | { readonly op: "crash"; readonly node: number }
  | { readonly op: "restart"; readonly node: number }
  | { readonly op: "append-thread"; readonly node: number }
  | { readonly op: "apply-thread"; readonly node: number }
  | { readonly op: "conf-change"; readonly node: number; readonly changes: readonly ConfOp[]; readonly explicit: boolean; readonly v1?: boolean }
  | { readonly op: "leave-joint"; readonly node: number }
  | { readonly op: "read-index"; readonly node: number }
  | { readonly op: "transfer"; readonly from: number; readonly to: number }
  | { readonly op: "compact"; readonly node: number }
  | { readonly op: "send-snapshot"; readonly from: number; readonly to: number };

/** One change of a conf change: add voter, add learner or remove, on a node chosen modulo the size. */
export interface ConfOp {
  readonly kind: "v" | "l" | "r";
  readonly node: number;
}

export interface Schedule {
  /** Cluster size, 1..7. */
  readonly nodes: number;
  /**
   * Initial voters 1..voters (1..nodes: a single voter too, where a leader commits on its own
   * durable write); then `learners` learners; the rest start outside the config.
   */
  readonly voters: number;
  readonly learners: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** Lease-based reads (only together with checkQuorum, which etcd requires). */
  readonly leaseReads: boolean;
  readonly asyncStorage: boolean;
  readonly ops: readonly Op[];
}

/** What the generator may use: the driver's capabilities decide which operations exist. */
export interface GenOptions {
  readonly capabilities: ReadonlySet<Feature>;
  /** Maximum number of operations per schedule. */
  readonly maxOps: number;
}

const MSG_KINDS: readonly MsgKind[] = ["any", "any", "any", "MsgApp", "MsgAppResp", "MsgVote", "MsgVoteResp", "MsgPreVote", "MsgPreVoteResp", "MsgHeartbeat", "MsgHeartbeatResp", "MsgSnap"];

export function scheduleArbitrary(g: GenOptions): fc.Arbitrary<Schedule> {
  const has = (f: Feature): boolean => g.capabilities.has(f);
  const node = fc.integer({ min: 0, max: 6 });
  const msgKind = fc.constantFrom(...MSG_KINDS);
  const weighted: { arbitrary: fc.Arbitrary<Op>; weight: number }[] = [
    { weight: 8, arbitrary: fc.record({ op: fc.constant("propose" as const), node, data: fc.integer({ min: 0, max: 999 }) }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant("tick" as const), node, count: fc.integer({ min: 1, max: 8 }) }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant("tick-all" as const), count: fc.integer({ min: 1, max: 6 }) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("campaign" as const), node }) },
    { weight: 8, arbitrary: fc.constant({ op: "stabilize" as const }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant("stabilize-some" as const), nodes: fc.integer({ min: 1, max: 126 }) }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant("process-ready" as const), node }) },
    { weight: 8, arbitrary: fc.record({ op: fc.constant("deliver" as const), to: node, type: msgKind }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("drop" as const), to: node, type: msgKind }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("duplicate" as const), to: node }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("reorder" as const), to: node }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("partition" as const), mask: fc.integer({ min: 1, max: 126 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("isolate" as const), node }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("cut" as const), from: node, to: node }) },
    { weight: 3, arbitrary: fc.constant({ op: "heal" as const }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("crash" as const), node }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("restart" as const), node }) },
  ];
  if (has("async_storage_writes")) {
    weighted.push(
      { weight: 4, arbitrary: fc.record({ op: fc.constant("append-thread" as const), node }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant("apply-thread" as const), node }) },
    );
  }
  if (has("conf_change_v2") || has("conf_change_v1")) {
    const kinds = has("learners") ? (["v", "l", "r"] as const) : (["v", "r"] as const);
    const change = fc.record({ kind: fc.constantFrom(...kinds), node });
    // A driver with only version-1 conf changes gets one change at a time, as a ConfChange.
    const v1 = !has("conf_change_v2");
    const joint = has("joint_consensus") && !v1;
    const fields = {
      op: fc.constant("conf-change" as const),
      node,
      changes: fc.array(change, { minLength: 1, maxLength: joint ? 2 : 1 }),
      explicit: joint ? fc.boolean() : fc.constant(false),
    };
    weighted.push({ weight: 2, arbitrary: v1 ? fc.record({ ...fields, v1: fc.constant(true) }) : fc.record(fields) });
    if (joint) weighted.push({ weight: 1, arbitrary: fc.record({ op: fc.constant("leave-joint" as const), node }) });
  }
  if (has("read_index_safe")) {
    weighted.push({ weight: 3, arbitrary: fc.record({ op: fc.constant("read-index" as const), node }) });
  }
  if (has("leader_transfer")) weighted.push({ weight: 1, arbitrary: fc.record({ op: fc.constant("transfer" as const), from: node, to: node }) });
  if (has("compaction")) weighted.push({ weight: 2, arbitrary: fc.record({ op: fc.constant("compact" as const), node }) });
  if (has("snapshots")) weighted.push({ weight: 1, arbitrary: fc.record({ op: fc.constant("send-snapshot" as const), from: node, to: node }) });

  return fc
    .record({
      nodes: fc.integer({ min: 1, max: 7 }),
      extraVoters: fc.integer({ min: 0, max: 6 }),
      learners: has("learners") ? fc.integer({ min: 0, max: 2 }) : fc.constant(0),
      preVote: has("prevote") ? fc.boolean() : fc.constant(false),
      checkQuorum: has("check_quorum") ? fc.boolean() : fc.constant(false),
      lease: has("read_index_lease") ? fc.boolean() : fc.constant(false),
      asyncStorage: has("async_storage_writes") ? fc.boolean() : fc.constant(false),
      ops: fc.array(fc.oneof(...weighted), { minLength: 1, maxLength: Math.max(1, g.maxOps), size: "max" }),
    })
    .map(({ nodes, extraVoters, learners, preVote, checkQuorum, lease, asyncStorage, ops }): Schedule => {
      const voters = Math.min(nodes, 1 + extraVoters);
      return {
        nodes,
        voters,
        learners: Math.min(learners, nodes - voters),
        preVote,
        checkQuorum: checkQuorum || lease,
        // etcd refuses lease-based reads without CheckQuorum, so the one implies the other.
        leaseReads: lease && has("check_quorum"),
        asyncStorage,
        ops,
      };
    });
}
