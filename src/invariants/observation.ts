// What the invariant checker sees after every harness step (research/tla.md §5.0).
// The harness builds these from driver outputs; the checker never talks to a driver.

export type NodeKey = number;

export type EntryKind = "normal" | "config" | "noop";

export interface EntryObs {
  readonly index: number;
  readonly term: number;
  readonly kind: EntryKind;
  /** Content digest (type + data); equal digests mean equal entries. */
  readonly digest: string;
  /** For config entries: does it enter a joint config, leave one, or change it simply. */
  readonly confChange?: "enter_joint" | "leave_joint" | "simple" | undefined;
}

export type RoleObs = "follower" | "precandidate" | "candidate" | "leader";

export interface ConfigObs {
  readonly voters: readonly NodeKey[];
  readonly votersOutgoing: readonly NodeKey[];
  readonly learners: readonly NodeKey[];
}

/**
 * A node's log as the harness knows it: everything the node handed out for persistence
 * (Ready.entries / snapshot, or MsgStorageAppend), with etcd's truncate-and-append semantics.
 * Views are shared, not copied per step: `written` and `truncatedAfter` say what changed.
 */
export interface LogObs {
  /** (index, term) of the snapshot the log starts after; firstIndex = snapIndex + 1. */
  readonly snapIndex: number;
  readonly snapTerm: number;
  readonly lastIndex: number;
  /** Entry at index, for snapIndex < index <= lastIndex. */
  entry(index: number): EntryObs | undefined;
}

export interface LogDelta {
  /** Set when this step cut the log: every entry above this index was dropped first. */
  readonly truncatedAfter?: number | undefined;
  /** Entries appended (possibly after a truncation) during this step, in index order. */
  readonly written: readonly EntryObs[];
  /** Set when a snapshot was installed during this step (the log restarts after it). */
  readonly snapshotInstalled?: { readonly index: number; readonly term: number } | undefined;
}

export interface NodeObs {
  readonly id: NodeKey;
  /** +1 on every restart the harness performs. */
  readonly incarnation: number;
  /** False while crashed (the fields then show the durable state). */
  readonly up: boolean;
  readonly term: number;
  /** 0 = no vote. */
  readonly vote: NodeKey;
  readonly role: RoleObs;
  /** 0 = no known leader. */
  readonly leader: NodeKey;
  readonly commit: number;
  readonly applied: number;
  readonly config: ConfigObs;
  readonly log: LogObs;
  /** Highest index acknowledged durable by the harness (optional durability checks). */
  readonly durableLastIndex: number;
  /**
   * True when the node took inputs since it last handed out a Ready: it may hold entries (or a
   * snapshot) the log view does not show yet, so `commit <= lastIndex` is not checkable now.
   */
  readonly logPending?: boolean | undefined;
}

export interface StepObs {
  /** 0-based index of the harness step. */
  readonly step: number;
  /** Every known node, after the step. */
  readonly nodes: ReadonlyMap<NodeKey, NodeObs>;
  /** Log changes of this step, per node (absent = unchanged). */
  readonly logDeltas: ReadonlyMap<NodeKey, LogDelta>;
  /** Entries newly applied in this step, per node, in order. */
  readonly applied: ReadonlyMap<NodeKey, readonly EntryObs[]>;
  /** Nodes restarted (incarnation bumped) in this step. */
  readonly restarted: readonly NodeKey[];
  /** Messages delivered (stepped into a node) in this step. */
  readonly delivered: readonly {
    readonly from: NodeKey;
    readonly to: NodeKey;
    readonly type: string;
    readonly term: number;
    /** For responses (MsgVoteResp, MsgPreVoteResp, MsgAppResp...): the reject flag, when known. */
    readonly reject?: boolean | undefined;
  }[];
  /** Logical time in ticks since the run started (per node ticks are in `ticks`). */
  readonly ticks: ReadonlyMap<NodeKey, number>;
  /** Client proposals acknowledged in this step (applied by the node that accepted them). */
  readonly acked?: readonly { readonly digest: string; readonly index: number }[] | undefined;
  /**
   * Messages the trace stepped into a node by hand (the `step` step) and the node accepted. No
   * node the harness ran sent them: the checker takes them as the environment's claims about
   * their senders (often peers it never simulates); spec/invariants.md says how each is used.
   */
  readonly injected?: readonly InjectedObs[] | undefined;
  /** `read-index` requests the nodes accepted in this step. */
  readonly readRequests?: readonly ReadRequestObs[] | undefined;
  /** Read states the nodes handed out (in Readys) during this step. */
  readonly readStates?: readonly ReadStateObs[] | undefined;
}

/** A read-only query asked of `node`; `ctx` is its request context (hex), the read's identity. */
export interface ReadRequestObs {
  readonly node: NodeKey;
  readonly ctx: string;
  /**
   * Every node ran with ReadOnlySafe when it was asked: only then does Raft promise the read is
   * linearizable (a lease-based read trusts clocks the harness does not keep in step).
   */
  readonly safe: boolean;
}

/** A ReadState: the answer to the read with context `ctx`, readable once `index` is applied. */
export interface ReadStateObs {
  readonly node: NodeKey;
  readonly index: number;
  readonly ctx: string;
}

/** A hand-made message stepped into node `to` (etcd type names, as in `delivered`). */
export interface InjectedObs {
  readonly from: NodeKey;
  readonly to: NodeKey;
  readonly type: string;
  readonly term: number;
  /** MsgApp: index and term of the entry just before `entries`. */
  readonly index?: number | undefined;
  readonly logTerm?: number | undefined;
  /** MsgApp: the entries it carries, in index order. */
  readonly entries?: readonly EntryObs[] | undefined;
  readonly commit?: number | undefined;
  /** Responses: the reject flag. */
  readonly reject?: boolean | undefined;
}

export interface Violation {
  readonly invariant: string;
  readonly message: string;
  readonly nodes: readonly NodeKey[];
}

export interface Invariant {
  readonly id: string;
  readonly name: string;
  readonly definition: string;
  readonly tla: string;
}

/** Incremental checker: feed it every step in order; it keeps the history it needs. */
export interface InvariantChecker {
  readonly invariants: readonly Invariant[];
  check(step: StepObs): readonly Violation[];
}
