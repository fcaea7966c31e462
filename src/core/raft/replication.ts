// Log replication: what a leader sends (appends, snapshots, heartbeats), how it commits, how it
// appends its own entries, and how a follower handles what the leader sent.

import type { Progress } from "../tracker/progress.js";
import { isEmptySnap, payloadsSize } from "../util.js";
import { RaftException } from "../types.js";
import type { Entry, Message, NodeId, Snapshot } from "../types.js";
import { restoreConfState, snapshotIncludes } from "./confchange.js";
import type { Raft } from "./raft.js";

/** Sends an append (possibly empty, to carry the commit index) to the peer. */
export function sendAppend(r: Raft, to: NodeId): void {
  maybeSendAppend(r, to, true);
}

/**
 * Sends an append with new entries, or an empty one if sendIfEmpty, unless the peer's flow is
 * paused. Falls back to a snapshot when the entries are compacted. Returns whether it sent.
 */
export function maybeSendAppend(r: Raft, to: NodeId, sendIfEmpty: boolean): boolean {
  const pr = r.trk.progress.get(to);
  if (pr === undefined || pr.isPaused()) return false;

  const prevIndex = pr.next - 1;
  let prevTerm: number;
  try {
    prevTerm = r.raftLog.term(prevIndex);
  } catch (e) {
    // The log was compacted at or past pr.next: only a snapshot can catch the peer up.
    if (isStorageMiss(e)) return maybeSendSnapshot(r, to, pr);
    throw e;
  }

  let ents: readonly Entry[] = [];
  let compacted = false;
  // A throttled replicating peer gets only empty appends: if every inflight append was lost, an
  // empty one still gets acked or rejected and so frees the window.
  if (pr.state !== "StateReplicate" || !pr.inflights.full()) {
    try {
      ents = r.raftLog.entries(pr.next, r.config.maxSizePerMsg);
    } catch (e) {
      if (!isStorageMiss(e)) throw e;
      compacted = true;
    }
  }
  // As in etcd, the "nothing to send" check comes before the fallback to a snapshot.
  if (ents.length === 0 && !sendIfEmpty) return false;
  if (compacted) return maybeSendSnapshot(r, to, pr);

  const committed = r.raftLog.committed;
  r.send({ to, type: "MsgApp", index: prevIndex, logTerm: prevTerm, entries: ents, commit: committed });
  pr.sentEntries(ents.length, payloadsSize(ents));
  pr.sentCommit(committed);
  return true;
}

function isStorageMiss(e: unknown): boolean {
  return e instanceof RaftException && (e.code === "ErrCompacted" || e.code === "ErrUnavailable");
}

/** Sends the current snapshot to a recently active peer; returns whether it did. */
function maybeSendSnapshot(r: Raft, to: NodeId, pr: Progress): boolean {
  if (!pr.recentActive) return false;
  let snapshot: Snapshot;
  try {
    snapshot = r.raftLog.snapshot();
  } catch (e) {
    if (e instanceof RaftException && e.code === "ErrSnapshotTemporarilyUnavailable") return false;
    throw e;
  }
  if (isEmptySnap(snapshot)) throw new Error("need non-empty snapshot");
  pr.becomeSnapshot(snapshot.metadata.index);
  r.send({ to, type: "MsgSnap", snapshot });
  return true;
}

/**
 * Sends a heartbeat. Its commit is capped at the peer's match: a follower must not commit past
 * what it is known to share with the leader.
 */
export function sendHeartbeat(r: Raft, to: NodeId, ctx: Uint8Array): void {
  const pr = r.trk.progress.get(to);
  if (pr === undefined) return;
  const commit = Math.min(pr.match, r.raftLog.committed);
  r.send({ to, type: "MsgHeartbeat", commit, context: ctx });
  pr.sentCommit(commit);
}

export function bcastAppend(r: Raft): void {
  r.trk.visit((id) => {
    if (id !== r.id) sendAppend(r, id);
  });
}

export function bcastHeartbeat(r: Raft): void {
  bcastHeartbeatWithCtx(r, r.readOnly.heartbeatCtx());
}

export function bcastHeartbeatWithCtx(r: Raft, ctx: Uint8Array): void {
  r.trk.visit((id) => {
    if (id !== r.id) sendHeartbeat(r, id, ctx);
  });
}

