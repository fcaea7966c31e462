// RawNode: the host's interface to the Raft state machine (etcd's RawNode). The host feeds it
// ticks, proposals and messages, and collects the resulting work as a Ready: what to persist, what
// to send, what to apply. Nothing here performs I/O.
//
// Two persistence modes, as in etcd:
// - synchronous (default): the host handles a Ready and calls advance(); responses that must wait
//   for persistence are released by advance().
// - asyncStorageWrites: the Ready carries MsgStorageAppend / MsgStorageApply messages to the local
//   append and apply threads; their `responses` are stepped back once the work is done, and
//   advance() must not be called.

import { confChangeToMsg, applyConfChange } from "./raft/confchange.js";
import { bootstrap, type Peer } from "./raft/bootstrap.js";
import { makeMessage } from "./raft/message.js";
import { Raft } from "./raft/raft.js";
import { getStatus } from "./raft/status.js";
import type { Storage } from "./storage.js";
import type {
  Config,
  ConfChange,
  ConfState,
  Entry,
  HardState,
  Message,
  NodeId,
  RaftError,
  Ready,
  SoftState,
  Status,
} from "./types.js";
import { LOCAL_APPEND_THREAD, LOCAL_APPLY_THREAD, NONE } from "./types.js";
import {
  entsSize,
  isEmptyHardState,
  isEmptySnap,
  isHardStateEqual,
  isLocalMsg,
  isLocalMsgTarget,
  isResponseMsg,
} from "./util.js";

export type { Peer } from "./raft/bootstrap.js";

export class RawNode {
  private readonly raft: Raft;
  private readonly asyncStorageWrites: boolean;
  private prevSoftSt: SoftState;
  private prevHardSt: HardState;
  /** Self-addressed responses released by advance() (synchronous mode only). */
  private stepsOnAdvance: Message[] = [];

  /** Throws an Error if the config is invalid (etcd's Config.validate). */
  constructor(config: Config, storage: Storage) {
    this.raft = new Raft(config, storage);
    this.asyncStorageWrites = this.raft.config.asyncStorageWrites;
    this.prevSoftSt = this.raft.softState();
    this.prevHardSt = this.raft.hardState();
  }

  /**
   * Initializes an empty node with the given voters (etcd's Bootstrap): the conf changes appear as
   * committed entries in the first Ready, with a HardState to persist. Throws on a non-empty storage.
   */
  bootstrap(peers: readonly Peer[]): void {
    bootstrap(this.raft, peers);
    // Nothing of this is persisted yet: the first Ready must carry the HardState.
    this.prevHardSt = { term: 0, vote: NONE, commit: 0 };
  }

  /** Advances the logical clock by one tick. */
  tick(): void {
    this.raft.tick();
  }

  /** Starts an election (a pre-vote first if preVote is on). */
  campaign(): RaftError | null {
    return this.raft.step(makeMessage({ type: "MsgHup", to: NONE }));
  }

  propose(data: Uint8Array): RaftError | null {
    return this.raft.step(
      makeMessage({
        type: "MsgProp",
        to: NONE,
        from: this.raft.id,
        entries: [{ term: 0, index: 0, type: "EntryNormal", data }],
      }),
    );
  }

  proposeConfChange(cc: ConfChange): RaftError | null {
    return this.raft.step(confChangeToMsg(cc));
  }

  /**
   * Applies a committed conf change; the host calls this when it applies the entry (and not at all
   * if it decides to reject the change). Returns the new configuration.
   */
  applyConfChange(cc: ConfChange): ConfState {
    return applyConfChange(this.raft, cc);
  }

  /**
   * Steps a message from the network or from a local storage thread. Local message types are
   * refused unless they come from a storage thread; responses from unknown peers are refused.
   */
  step(m: Message): RaftError | null {
    if (isLocalMsg(m.type) && !isLocalMsgTarget(m.from)) return "ErrStepLocalMsg";
    if (isResponseMsg(m.type) && !isLocalMsgTarget(m.from) && !this.raft.trk.progress.has(m.from)) {
      return "ErrStepPeerNotFound";
    }
    return this.raft.step(m);
  }

  /** Requests a linearizable read; its ReadState appears in a later Ready with the same context. */
  readIndex(ctx: Uint8Array): void {
    this.raft.step(
      makeMessage({
        type: "MsgReadIndex",
        to: NONE,
        entries: [{ term: 0, index: 0, type: "EntryNormal", data: ctx }],
      }),
    );
  }

