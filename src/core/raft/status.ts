// A snapshot of a node's state for its host (etcd's Status): progress is reported only by a leader.

import type { NodeId, ProgressStatus, Status } from "../types.js";
import type { Raft } from "./raft.js";

export function getStatus(r: Raft): Status {
  const progress = new Map<NodeId, ProgressStatus>();
  if (r.state === "StateLeader") {
    r.trk.visit((id, pr) => {
      progress.set(id, {
        match: pr.match,
        next: pr.next,
        state: pr.state,
        pendingSnapshot: pr.pendingSnapshot,
        recentActive: pr.recentActive,
        msgAppFlowPaused: pr.msgAppFlowPaused,
        inflightCount: pr.inflights.count(),
        inflightFull: pr.inflights.full(),
        isLearner: pr.isLearner,
      });
    });
  }
  return {
    id: r.id,
    hardState: r.hardState(),
    softState: r.softState(),
    applied: r.raftLog.applied,
    leadTransferee: r.leadTransferee,
    config: r.trk.confState(),
    progress,
  };
}
