// etcd's ConfChangeI helpers and the compact "v2 l3 r4 u5" notation used by traces.

import { MAX_U53 } from "../types.js";
import type { ConfChange, ConfChangeSingle, ConfChangeType, ConfChangeV2 } from "../types.js";

/** The same operation as a ConfChangeV2 (a V1 change becomes one change, transition "auto"). */
export function asV2(cc: ConfChange): ConfChangeV2 {
  if (cc.version === 2) return cc;
  return {
    version: 2,
    transition: "auto",
    changes: [{ type: cc.type, nodeId: cc.nodeId }],
    context: cc.context,
  };
}

/**
 * Whether the change goes through joint consensus (`ok`): when it has more than one change or asks
 * for a joint transition explicitly. `autoLeave` (only meaningful with ok) says whether the leader
 * leaves the joint config on its own ("auto", "implicit") or waits for the application
 * ("explicit").
 */
export function enterJoint(cc: ConfChange): { autoLeave: boolean; ok: boolean } {
  const v2 = asV2(cc);
  if (v2.transition === "auto" && v2.changes.length <= 1) return { autoLeave: false, ok: false };
  return { autoLeave: v2.transition !== "explicit", ok: true };
}

/** Whether the change leaves a joint config: a V2 with no changes and transition "auto". */
export function leaveJoint(cc: ConfChange): boolean {
  const v2 = asV2(cc);
  return v2.transition === "auto" && v2.changes.length === 0;
}

const LETTER_TO_TYPE: Readonly<Record<string, ConfChangeType>> = {
  v: "ConfChangeAddNode",
  l: "ConfChangeAddLearnerNode",
  r: "ConfChangeRemoveNode",
  u: "ConfChangeUpdateNode",
};

const TYPE_TO_LETTER: Readonly<Record<ConfChangeType, string>> = {
  ConfChangeAddNode: "v",
  ConfChangeAddLearnerNode: "l",
  ConfChangeRemoveNode: "r",
  ConfChangeUpdateNode: "u",
};

/**
 * Parses etcd's notation: whitespace-separated tokens, each a letter and a decimal node id —
 * `v`n make n a voter, `l`n a learner, `r`n remove n, `u`n update n. "" is no change. Throws an
 * Error naming the bad token. (etcd splits on single spaces, so it rejects doubled spaces; any
 * whitespace run separates tokens here. Ids above MAX_U53 are rejected.)
 */
export function confChangesFromString(s: string): ConfChangeSingle[] {
  const tokens = s.trim().split(/\s+/).filter((t) => t !== "");
  return tokens.map((tok) => {
    if (tok.length < 2) throw new Error(`unknown token ${tok}`);
    const type = LETTER_TO_TYPE[tok.charAt(0)];
    if (type === undefined) throw new Error(`unknown input: ${tok}`);
    const digits = tok.slice(1);
    if (!/^[0-9]+$/.test(digits)) throw new Error(`invalid node id in ${tok}`);
    const nodeId = Number(digits);
    if (nodeId > MAX_U53) throw new Error(`node id in ${tok} exceeds ${MAX_U53}`);
    return { type, nodeId };
  });
}

/** The inverse of confChangesFromString: "v2 l3 r4 u5". */
export function confChangesToString(changes: readonly ConfChangeSingle[]): string {
  return changes.map((cc) => `${TYPE_TO_LETTER[cc.type]}${cc.nodeId}`).join(" ");
}