  transferLeader(to: NodeId): void {
    this.raft.step(makeMessage({ type: "MsgTransferLeader", to: NONE, from: to }));
  }

  /** Makes a follower forget its leader, so it grants votes again before its election timeout. */
  forgetLeader(): RaftError | null {
    return this.raft.step(makeMessage({ type: "MsgForgetLeader", to: NONE }));
  }

  reportUnreachable(id: NodeId): void {
    this.raft.step(makeMessage({ type: "MsgUnreachable", to: NONE, from: id }));
  }

  reportSnapshot(id: NodeId, failed: boolean): void {
    this.raft.step(makeMessage({ type: "MsgSnapStatus", to: NONE, from: id, reject: failed }));
  }

  /** Whether ready() would return anything to do. */
  hasReady(): boolean {
    const r = this.raft;
    if (!softStateEqual(r.softState(), this.prevSoftSt)) return true;
    const hs = r.hardState();
    if (!isEmptyHardState(hs) && !isHardStateEqual(hs, this.prevHardSt)) return true;
    if (r.raftLog.hasNextUnstableSnapshot()) return true;
    if (r.msgs.length > 0 || r.msgsAfterAppend.length > 0) return true;
    if (r.raftLog.hasNextUnstableEnts() || r.raftLog.hasNextCommittedEnts(this.applyUnstableEntries())) {
      return true;
    }
    return r.readStates.length > 0;
  }

  /** The outstanding work. The host must handle it (and, in synchronous mode, call advance()). */
  ready(): Ready {
    const rd = this.readyWithoutAccept();
    this.acceptReady(rd);
    return rd;
  }

  /**
   * Reports that the last Ready was handled: its entries and HardState persisted, its committed
   * entries applied. Only in synchronous mode.
   */
  advance(): void {
    if (this.asyncStorageWrites) {
      throw new Error("advance must not be called when using asyncStorageWrites");
    }
    const steps = this.stepsOnAdvance;
    this.stepsOnAdvance = [];
    for (const m of steps) this.raft.step(m);
  }

  /** The node's state; progress only on the leader. */
  status(): Status {
    return getStatus(this.raft);
  }

  /** Test hook (etcd's tests have the same): pin the randomized election timeout. */
  setRandomizedElectionTimeout(ticks: number): void {
    this.raft.randomizedElectionTimeout = ticks;
  }

  /** Entries may be applied before they are persisted locally only in synchronous mode. */
  private applyUnstableEntries(): boolean {
    return !this.asyncStorageWrites;
  }

  private readyWithoutAccept(): Ready {
    const r = this.raft;
    const entries = r.raftLog.nextUnstableEnts();
    const committedEntries = r.raftLog.nextCommittedEnts(this.applyUnstableEntries());
    const softSt = r.softState();
    const hardSt = r.hardState();
    const softState = softStateEqual(softSt, this.prevSoftSt) ? undefined : softSt;
    const hardState = isHardStateEqual(hardSt, this.prevHardSt) ? undefined : hardSt;
    const snapshot = r.raftLog.hasNextUnstableSnapshot() ? r.raftLog.nextUnstableSnapshot() : undefined;
    const messages: Message[] = [...r.msgs];
    // Term, vote and entries must be durable before anything depending on them is sent; a commit
    // index alone may be persisted lazily.
    const mustSync =
      entries.length !== 0 || hardSt.vote !== this.prevHardSt.vote || hardSt.term !== this.prevHardSt.term;

    // Absent fields stay absent (not present-but-undefined), so a Ready compares structurally.
    const rd: Ready = {
      ...(softState !== undefined ? { softState } : {}),
      ...(hardState !== undefined ? { hardState } : {}),
      readStates: [...r.readStates],
      entries,
      ...(snapshot !== undefined ? { snapshot } : {}),
      committedEntries,
      messages,
      mustSync,
    };

    if (this.asyncStorageWrites) {
      if (this.needStorageAppendMsg(rd)) messages.push(this.newStorageAppendMsg(rd));
      if (committedEntries.length > 0) messages.push(this.newStorageApplyMsg(committedEntries));
    } else {
      // The host sends Messages only after persisting the Ready, so these may go out with it.
      for (const m of r.msgsAfterAppend) {
        if (m.to !== r.id) messages.push(m);
      }
    }
    return rd;
  }

