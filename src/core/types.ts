// Domain types of the reference Raft core. Names follow the Raft paper and etcd's raftpb.
//
// Ids, terms and indexes are JavaScript numbers: exact up to Number.MAX_SAFE_INTEGER (2^53 - 1).
// That bound is part of the contract: the driver protocol carries uint64 values as decimal strings
// and must reject any value above MAX_U53 before it reaches the core.

export type NodeId = number;
export type Term = number;
export type Index = number;

/** Largest id, term or index the core can hold exactly. */
export const MAX_U53 = Number.MAX_SAFE_INTEGER;
/** "No node" (etcd's None). */
export const NONE: NodeId = 0;
/**
 * Local targets of the async-storage-writes messages. etcd uses MaxUint64 and MaxUint64-1, which a
 * number cannot hold exactly; the protocol maps these two ids to etcd's values on the wire.
 */
export const LOCAL_APPEND_THREAD: NodeId = MAX_U53;
export const LOCAL_APPLY_THREAD: NodeId = MAX_U53 - 1;

export type EntryType = "EntryNormal" | "EntryConfChange" | "EntryConfChangeV2";

export interface Entry {
  readonly term: Term;
  readonly index: Index;
  readonly type: EntryType;
  /** Opaque payload; for conf-change entries the protobuf encoding of the ConfChange(V2). */
  readonly data: Uint8Array;
}

export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  readonly votersOutgoing: readonly NodeId[];
  readonly learnersNext: readonly NodeId[];
  readonly autoLeave: boolean;
}

export interface SnapshotMetadata {
  readonly confState: ConfState;
  readonly index: Index;
  readonly term: Term;
}

export interface Snapshot {
  readonly data: Uint8Array;
  readonly metadata: SnapshotMetadata;
}

export interface HardState {
  readonly term: Term;
  readonly vote: NodeId;
  readonly commit: Index;
}

export type MessageType =
  | "MsgHup"
  | "MsgBeat"
  | "MsgProp"
  | "MsgApp"
  | "MsgAppResp"
  | "MsgVote"
  | "MsgVoteResp"
  | "MsgSnap"
  | "MsgHeartbeat"
  | "MsgHeartbeatResp"
  | "MsgUnreachable"
  | "MsgSnapStatus"
  | "MsgCheckQuorum"
  | "MsgTransferLeader"
  | "MsgTimeoutNow"
  | "MsgReadIndex"
  | "MsgReadIndexResp"
  | "MsgPreVote"
  | "MsgPreVoteResp"
  | "MsgStorageAppend"
  | "MsgStorageAppendResp"
  | "MsgStorageApply"
  | "MsgStorageApplyResp"
  | "MsgForgetLeader";

/** Every message type, in etcd's enum order (index = etcd's numeric value). */
export const MESSAGE_TYPES: readonly MessageType[] = [
  "MsgHup", "MsgBeat", "MsgProp", "MsgApp", "MsgAppResp", "MsgVote", "MsgVoteResp", "MsgSnap",
  "MsgHeartbeat", "MsgHeartbeatResp", "MsgUnreachable", "MsgSnapStatus", "MsgCheckQuorum",
  "MsgTransferLeader", "MsgTimeoutNow", "MsgReadIndex", "MsgReadIndexResp", "MsgPreVote",
  "MsgPreVoteResp", "MsgStorageAppend", "MsgStorageAppendResp", "MsgStorageApply",
  "MsgStorageApplyResp", "MsgForgetLeader",
];

/**
 * A Raft message. Fields that etcd leaves at their zero value are present with 0 / false / empty
 * here too, so two messages compare field by field.
 */
export interface Message {
  readonly type: MessageType;
  readonly to: NodeId;
  readonly from: NodeId;
  readonly term: Term;
  readonly logTerm: Term;
  readonly index: Index;
  readonly entries: readonly Entry[];
  readonly commit: Index;
  readonly vote: NodeId;
  readonly snapshot?: Snapshot | undefined;
  readonly reject: boolean;
  readonly rejectHint: Index;
  readonly context: Uint8Array;
  readonly responses: readonly Message[];
}

