// The Raft state machine: its state, construction (etcd's newRaft), role transitions, ticks and the
// term handling every message goes through before it reaches a role's step function.
//
// Behaviour per role lives in leader.ts, candidate.ts and follower.ts; elections in election.ts;
// log replication in replication.ts; configuration changes in confchange.ts; reads in readonly.ts.

import { RaftLog } from "../log.js";
import type { Storage } from "../storage.js";
import { Inflights } from "../tracker/inflights.js";
import { Progress } from "../tracker/progress.js";
import { ProgressTracker } from "../tracker/tracker.js";
import { entsSize, isEmptyHardState, payloadsSize } from "../util.js";
import type {
  Config,
  HardState,
  Index,
  Message,
  NodeId,
  RaftError,
  ReadState,
  Snapshot,
  SoftState,
  StateType,
  Term,
} from "../types.js";
import { NONE } from "../types.js";
import { stepCandidate } from "./candidate.js";
import { encodeLeaveJointProposal, restoreConfState } from "./confchange.js";
import { CAMPAIGN_TRANSFER_CONTEXT, hup, stepVote } from "./election.js";
import { stepFollower } from "./follower.js";
import { stepLeader } from "./leader.js";
import { bytesEqual, makeMessage, type MessageInit } from "./message.js";
import { ReadOnly } from "./readonly.js";
import { appendEntry, reduceUncommittedSize } from "./replication.js";
import { resolveConfig, type ResolvedConfig } from "./validate.js";

export type CampaignType = "CampaignPreElection" | "CampaignElection" | "CampaignTransfer";

export class Raft {
  readonly id: NodeId;
  readonly config: ResolvedConfig;

  term: Term = 0;
  vote: NodeId = NONE;
  readStates: ReadState[] = [];
  raftLog: RaftLog;
  trk: ProgressTracker;
  state: StateType = "StateFollower";
  /** Whether this node is a learner in the current configuration. */
  isLearner = false;

  /** Messages to send right away; they never target this node. */
  msgs: Message[] = [];
  /**
   * Messages to send only once the unstable state they depend on (term, vote, entries, snapshot)
   * is durable: MsgAppResp, MsgVoteResp, MsgPreVoteResp, including self-addressed ones.
   */
  msgsAfterAppend: Message[] = [];

  lead: NodeId = NONE;
  /** Target of an ongoing leadership transfer, or NONE. */
  leadTransferee: NodeId = NONE;
  /** At least the index of the latest conf change in the log that may not be applied yet. */
  pendingConfIndex: Index = 0;
  /** Estimate of the payload bytes in the uncommitted tail of the leader's log. */
  uncommittedSize = 0;
  readOnly: ReadOnly;
  /** MsgReadIndex held back until the leader commits an entry of its own term. */
  pendingReadIndexMessages: Message[] = [];

  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  readonly electionTimeout: number;
  readonly heartbeatTimeout: number;

  constructor(config: Config, storage: Storage) {
    this.config = resolveConfig(config);
    this.id = config.id;
    this.electionTimeout = config.electionTick;
    this.heartbeatTimeout = config.heartbeatTick;
    this.raftLog = new RaftLog(storage, this.config.maxCommittedSizePerReady);
    const { hardState, confState } = storage.initialState();
    this.trk = new ProgressTracker(this.config.maxInflightMsgs, this.config.maxInflightBytes);
    this.readOnly = new ReadOnly(this.config.readOnlyOption);

    restoreConfState(this, confState);
    if (!isEmptyHardState(hardState)) this.loadState(hardState);
    if (this.config.applied > 0) this.raftLog.appliedTo(this.config.applied, 0);
    this.becomeFollower(this.term, NONE);
  }