  private acceptReady(rd: Ready): void {
    const r = this.raft;
    if (rd.softState !== undefined) this.prevSoftSt = rd.softState;
    if (rd.hardState !== undefined && !isEmptyHardState(rd.hardState)) this.prevHardSt = rd.hardState;
    if (rd.readStates.length !== 0) r.readStates = [];
    if (!this.asyncStorageWrites) {
      if (this.stepsOnAdvance.length !== 0) {
        throw new Error("two accepted Ready structs without call to advance");
      }
      for (const m of r.msgsAfterAppend) {
        if (m.to === r.id) this.stepsOnAdvance.push(m);
      }
      if (this.needStorageAppendRespMsg(rd)) this.stepsOnAdvance.push(this.newStorageAppendRespMsg(rd));
      if (rd.committedEntries.length > 0) {
        this.stepsOnAdvance.push(this.newStorageApplyRespMsg(rd.committedEntries));
      }
    }
    r.msgs = [];
    r.msgsAfterAppend = [];
    r.raftLog.acceptUnstable();
    const last = rd.committedEntries[rd.committedEntries.length - 1];
    if (last !== undefined) {
      r.raftLog.acceptApplying(last.index, entsSize(rd.committedEntries), this.applyUnstableEntries());
    }
  }

  /** Something to persist, or responses that must wait for earlier appends to be persisted. */
  private needStorageAppendMsg(rd: Ready): boolean {
    return (
      rd.entries.length > 0 ||
      !isEmptyHardState(rd.hardState) ||
      !isEmptySnap(rd.snapshot) ||
      this.raft.msgsAfterAppend.length > 0
    );
  }

  /** Whether the core needs to hear that unstable entries or a snapshot became durable. */
  private needStorageAppendRespMsg(rd: Ready): boolean {
    return this.raft.raftLog.hasNextOrInProgressUnstableEnts() || !isEmptySnap(rd.snapshot);
  }

  /** The work for the local append thread: persist, then deliver the responses in order. */
  private newStorageAppendMsg(rd: Ready): Message {
    const r = this.raft;
    const responses = [...r.msgsAfterAppend];
    if (this.needStorageAppendRespMsg(rd)) responses.push(this.newStorageAppendRespMsg(rd));
    return makeMessage({
      type: "MsgStorageAppend",
      to: LOCAL_APPEND_THREAD,
      from: r.id,
      entries: rd.entries,
      // Only a changed HardState is written; all-zero fields mean "no HardState".
      ...(rd.hardState !== undefined && !isEmptyHardState(rd.hardState)
        ? { term: rd.hardState.term, vote: rd.hardState.vote, commit: rd.hardState.commit }
        : {}),
      ...(!isEmptySnap(rd.snapshot) ? { snapshot: rd.snapshot } : {}),
      responses,
    });
  }

  /**
   * The acknowledgement of everything persisted so far. It names the last entry of the whole
   * unstable log (not just of this Ready) and the current term: if the term changed meanwhile, the
   * entries may have been overwritten by a newer leader's and the acknowledgement is ignored.
   */
  private newStorageAppendRespMsg(rd: Ready): Message {
    const r = this.raft;
    const last = r.raftLog.hasNextOrInProgressUnstableEnts() ? r.raftLog.lastEntryID() : undefined;
    return makeMessage({
      type: "MsgStorageAppendResp",
      to: r.id,
      from: LOCAL_APPEND_THREAD,
      term: r.term,
      ...(last !== undefined ? { index: last.index, logTerm: last.term } : {}),
      ...(!isEmptySnap(rd.snapshot) ? { snapshot: rd.snapshot } : {}),
    });
  }

  /** The work for the local apply thread; committed entries apply under no particular term. */
  private newStorageApplyMsg(ents: readonly Entry[]): Message {
    return makeMessage({
      type: "MsgStorageApply",
      to: LOCAL_APPLY_THREAD,
      from: this.raft.id,
      entries: ents,
      responses: [this.newStorageApplyRespMsg(ents)],
    });
  }

  private newStorageApplyRespMsg(ents: readonly Entry[]): Message {
    return makeMessage({
      type: "MsgStorageApplyResp",
      to: this.raft.id,
      from: LOCAL_APPLY_THREAD,
      entries: ents,
    });
  }
}

function softStateEqual(a: SoftState, b: SoftState): boolean {
  return a.lead === b.lead && a.raftState === b.raftState;
}
