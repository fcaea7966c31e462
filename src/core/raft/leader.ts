// The leader: proposals, replication feedback, heartbeats, check-quorum, reads and leadership
// transfer.

import { decodeConfChange } from "../confchange/encoding.js";
import type { Progress } from "../tracker/progress.js";
import type { Entry, Message, RaftError } from "../types.js";
import { NONE } from "../types.js";
import { asV2 } from "../confchange/conf-change.js";
import type { Raft } from "./raft.js";
import {
  releasePendingReadIndexMessages,
  responseToReadIndexReq,
  committedEntryInCurrentTerm,
  sendMsgReadIndexResponse,
} from "./readonly.js";
import {
  appendEntry,
  bcastAppend,
  bcastHeartbeat,
  maybeCommit,
  maybeSendAppend,
  sendAppend,
} from "./replication.js";

export function stepLeader(r: Raft, m: Message): RaftError | null {
  // Messages that need no progress of the sender.
  switch (m.type) {
    case "MsgBeat":
      bcastHeartbeat(r);
      return null;
    case "MsgCheckQuorum":
      if (!r.trk.quorumActive()) r.becomeFollower(r.term, NONE);
      // Everyone but the leader must prove itself active again before the next check.
      r.trk.visit((id, pr) => {
        if (id !== r.id) pr.recentActive = false;
      });
      return null;
    case "MsgProp":
      return propose(r, m);
    case "MsgReadIndex":
      // A lone voter confirms its leadership by itself. Deliberately stricter than etcd, which
      // takes this path whenever the configuration has one voter: a leader that demoted or removed
      // itself (without StepDownOnRemoval) is not that voter, and answering from its own commit
      // index would be a stale read once the voter elects itself and commits
      // (traces/core/read-index/removed-leader-no-local-read.yaml).
      if (r.trk.isSingleton() && r.trk.config.voters[0].has(r.id)) {
        const resp = responseToReadIndexReq(r, m, r.raftLog.committed);
        if (resp !== null) r.send(resp);
        return null;
      }
      // The commit index is only known to be current once an entry of this term is committed.
      if (!committedEntryInCurrentTerm(r)) {
        r.pendingReadIndexMessages.push(m);
        return null;
      }
      sendMsgReadIndexResponse(r, m);
      return null;
    case "MsgForgetLeader":
      return null;
    default:
      break;
  }

  const pr = r.trk.progress.get(m.from);
  if (pr === undefined) return null;
  switch (m.type) {
    case "MsgAppResp":
      handleAppendResponse(r, m, pr);
      return null;
    case "MsgHeartbeatResp":
      handleHeartbeatResponse(r, m, pr);
      return null;
    case "MsgSnapStatus":
      if (pr.state !== "StateSnapshot") return null;
      if (m.reject) {
        // Forget the snapshot first, or probing would resume from an index the follower never got.
        pr.pendingSnapshot = 0;
      }
      pr.becomeProbe();
      // After a success, wait for the follower's MsgAppResp; after a failure, for a heartbeat.
      pr.msgAppFlowPaused = true;
      return null;
    case "MsgUnreachable":
      // While streaming, an unreachable peer has most likely lost an append: probe again.
      if (pr.state === "StateReplicate") pr.becomeProbe();
      return null;
    case "MsgTransferLeader":
      transferLeadership(r, m, pr);
      return null;
    default:
      return null;
  }
}

