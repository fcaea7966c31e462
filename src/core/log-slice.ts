// Entry identities and log slices (etcd's types.go: entryID, logSlice).

import type { Entry, Index, Term } from "./types.js";

/** Identifies a log entry: at most one leader exists per term and it never reuses an index. */
export interface EntryID {
  readonly term: Term;
  readonly index: Index;
}

/** The id of an entry. */
export function pbEntryID(e: Entry): EntryID {
  return { term: e.term, index: e.index };
}

/**
 * A piece of some leader's log: entries following prev, as seen by the leader of `term`.
 * A well-formed slice is contiguous (entries[i].index = prev.index + 1 + i), its terms never
 * decrease starting from prev.term, and no entry has a term above `term`. Slices built from
 * untrusted input (a received MsgApp, a test table) should be checked with validateLogSlice.
 */
export interface LogSlice {
  readonly term: Term;
  readonly prev: EntryID;
  readonly entries: readonly Entry[];
}

/** Index of the slice's last entry, or prev.index when it holds none. */
export function logSliceLastIndex(s: LogSlice): Index {
  return s.prev.index + s.entries.length;
}

/** Id of the slice's last entry, or prev when it holds none. */
export function logSliceLastEntryID(s: LogSlice): EntryID {
  const last = s.entries[s.entries.length - 1];
  return last === undefined ? s.prev : pbEntryID(last);
}

/** undefined when the slice is well-formed, otherwise a description of the first violation. */
export function validateLogSlice(s: LogSlice): string | undefined {
  let prev = s.prev;
  for (const e of s.entries) {
    const id = pbEntryID(e);
    if (id.term < prev.term || id.index !== prev.index + 1) {
      return `leader term ${s.term}: entries ${fmtID(prev)} and ${fmtID(id)} not consistent`;
    }
    prev = id;
  }
  if (s.term < prev.term) {
    return `leader term ${s.term}: entry ${fmtID(prev)} has a newer term`;
  }
  return undefined;
}

function fmtID(id: EntryID): string {
  return `{term:${id.term} index:${id.index}}`;
}