/** Commits what a quorum has, if it is of the current term (Raft §5.4.2); returns whether it did. */
export function maybeCommit(r: Raft): boolean {
  return r.raftLog.maybeCommit({ term: r.term, index: r.trk.committed() });
}

/**
 * Appends entries at the current term to the leader's log, unless they would exceed the
 * uncommitted-size budget. The leader acks its own append once it is durable, through a
 * self-addressed MsgAppResp in msgsAfterAppend.
 */
export function appendEntry(r: Raft, es: readonly Entry[]): boolean {
  const li = r.raftLog.lastIndex();
  const stamped = es.map((e, i) => ({ ...e, term: r.term, index: li + 1 + i }));
  if (!increaseUncommittedSize(r, stamped)) return false;
  const last = r.raftLog.append(stamped);
  r.send({ to: r.id, type: "MsgAppResp", index: last });
  return true;
}

/**
 * Accounts for new uncommitted entries; refuses them if they would push a non-empty uncommitted
 * tail over the limit. Empty payloads are always accepted (a new leader's entry, leaving a joint
 * config).
 */
export function increaseUncommittedSize(r: Raft, ents: readonly Entry[]): boolean {
  const s = payloadsSize(ents);
  if (r.uncommittedSize > 0 && s > 0 && r.uncommittedSize + s > r.config.maxUncommittedEntriesSize) {
    return false;
  }
  r.uncommittedSize += s;
  return true;
}

/** The estimate may undercount, never overcount: saturate at zero. */
export function reduceUncommittedSize(r: Raft, s: number): void {
  r.uncommittedSize = s > r.uncommittedSize ? 0 : r.uncommittedSize - s;
}

/**
 * A follower's answer to MsgApp: ack the new last index, or reject with a hint — the largest
 * (index, term) in its log with index <= m.index and term <= m.logTerm — so the leader can skip
 * whole terms of a divergent tail instead of probing entry by entry.
 */
export function handleAppendEntries(r: Raft, m: Message): void {
  const log = r.raftLog;
  if (m.index < log.committed) {
    r.send({ to: m.from, type: "MsgAppResp", index: log.committed });
    return;
  }
  const slice = { term: m.term, prev: { term: m.logTerm, index: m.index }, entries: m.entries };
  const lastNewIndex = log.maybeAppend(slice, m.commit);
  if (lastNewIndex !== undefined) {
    r.send({ to: m.from, type: "MsgAppResp", index: lastNewIndex });
    return;
  }
  // m.index >= committed here, and so is lastIndex, so the hint search starts in the valid range.
  const hint = log.findConflictByTerm(Math.min(m.index, log.lastIndex()), m.logTerm);
  r.send({
    to: m.from,
    type: "MsgAppResp",
    index: m.index,
    reject: true,
    rejectHint: hint.index,
    logTerm: hint.term,
  });
}

export function handleHeartbeat(r: Raft, m: Message): void {
  r.raftLog.commitTo(m.commit);
  r.send({ to: m.from, type: "MsgHeartbeatResp", context: m.context });
}

export function handleSnapshot(r: Raft, m: Message): void {
  const snapshot = m.snapshot;
  if (snapshot !== undefined && restore(r, snapshot)) {
    r.send({ to: m.from, type: "MsgAppResp", index: r.raftLog.lastIndex() });
  } else {
    r.send({ to: m.from, type: "MsgAppResp", index: r.raftLog.committed });
  }
}

/**
 * Restores log and configuration from a snapshot. Returns false when the snapshot is ignored:
 * not newer than the commit index, received in a role other than follower, not naming this node,
 * or already matched by the log (then only the commit index moves forward).
 */
export function restore(r: Raft, s: Snapshot): boolean {
  const log = r.raftLog;
  if (s.metadata.index <= log.committed) return false;
  if (r.state !== "StateFollower") {
    // Defensive: a leader must never install a snapshot; moving to a new term prevents damage.
    r.becomeFollower(r.term + 1, 0);
    return false;
  }
  if (!snapshotIncludes(s.metadata.confState, r.id)) return false;

  const id = { term: s.metadata.term, index: s.metadata.index };
  if (log.matchTerm(id)) {
    log.commitTo(id.index);
    return false;
  }
  log.restore(s);
  restoreConfState(r, s.metadata.confState);
  return true;
}