function propose(r: Raft, m: Message): RaftError | null {
  if (m.entries.length === 0) throw new Error(`${r.id} stepped empty MsgProp`);
  // A leader removed from the configuration keeps leading until it steps down, but takes nothing new.
  if (!r.trk.progress.has(r.id)) return "ErrProposalDropped";
  if (r.leadTransferee !== NONE) return "ErrProposalDropped";

  const entries: Entry[] = [...m.entries];
  entries.forEach((e, i) => {
    if (e.type !== "EntryConfChange" && e.type !== "EntryConfChangeV2") return;
    const cc = asV2(decodeConfChange(e.type, e.data));
    const alreadyPending = r.pendingConfIndex > r.raftLog.applied;
    const alreadyJoint = r.trk.config.voters[1].size > 0;
    const wantsLeaveJoint = cc.changes.length === 0;
    const refused =
      alreadyPending || (alreadyJoint && !wantsLeaveJoint) || (!alreadyJoint && wantsLeaveJoint);
    if (refused && !r.config.disableConfChangeValidation) {
      // Keep the proposal's shape (and so the indexes of the others) with an empty normal entry.
      entries[i] = { term: 0, index: 0, type: "EntryNormal", data: new Uint8Array(0) };
    } else {
      r.pendingConfIndex = r.raftLog.lastIndex() + i + 1;
    }
  });
  if (!appendEntry(r, entries)) return "ErrProposalDropped";
  bcastAppend(r);
  return null;
}

function handleAppendResponse(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  if (m.reject) {
    // rejectHint is the follower's guess of the last matching index and logTerm its term there.
    // Every leader index above it whose term exceeds logTerm cannot match either (terms only grow
    // along a log), so probe at the largest index whose term is at most logTerm.
    let nextProbeIdx = m.rejectHint;
    if (m.logTerm > 0) nextProbeIdx = r.raftLog.findConflictByTerm(m.rejectHint, m.logTerm).index;
    if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
      if (pr.state === "StateReplicate") pr.becomeProbe();
      sendAppend(r, m.from);
    }
    return;
  }

  // An ack that matches what a probing peer already has still moves it back to replicating.
  if (!(pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === "StateProbe"))) return;
  if (pr.state === "StateProbe") {
    pr.becomeReplicate();
  } else if (pr.state === "StateSnapshot" && pr.match + 1 >= r.raftLog.firstIndex()) {
    // Whatever snapshot the peer installed, it can now be caught up from the log; going through
    // probe takes the pending snapshot into account.
    pr.becomeProbe();
    pr.becomeReplicate();
  } else if (pr.state === "StateReplicate") {
    pr.inflights.freeLE(m.index);
  }

  if (maybeCommit(r)) {
    // An entry of this term is committed: held-back reads can be served.
    releasePendingReadIndexMessages(r);
    bcastAppend(r);
  } else if (r.id !== m.from && pr.canBumpCommit(r.raftLog.committed)) {
    // The peer may lack the latest commit index; tell it before the next heartbeat would.
    sendAppend(r, m.from);
  }
  // The window may have opened: send as much as it allows, without empty appends.
  if (r.id !== m.from) {
    while (maybeSendAppend(r, m.from, false)) {
      // keep sending
    }
  }
  if (m.from === r.leadTransferee && pr.match === r.raftLog.lastIndex()) {
    sendTimeoutNow(r, m.from);
  }
}

function handleHeartbeatResponse(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  pr.msgAppFlowPaused = false;
  // Also unblocks a full window whose appends were all lost, and lets a caught-up peer left in
  // StateProbe (say after reportUnreachable) return to replicating.
  if (pr.match < r.raftLog.lastIndex() || pr.state === "StateProbe") sendAppend(r, m.from);

  if (r.readOnly.option !== "safe" || m.context.length === 0) return;
  r.readOnly.recvAck(m.from, m.context);
  for (const rs of r.readOnly.maybeAdvance(r.trk.config.voters)) {
    const resp = responseToReadIndexReq(r, rs.req, rs.index);
    if (resp !== null) r.send(resp);
  }
}

function transferLeadership(r: Raft, m: Message, pr: Progress): void {
  if (pr.isLearner) return;
  const transferee = m.from;
  if (r.leadTransferee !== NONE) {
    if (r.leadTransferee === transferee) return;
    r.abortLeaderTransfer();
  }
  if (transferee === r.id) return;
  // The transfer must complete within an election timeout.
  r.electionElapsed = 0;
  r.leadTransferee = transferee;
  if (pr.match === r.raftLog.lastIndex()) {
    sendTimeoutNow(r, transferee);
  } else {
    sendAppend(r, transferee);
  }
}

function sendTimeoutNow(r: Raft, to: number): void {
  r.send({ to, type: "MsgTimeoutNow" });
}
