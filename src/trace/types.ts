// The trace AST: a validated YAML trace with a source location on every step and expectation.

export interface Loc {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

/** NodeConfig fields as a trace spells them (snake_case), all optional. */
export interface NodeConfigYaml {
  readonly election_tick?: number;
  readonly heartbeat_tick?: number;
  readonly max_size_per_msg?: number;
  readonly max_committed_size_per_ready?: number;
  readonly max_uncommitted_entries_size?: number;
  readonly max_inflight_msgs?: number;
  readonly max_inflight_bytes?: number;
  readonly check_quorum?: boolean;
  readonly pre_vote?: boolean;
  readonly read_only_option?: "safe" | "lease_based";
  readonly disable_proposal_forwarding?: boolean;
  readonly disable_conf_change_validation?: boolean;
  readonly step_down_on_removal?: boolean;
  readonly async_storage_writes?: boolean;
}

export interface TraceSource {
  readonly repo: string;
  readonly path: string;
  readonly commit: string;
  readonly test?: string | undefined;
}

/** A YAML value as parsed (JSON data model). */
export type Yaml = null | boolean | number | string | readonly Yaml[] | { readonly [k: string]: Yaml };
export type YamlMap = { readonly [k: string]: Yaml };

export const STEP_KINDS = [
  "add-nodes", "campaign", "propose", "propose-conf-change", "tick", "tick-heartbeat", "tick-election",
  "set-randomized-election-timeout", "transfer-leadership", "forget-leader", "report-unreachable",
  "report-snapshot", "read-index", "send-snapshot", "compact", "step", "process-ready",
  "process-append-thread", "process-apply-thread", "deliver-msgs", "stabilize", "partition", "isolate",
  "heal", "cut", "duplicate", "reorder", "hold", "release", "crash", "restart", "raft-state", "raft-log", "status", "check",
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** Steps whose input the implementation may refuse: they accept `outcome:`. */
export const INPUT_STEPS: ReadonlySet<StepKind> = new Set<StepKind>([
  "campaign", "propose", "propose-conf-change", "transfer-leadership", "forget-leader",
  "report-unreachable", "report-snapshot", "read-index", "step",
]);

/**
 * Steps that never produce output events: an `expect:` on them could assert nothing, so it is a
 * validation error (it usually means the events were meant for the next step).
 */
export const NO_EVENT_STEPS: ReadonlySet<StepKind> = new Set<StepKind>([
  "add-nodes", "tick", "tick-heartbeat", "tick-election", "set-randomized-election-timeout", "partition",
  "isolate", "heal", "cut", "duplicate", "reorder", "hold", "release", "crash", "restart", "check",
]);

/**
 * The behaviour capabilities of spec/protocol.md §5.1: what etcd-io/raft does that another correct
 * Raft may not. A step's `needs:` names only these (src/harness/run.ts gates its assertions on them).
 */
export const BEHAVIOURS = [
  "campaign", "empty_entry_on_election", "commit_broadcast", "proposal_forwarding", "durable_commit",
  "etcd_messages", "check_quorum_optional", "pre_vote_optional", "step_down_on_removal_optional", "step_down_on_lost_vote",
  "conf_change_noop", "transfer_replaces_pending", "prevote_respects_vote",
  "vote_while_leader_known", "prevote_learns_term", "vote_as_non_voter",
  "matching_snapshot_commits", "append_during_snapshot", "config_on_apply",
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export interface Step {
  /** 0-based position in `steps`. */
  readonly index: number;
  readonly kind: StepKind;
  /** The value under the step key, schema-validated. */
  readonly args: Yaml;
  readonly loc: Loc;
  /** Exact output events, with the location of each event. */
  readonly expect?: { readonly events: readonly Yaml[]; readonly locs: readonly Loc[]; readonly loc: Loc } | undefined;
  readonly outcome?: "accepted" | "rejected" | undefined;
  /** Observable message assertions (src/trace/sent.ts): each must match a message the step sent. */
  readonly sent?: { readonly messages: readonly YamlMap[]; readonly loc: Loc } | undefined;
  /**
   * Behaviours the step's observable assertions (`check`, `outcome`, `sent`) depend on: with a
   * driver lacking one of them they are not checked (the step itself still runs; `expect:` is not
   * affected).
   */
  readonly needs?: { readonly behaviours: readonly Behaviour[]; readonly loc: Loc } | undefined;
  /**
   * Behaviours this step stands in for: it runs only with a driver lacking one of them (a set-up
   * step giving a Raft without the behaviour the state it gives etcd), and is passed over otherwise.
   */
  readonly standsInFor?: { readonly behaviours: readonly Behaviour[]; readonly loc: Loc } | undefined;
  readonly comment?: string | undefined;
}

export interface Trace {
  readonly id: string;
  readonly file: string;
  readonly description: string;
  readonly source?: TraceSource | undefined;
  readonly features: readonly string[];
  readonly notes?: string | undefined;
  readonly seed?: number | undefined;
  readonly defaults: NodeConfigYaml;
  readonly steps: readonly Step[];
  readonly idLoc: Loc;
}