export type ConfChangeType =
  | "ConfChangeAddNode"
  | "ConfChangeRemoveNode"
  | "ConfChangeUpdateNode"
  | "ConfChangeAddLearnerNode";

export type ConfChangeTransition = "auto" | "implicit" | "explicit";

export interface ConfChangeSingle {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
}

/** etcd's ConfChange (V1): exactly one change, no joint consensus. */
export interface ConfChangeV1 {
  readonly version: 1;
  readonly id: number;
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
  readonly context: Uint8Array;
}

/** etcd's ConfChangeV2: zero changes = leave the joint config. */
export interface ConfChangeV2 {
  readonly version: 2;
  readonly transition: ConfChangeTransition;
  readonly changes: readonly ConfChangeSingle[];
  readonly context: Uint8Array;
}

export type ConfChange = ConfChangeV1 | ConfChangeV2;

export type StateType = "StateFollower" | "StateCandidate" | "StateLeader" | "StatePreCandidate";

export interface SoftState {
  readonly lead: NodeId;
  readonly raftState: StateType;
}

export interface ReadState {
  readonly index: Index;
  readonly requestCtx: Uint8Array;
}

export interface Ready {
  readonly softState?: SoftState | undefined;
  readonly hardState?: HardState | undefined;
  readonly readStates: readonly ReadState[];
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot | undefined;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly mustSync: boolean;
}

export type ProgressStateType = "StateProbe" | "StateReplicate" | "StateSnapshot";

export interface ProgressStatus {
  readonly match: Index;
  readonly next: Index;
  readonly state: ProgressStateType;
  readonly pendingSnapshot: Index;
  readonly recentActive: boolean;
  readonly msgAppFlowPaused: boolean;
  readonly inflightCount: number;
  readonly inflightFull: boolean;
  readonly isLearner: boolean;
}

export interface Status {
  readonly id: NodeId;
  readonly hardState: HardState;
  readonly softState: SoftState;
  readonly applied: Index;
  readonly leadTransferee: NodeId;
  readonly config: ConfState;
  /** Per-peer progress; present only on the leader. Keys are node ids. */
  readonly progress: ReadonlyMap<NodeId, ProgressStatus>;
}

export type ReadOnlyOption = "safe" | "leaseBased";

export interface Config {
  readonly id: NodeId;
  readonly electionTick: number;
  readonly heartbeatTick: number;
  readonly applied?: Index;
  readonly maxSizePerMsg?: number;
  readonly maxCommittedSizePerReady?: number;
  readonly maxUncommittedEntriesSize?: number;
  readonly maxInflightMsgs?: number;
  readonly maxInflightBytes?: number;
  readonly checkQuorum?: boolean;
  readonly preVote?: boolean;
  readonly readOnlyOption?: ReadOnlyOption;
  readonly disableProposalForwarding?: boolean;
  readonly disableConfChangeValidation?: boolean;
  readonly stepDownOnRemoval?: boolean;
  readonly asyncStorageWrites?: boolean;
  /**
   * Source of the randomized election timeout: given electionTick, returns a value in
   * [electionTick, 2*electionTick). Injected so the core stays deterministic; the harness seeds it.
   */
  readonly randomizedElectionTimeout?: (electionTick: number) => number;
}

/** Errors the core returns to its host, as values (etcd's sentinel errors). */
export type RaftError =
  | "ErrProposalDropped"
  | "ErrStepLocalMsg"
  | "ErrStepPeerNotFound"
  | "ErrCompacted"
  | "ErrSnapOutOfDate"
  | "ErrUnavailable"
  | "ErrSnapshotTemporarilyUnavailable";

export class RaftException extends Error {
  constructor(readonly code: RaftError, message?: string) {
    super(message ?? code);
    this.name = "RaftException";
  }
}
