// The Driver interface: the only way the harness talks to an implementation (ours included).
//
// The message model (Message, Entry, Ready, ...) is the one value vocabulary shared by the core,
// the harness and the wire protocol, so it is declared once in core/types.ts and re-exported here
// as types only: nothing at run time flows from core/ into the harness except through a driver.
import type {
  ConfChange,
  Config,
  ConfState,
  Entry,
  HardState,
  Index,
  Message,
  NodeId,
  Ready,
  Snapshot,
  Status,
} from "../core/types.js";

export type {
  ConfChange,
  ConfChangeSingle,
  ConfChangeTransition,
  ConfChangeType,
  ConfChangeV1,
  ConfChangeV2,
  ConfState,
  Entry,
  EntryType,
  HardState,
  Index,
  Message,
  MessageType,
  NodeId,
  ProgressStateType,
  ProgressStatus,
  ReadOnlyOption,
  Ready,
  ReadState,
  Snapshot,
  SoftState,
  StateType,
  Status,
  Term,
} from "../core/types.js";

/**
 * Capabilities a driver may declare in its handshake; a trace lists the ones it needs in
 * `features`, and a trace needing one the driver lacks is skipped with that reason.
 */
export const FEATURES = [
  "election",
  "replication",
  "fast_log_rejection",
  "prevote",
  "check_quorum",
  "read_index_safe",
  "read_index_lease",
  "leader_transfer",
  "forget_leader",
  "conf_change_v1",
  "conf_change_v2",
  "joint_consensus",
  "learners",
  "step_down_on_removal",
  "disable_conf_change_validation",
  "disable_proposal_forwarding",
  "snapshots",
  "compaction",
  "async_storage_writes",
  "pin_election_timeout",
  "progress_status",
  "report_unreachable",
  "report_snapshot",
  "flow_control",
  "uncommitted_size_limit",
  "committed_size_per_ready",
  // Behaviours rather than options (spec/protocol.md §5.1): etcd-io/raft has each of them, other
  // correct Raft libraries may not. A trace lists one when its assertions depend on it.
  "campaign",
  "empty_entry_on_election",
  "commit_broadcast",
  "proposal_forwarding",
  "durable_commit",
  "etcd_messages",
  "check_quorum_optional",
  "pre_vote_optional",
  "step_down_on_removal_optional",
  "step_down_on_lost_vote",
  "conf_change_noop",
  "transfer_replaces_pending",
  "prevote_respects_vote",
  "vote_while_leader_known",
  "prevote_learns_term",
  "vote_as_non_voter",
  "matching_snapshot_commits",
  "append_during_snapshot",
  "config_on_apply",
] as const;
export type Feature = (typeof FEATURES)[number];

export type MessageModel = "etcd" | "generic";

export interface DriverInfo {
  readonly protocolVersion: number;
  readonly implementation: {
    readonly name: string;
    readonly version: string;
    readonly language: string;
    readonly url?: string;
  };
  readonly messageModel: MessageModel;
  readonly capabilities: readonly Feature[];
}

/**
 * Per-node configuration the harness passes at create/restart: etcd's raft.Config minus id and
 * storage, every field given, plus the seed of the node's randomized election timeout.
 */
export type NodeConfig = Readonly<Required<Omit<Config, "id" | "randomizedElectionTimeout">>> & {
  /** Seed for this node's randomized election timeout (derived from the run's seed). */
  readonly seed: number;
};

/** The durable state the harness owns and hands to a node when it (re)starts. */
export interface DurableState {
  readonly hardState: HardState;
  readonly snapshot?: Snapshot | undefined;
  /** Entries after the snapshot, contiguous. */
  readonly entries: readonly Entry[];
}

/** Outcome of an input the implementation may refuse (etcd returns an error value). */
export type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** What applying committed entries produced: the ConfState after each conf-change entry. */
export interface Applied {
  readonly confStates: readonly { readonly index: Index; readonly confState: ConfState }[];
}

/**
 * A Ready taken with its advance (`readyAdvance`): `advance` is there exactly when `ready` is not
 * null, and is what `advance` alone would have answered (a refusal is a DriverError with code
 * `rejected`, §6.3).
 */
