// Configuration changes as the Raft state machine sees them: applying one, installing a new
// configuration (with what that means for a leader), and rebuilding the configuration from a
// ConfState.

import { Changer, type ChangeResult } from "../confchange/changer.js";
import { encodeConfChange } from "../confchange/encoding.js";
import { asV2, enterJoint, leaveJoint } from "../confchange/conf-change.js";
import { confStateEquivalent } from "../confchange/conf-state.js";
import { restore } from "../confchange/restore.js";
import type { TrackerConfig } from "../tracker/config.js";
import type { ProgressMap } from "../tracker/progress.js";
import { ProgressTracker } from "../tracker/tracker.js";
import type { ConfChange, ConfState, Entry, Message, NodeId } from "../types.js";
import { NONE } from "../types.js";
import { EMPTY_BYTES, makeMessage } from "./message.js";
import type { Raft } from "./raft.js";
import { bcastAppend, maybeCommit, maybeSendAppend } from "./replication.js";

/** The MsgProp carrying a conf change, its entry typed by the change's version. */
export function confChangeToMsg(cc: ConfChange): Message {
  const type: Entry["type"] = cc.version === 1 ? "EntryConfChange" : "EntryConfChangeV2";
  return makeMessage({
    type: "MsgProp",
    to: NONE,
    entries: [{ term: 0, index: 0, type, data: encodeConfChange(cc) }],
  });
}

/**
 * The proposal that leaves a joint configuration automatically: a V2 entry with no data, which
 * decodes to the empty change and, having no payload, is never refused for its size.
 */
export function encodeLeaveJointProposal(): Message {
  return makeMessage({
    type: "MsgProp",
    to: NONE,
    entries: [{ term: 0, index: 0, type: "EntryConfChangeV2", data: EMPTY_BYTES }],
  });
}

/**
 * A committed conf change the configuration cannot take (e.g. one removing the last voter). The
 * node cannot go on: etcd panics. Hosts may catch it to stop the node in a defined way.
 */
export class ConfChangeApplyError extends Error {
  override readonly name = "ConfChangeApplyError";
}

function mustSucceed(result: ChangeResult, what: string, fail: (msg: string) => Error = (msg) => new Error(msg)): { config: TrackerConfig; progress: ProgressMap } {
  // The log only carries changes validated at proposal time (unless validation was disabled, or
  // the change removes the last voter, which proposal-time validation does not look at); one that
  // fails now cannot be applied, as in etcd's panic.
  if (!result.ok) throw fail(`${what}: ${result.error}`);
  return result;
}

/** The configuration trk would have after cc: leaving a joint config, entering one, or a simple change. */
export function changeResult(trk: ProgressTracker, lastIndex: number, cc: ConfChange): ChangeResult {
  const changer = new Changer(trk, lastIndex);
  if (leaveJoint(cc)) return changer.leaveJoint();
  const { ok, autoLeave } = enterJoint(cc);
  const changes = asV2(cc).changes;
  return ok ? changer.enterJoint(autoLeave, ...changes) : changer.simple(...changes);
}

/** Applies a committed conf change to the tracker; returns the resulting ConfState. */
export function applyConfChange(r: Raft, cc: ConfChange): ConfState {
  const result = changeResult(r.trk, r.raftLog.lastIndex(), cc);
  const { config, progress } = mustSucceed(result, "unable to apply conf change", (msg) => new ConfChangeApplyError(msg));
  return switchToConfig(r, config, progress);
}

/** Replaces the tracker with the configuration of cs (at construction and on snapshot restore). */
export function restoreConfState(r: Raft, cs: ConfState): void {
  r.trk = new ProgressTracker(r.config.maxInflightMsgs, r.config.maxInflightBytes);
  const { config, progress } = mustSucceed(
    restore(new Changer(r.trk, r.raftLog.lastIndex()), cs),
    "unable to restore config",
  );
  const got = switchToConfig(r, config, progress);
  const difference = confStateEquivalent(cs, got);
  if (difference !== null) throw new Error(difference);
}

/**
 * Installs a configuration. A leader that is no longer a voter steps down if configured to;
 * otherwise a leader commits what the new quorum allows and probes newly added peers at once.
 */
export function switchToConfig(r: Raft, config: TrackerConfig, progress: ProgressMap): ConfState {
  r.trk.config = config;
  r.trk.progress = progress;
  const cs = r.trk.confState();
  const pr = r.trk.progress.get(r.id);
  r.isLearner = pr !== undefined && pr.isLearner;

  if ((pr === undefined || r.isLearner) && r.state === "StateLeader") {
    if (r.config.stepDownOnRemoval) r.becomeFollower(r.term, NONE);
    return cs;
  }
  if (r.state !== "StateLeader" || cs.voters.length === 0) return cs;

  if (maybeCommit(r)) {
    bcastAppend(r);
  } else {
    // New peers need not wait for a heartbeat or the next proposal to be probed.
    r.trk.visit((id) => {
      if (id !== r.id) maybeSendAppend(r, id, false);
    });
  }
  if (r.leadTransferee !== NONE && !r.trk.config.voters.ids().has(r.leadTransferee)) {
    r.abortLeaderTransfer();
  }
  return cs;
}

/** Whether the snapshot's configuration names this node (as voter, learner or outgoing voter). */
export function snapshotIncludes(cs: ConfState, id: NodeId): boolean {
  return cs.voters.includes(id) || cs.learners.includes(id) || cs.votersOutgoing.includes(id);
}