  softState(): SoftState {
    return { lead: this.lead, raftState: this.state };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  /**
   * Queues a message. Vote traffic carries the term it was given; everything else carries the
   * current term, except MsgProp and MsgReadIndex, which are forwarded like local messages.
   * Responses that vote (on a leader or on an append) wait in msgsAfterAppend for persistence.
   */
  send(init: MessageInit): void {
    const from = init.from === undefined || init.from === NONE ? this.id : init.from;
    let term = init.term ?? 0;
    const t = init.type;
    if (t === "MsgVote" || t === "MsgVoteResp" || t === "MsgPreVote" || t === "MsgPreVoteResp") {
      if (term === 0) throw new Error(`term should be set when sending ${t}`);
    } else {
      if (term !== 0) throw new Error(`term should not be set when sending ${t} (was ${term})`);
      if (t !== "MsgProp" && t !== "MsgReadIndex") term = this.term;
    }
    const m = makeMessage(init, from, term);
    if (t === "MsgAppResp" || t === "MsgVoteResp" || t === "MsgPreVoteResp") {
      this.msgsAfterAppend.push(m);
    } else {
      if (m.to === this.id) throw new Error(`message should not be self-addressed when sending ${t}`);
      this.msgs.push(m);
    }
  }

  /** Records the application of entries up to index; a leader may then auto-leave a joint config. */
  appliedTo(index: Index, size: number): void {
    const newApplied = Math.max(index, this.raftLog.applied);
    this.raftLog.appliedTo(newApplied, size);
    if (
      this.trk.config.autoLeave &&
      newApplied >= this.pendingConfIndex &&
      this.state === "StateLeader"
    ) {
      // An empty ConfChangeV2 leaves the joint config; its zero size means appendEntry never
      // refuses it. It may be dropped during a leadership transfer, in which case the next applied
      // entry tries again.
      this.step(encodeLeaveJointProposal());
    }
  }

  appliedSnap(snap: Snapshot): void {
    const index = snap.metadata.index;
    this.raftLog.stableSnapTo(index);
    this.appliedTo(index, 0);
  }

  reset(term: Term): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    const lastIndex = this.raftLog.lastIndex();
    this.trk.visit((id, pr) => {
      // Everything known about the peers belongs to the previous term; only learner-ness stays.
      const fresh = new Progress({
        match: id === this.id ? lastIndex : 0,
        next: lastIndex + 1,
        inflights: new Inflights(this.trk.maxInflight, this.trk.maxInflightBytes),
        isLearner: pr.isLearner,
      });
      this.trk.progress.set(id, fresh);
    });
    this.pendingConfIndex = 0;
    this.uncommittedSize = 0;
    this.readOnly = new ReadOnly(this.readOnly.option);
  }

  becomeFollower(term: Term, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.state = "StateFollower";
  }

  becomeCandidate(): void {
    if (this.state === "StateLeader") throw new Error("invalid transition [leader -> candidate]");
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = "StateCandidate";
  }

  /** A pre-candidate changes neither term nor vote: it only asks whether it could win. */
  becomePreCandidate(): void {
    if (this.state === "StateLeader") throw new Error("invalid transition [leader -> pre-candidate]");
    this.trk.resetVotes();
    this.lead = NONE;
    this.state = "StatePreCandidate";
  }

  becomeLeader(): void {
    if (this.state === "StateFollower") throw new Error("invalid transition [follower -> leader]");
    this.reset(this.term);
    this.lead = this.id;
    this.state = "StateLeader";
    const pr = this.trk.progress.get(this.id);
    if (pr !== undefined) {
      pr.becomeReplicate();
      pr.recentActive = true;
    }
    // Any entry past the last index may be a conf change: refuse new ones until all are applied,
    // rather than scanning the uncommitted tail.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // An empty entry has payload size 0, so it never counts against the uncommitted quota.
    if (!appendEntry(this, [{ term: 0, index: 0, type: "EntryNormal", data: new Uint8Array(0) }])) {
      throw new Error("empty entry was dropped");
    }
  }

  tick(): void {
    if (this.state === "StateLeader") this.tickHeartbeat();
    else this.tickElection();
  }