export interface ReadyAdvanced {
  readonly ready: Ready | null;
  readonly advance?: { readonly ok: true; readonly applied: Applied } | { readonly ok: false; readonly error: DriverError } | undefined;
}

export interface Driver {
  hello(): Promise<DriverInfo>;
  /** Drop every node (between traces). */
  reset(): Promise<void>;
  create(node: NodeId, config: NodeConfig, storage: DurableState): Promise<void>;
  /** Drop the in-memory node; the harness keeps its durable state. */
  crash(node: NodeId): Promise<void>;

  tick(node: NodeId): Promise<void>;
  step(node: NodeId, msg: Message): Promise<Outcome>;
  campaign(node: NodeId): Promise<Outcome>;
  propose(node: NodeId, data: Uint8Array): Promise<Outcome>;
  proposeConfChange(node: NodeId, cc: ConfChange): Promise<Outcome>;
  readIndex(node: NodeId, ctx: Uint8Array): Promise<Outcome>;
  transferLeader(node: NodeId, to: NodeId): Promise<Outcome>;
  forgetLeader(node: NodeId): Promise<Outcome>;
  reportUnreachable(node: NodeId, peer: NodeId): Promise<Outcome>;
  reportSnapshot(node: NodeId, peer: NodeId, failed: boolean): Promise<Outcome>;
  /** Pin the randomized election timeout (capability pin_election_timeout). */
  setRandomizedElectionTimeout(node: NodeId, ticks: number): Promise<void>;

  /** The next Ready, or null when the node has none. */
  ready(node: NodeId): Promise<Ready | null>;
  /**
   * Synchronous storage mode: the harness has recorded the last Ready's hard state, snapshot and
   * entries as durable; the driver writes them to its own storage, applies the committed entries
   * (conf changes through the implementation's apply call) and advances.
   */
  advance(node: NodeId): Promise<Applied>;
  /**
   * Synchronous storage mode, protocol version 3 (spec/protocol.md §6.5): the next Ready and, when
   * there is one, the outcome of advancing it at once, as `ready` then `advance` with nothing
   * between them (the harness's own persistence needs no call). Absent when the driver cannot.
   */
  readonly readyAdvance?: ((node: NodeId) => Promise<ReadyAdvanced>) | undefined;
  /** Async storage mode: perform one MsgStorageAppend (the harness delivers its responses). */
  storageAppend(node: NodeId, msg: Message): Promise<void>;
  /** Async storage mode: perform one MsgStorageApply (the harness delivers its responses). */
  storageApply(node: NodeId, msg: Message): Promise<Applied>;
  /** The application compacts the node's storage: entries up to `index` are dropped. */
  compact(node: NodeId, index: Index): Promise<void>;

  status(node: NodeId): Promise<Status>;
  close(): Promise<void>;
}

/** Error codes a driver may answer with (spec/protocol.md, "Errors"). */
export const DRIVER_ERROR_CODES = [
  "unknown_command",
  "unsupported",
  "invalid_params",
  "not_initialized",
  "rejected",
  "internal",
] as const;
export type DriverErrorCode = (typeof DRIVER_ERROR_CODES)[number];

/**
 * How a driver failed: `driver` — it answered with an error, could not start, or exited;
 * `protocol` — it broke the protocol (bad line, wrong id, schema-invalid or out-of-range value,
 * wrong version); `timeout` — no answer in time. The harness records the trace as errored with
 * this kind. After a `protocol` or `timeout` error, or an exit, the driver is unusable.
 */
export type DriverErrorKind = "driver" | "protocol" | "timeout";

/** The one error type Driver methods reject with when the driver itself is at fault. */
export class DriverError extends Error {
  constructor(
    readonly kind: DriverErrorKind,
    message: string,
    /** The protocol command in flight (e.g. "step"), when there was one. */
    readonly command?: string,
    /** The error code when the driver answered with an error response. */
    readonly code?: DriverErrorCode,
    /** The response's `details` (e.g. where a panic was raised), when it had any. */
    readonly details?: string,
  ) {
    super(message);
    this.name = "DriverError";
  }
}
