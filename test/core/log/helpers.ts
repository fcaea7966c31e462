// Builders shared by the log tests.

import type { Entry, EntryType, Index, Snapshot, Term } from "../../../src/core/types.js";

const NO_DATA = new Uint8Array(0);

export function entry(index: Index, term: Term, data: string | Uint8Array = NO_DATA, type: EntryType = "EntryNormal"): Entry {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return { index, term, type, data: bytes };
}

/** Entries starting at index `from`, one per term given. */
export function entries(from: Index, ...terms: Term[]): Entry[] {
  return terms.map((t, i) => entry(from + i, t));
}

export function snapshot(index: Index, term: Term, voters: number[] = []): Snapshot {
  return {
    data: NO_DATA,
    metadata: {
      index,
      term,
      confState: { voters, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false },
    },
  };
}

/** (index, term) pairs, for comparing entries without their payloads. */
export function ids(ents: readonly Entry[]): [Index, Term][] {
  return ents.map((e) => [e.index, e.term]);
}
