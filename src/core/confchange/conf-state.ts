// Comparing membership configurations regardless of list order.

import type { ConfState } from "../types.js";
import { compareIds } from "../quorum/majority.js";

/**
 * etcd's ConfState.Equivalent: null when `a` and `b` describe the same configuration (each id list
 * compared as a sorted list, duplicates counted), otherwise a message showing both sides.
 */
export function confStateEquivalent(a: ConfState, b: ConfState): string | null {
  const na = normalize(a);
  const nb = normalize(b);
  if (JSON.stringify(na) === JSON.stringify(nb)) return null;
  return `ConfStates not equivalent after sorting:\n${JSON.stringify(na)}\n${JSON.stringify(nb)}`;
}

function normalize(cs: ConfState): ConfState {
  const sort = (ids: readonly number[]): number[] => [...ids].sort(compareIds);
  return {
    voters: sort(cs.voters),
    learners: sort(cs.learners),
    votersOutgoing: sort(cs.votersOutgoing),
    learnersNext: sort(cs.learnersNext),
    autoLeave: cs.autoLeave,
  };
}