  /** Followers and candidates: campaign once the randomized election timeout has passed. */
  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0;
      this.step(makeMessage({ type: "MsgHup", to: NONE, from: this.id }));
    }
  }

  /** Leaders: heartbeat every heartbeatTimeout, check quorum and abort transfers every electionTimeout. */
  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.config.checkQuorum) {
        this.step(makeMessage({ type: "MsgCheckQuorum", to: NONE, from: this.id }));
      }
      if (this.state === "StateLeader" && this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.state !== "StateLeader") return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(makeMessage({ type: "MsgBeat", to: NONE, from: this.id }));
    }
  }

  /** Advances the state machine by one message. Terms are handled here, then the role's step. */
  step(m: Message): RaftError | null {
    if (m.term === 0) {
      // A local message.
    } else if (m.term > this.term) {
      if (m.type === "MsgVote" || m.type === "MsgPreVote") {
        const force = bytesEqual(m.context, CAMPAIGN_TRANSFER_CONTEXT);
        const inLease =
          this.config.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
        // Within the lease of a live leader, neither the term nor a vote moves (thesis 4.2.3).
        if (!force && inLease) return null;
      }
      if (m.type === "MsgPreVote") {
        // A pre-vote never changes the term.
      } else if (m.type === "MsgPreVoteResp" && !m.reject) {
        // Granted pre-votes carry the future term; the term moves only once the pre-vote is won.
      } else if (m.type === "MsgApp" || m.type === "MsgHeartbeat" || m.type === "MsgSnap") {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      this.stepLowerTerm(m);
      return null;
    }

    switch (m.type) {
      case "MsgHup":
        hup(this, this.config.preVote ? "CampaignPreElection" : "CampaignElection");
        return null;
      case "MsgStorageAppendResp":
        if (m.index !== 0) this.raftLog.stableTo({ term: m.logTerm, index: m.index });
        if (m.snapshot !== undefined) this.appliedSnap(m.snapshot);
        return null;
      case "MsgStorageApplyResp": {
        const last = m.entries[m.entries.length - 1];
        if (last !== undefined) {
          this.appliedTo(last.index, entsSize(m.entries));
          reduceUncommittedSize(this, payloadsSize(m.entries));
        }
        return null;
      }
      case "MsgVote":
      case "MsgPreVote":
        stepVote(this, m);
        return null;
      default:
        switch (this.state) {
          case "StateLeader":
            return stepLeader(this, m);
          case "StateCandidate":
          case "StatePreCandidate":
            return stepCandidate(this, m);
          case "StateFollower":
            return stepFollower(this, m);
        }
    }
  }

  private stepLowerTerm(m: Message): void {
    if ((this.config.checkQuorum || this.config.preVote) && (m.type === "MsgHeartbeat" || m.type === "MsgApp")) {
      // A stale leader (or one on the other side of a healed partition) learns the newer term from
      // this response. With checkQuorum or preVote, votes alone may never tell it, so answer here.
      this.send({ to: m.from, type: "MsgAppResp" });
    } else if (m.type === "MsgPreVote") {
      // Reject rather than ignore: a candidate with a higher term but a shorter log, left over from
      // before pre-vote was enabled, could otherwise deadlock the cluster.
      this.send({ to: m.from, term: this.term, type: "MsgPreVoteResp", reject: true });
    } else if (m.type === "MsgStorageAppendResp") {
      // Appends acknowledged under an older term may since have been overwritten in the unstable log,
      // so they are not marked stable. A snapshot holds committed state and is applied regardless.
      if (m.snapshot !== undefined) this.appliedSnap(m.snapshot);
    }
  }

  /** A node can campaign when it is a voter and is not waiting on a snapshot. */
  promotable(): boolean {
    const pr = this.trk.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.hasNextOrInProgressSnapshot();
  }

  loadState(state: HardState): void {
    if (state.commit < this.raftLog.committed || state.commit > this.raftLog.lastIndex()) {
      throw new Error(
        `${this.id} state.commit ${state.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`,
      );
    }
    this.raftLog.committed = state.commit;
    this.term = state.term;
    this.vote = state.vote;
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.config.randomizedElectionTimeout(this.electionTimeout);
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }
}
