// Rebuilding a tracker configuration from a ConfState (snapshot or initial state).

import type { ConfChangeSingle, ConfState } from "../types.js";
import { ProgressTracker } from "../tracker/tracker.js";
import { Changer, type ChangeResult } from "./changer.js";

/**
 * The changes that rebuild `cs` from an empty config: `outgoing` builds the config that will be
 * the outgoing half; `incoming`, applied on top while entering the joint state, replaces it with the
 * incoming voters and adds the learners.
 *
 * Example: voters (1 2 3), learners (5), outgoing (1 2 4 6), learnersNext (4) gives
 * outgoing = v1 v2 v4 v6 and incoming = r1 r2 r4 r6 v1 v2 v3 l5 l4, i.e. (1 2 4 6) first, then
 * (1 2 3)&&(1 2 4 6) with learner 5 and 4 staged (still an outgoing voter). Whether 5 was a
 * learner before the joint config cannot be told and does not matter.
 */
export function toConfChangeSingle(cs: ConfState): {
  outgoing: ConfChangeSingle[];
  incoming: ConfChangeSingle[];
} {
  const outgoing = cs.votersOutgoing.map((nodeId) => change("ConfChangeAddNode", nodeId));
  const incoming = [
    ...cs.votersOutgoing.map((nodeId) => change("ConfChangeRemoveNode", nodeId)),
    ...cs.voters.map((nodeId) => change("ConfChangeAddNode", nodeId)),
    ...cs.learners.map((nodeId) => change("ConfChangeAddLearnerNode", nodeId)),
    ...cs.learnersNext.map((nodeId) => change("ConfChangeAddLearnerNode", nodeId)),
  ];
  return { outgoing, incoming };
}

/**
 * etcd's confchange.Restore: the configuration and progress described by `cs`, built by running
 * changes through `changer`, whose tracker must hold an empty configuration. The changer's tracker
 * is not modified.
 *
 * Without an outgoing half, each change is applied as a simple change. Otherwise the outgoing half
 * is built first with simple changes, then the incoming changes are applied while entering the
 * joint state, with cs.autoLeave.
 */
export function restore(changer: Changer, cs: ConfState): ChangeResult {
  const { outgoing, incoming } = toConfChangeSingle(cs);
  const steps: ((c: Changer) => ChangeResult)[] = [];
  if (outgoing.length === 0) {
    for (const cc of incoming) steps.push((c) => c.simple(cc));
  } else {
    for (const cc of outgoing) steps.push((c) => c.simple(cc));
    steps.push((c) => c.enterJoint(cs.autoLeave, ...incoming));
  }

  // A scratch tracker carries the intermediate results, as etcd's Changer value does.
  const scratch = new ProgressTracker(changer.tracker.maxInflight, changer.tracker.maxInflightBytes);
  scratch.config = changer.tracker.config;
  scratch.progress = changer.tracker.progress;
  const current = new Changer(scratch, changer.lastIndex);
  for (const step of steps) {
    const result = step(current);
    if (!result.ok) return result;
    scratch.config = result.config;
    scratch.progress = result.progress;
  }
  return { ok: true, config: scratch.config, progress: scratch.progress };
}

function change(type: ConfChangeSingle["type"], nodeId: number): ConfChangeSingle {
  return { type, nodeId };
}
