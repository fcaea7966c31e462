// Stable storage as the core sees it (etcd's storage.go), and an in-memory implementation.
//
// Errors are thrown as RaftException: ErrCompacted (the index predates the last snapshot),
// ErrUnavailable (the index is beyond what is stored), ErrSnapOutOfDate (a snapshot not newer than
// the current one). Requests outside what a correct caller can ask for throw a plain Error.

import type { ConfState, Entry, HardState, Index, Snapshot, Term } from "./types.js";
import { RaftException } from "./types.js";
import { limitSize } from "./util.js";

export interface Storage {
  /** The persisted HardState (all zero if none) and the ConfState of the latest snapshot. */
  initialState(): { hardState: HardState; confState: ConfState };
  /**
   * Entries in [lo, hi), at most maxSize bytes in total (entrySize) but at least one entry.
   * ErrCompacted if lo is compacted; ErrUnavailable if an entry in the range is missing.
   */
  entries(lo: Index, hi: Index, maxSize: number): Entry[];
  /**
   * Term of entry i, for i in [firstIndex() - 1, lastIndex()]: the term of the entry just before
   * firstIndex is kept for matching even though the entry itself is gone.
   */
  term(i: Index): Term;
  lastIndex(): Index;
  /** First index possibly available through entries(); older entries are in the snapshot. */
  firstIndex(): Index;
  /** The most recent snapshot (may throw ErrSnapshotTemporarilyUnavailable). */
  snapshot(): Snapshot;
}

export function emptyConfState(): ConfState {
  return { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
}

export function emptyHardState(): HardState {
  return { term: 0, vote: 0, commit: 0 };
}

export function emptySnapshot(): Snapshot {
  return { data: new Uint8Array(0), metadata: { confState: emptyConfState(), index: 0, term: 0 } };
}

const EMPTY_DATA = new Uint8Array(0);

/** A placeholder at the compaction point: only its index and term are meaningful. */
function dummyEntry(index: Index, term: Term): Entry {
  return { term, index, type: "EntryNormal", data: EMPTY_DATA };
}

/**
 * Storage backed by an array. ents[0] is a dummy entry at the last compaction point (the snapshot's
 * index and term; index 0 term 0 when never compacted), so ents[i] is at log index ents[0].index + i.
 */
export class MemoryStorage implements Storage {
  private hardState: HardState = emptyHardState();
  private snap: Snapshot = emptySnapshot();
  private ents: Entry[] = [dummyEntry(0, 0)];

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.snap.metadata.confState };
  }

  setHardState(hs: HardState): void {
    this.hardState = hs;
  }

  entries(lo: Index, hi: Index, maxSize: number): Entry[] {
    const offset = this.offset();
    if (lo <= offset) throw new RaftException("ErrCompacted");
    if (hi > this.lastIndex() + 1) {
      throw new Error(`entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`);
    }
    if (lo > hi) throw new Error(`invalid entries range [${lo}, ${hi})`);
    // Only the dummy entry is left.
    if (this.ents.length === 1) throw new RaftException("ErrUnavailable");
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxSize);
  }

  term(i: Index): Term {
    const offset = this.offset();
    if (i < offset) throw new RaftException("ErrCompacted");
    const e = this.ents[i - offset];
    if (e === undefined) throw new RaftException("ErrUnavailable");
    return e.term;
  }

  lastIndex(): Index {
    return this.offset() + this.ents.length - 1;
  }

  firstIndex(): Index {
    return this.offset() + 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the whole content with the snapshot. ErrSnapOutOfDate unless it is newer. */
  applySnapshot(snap: Snapshot): void {
    const current = this.snap.metadata.index;
    // A bootstrap snapshot may carry only a ConfState at index 0, so index 0 never blocks.
    if (current !== 0 && current >= snap.metadata.index) {
      throw new RaftException("ErrSnapOutOfDate");
    }
    this.snap = snap;
    this.ents = [dummyEntry(snap.metadata.index, snap.metadata.term)];
  }

  /**
   * Records a snapshot of the state at index i (which must be stored), with the ConfState cs (the
   * previous snapshot's if undefined) and the application's data. Does not compact.
   * ErrSnapOutOfDate unless i is above the current snapshot's index.
   */
  createSnapshot(i: Index, cs: ConfState | undefined, data: Uint8Array): Snapshot {
    if (i <= this.snap.metadata.index) throw new RaftException("ErrSnapOutOfDate");
    const offset = this.offset();
    if (i > this.lastIndex()) {
      throw new Error(`snapshot ${i} is out of bound lastindex(${this.lastIndex()})`);
    }
    this.snap = {
      data,
      metadata: {
        confState: cs ?? this.snap.metadata.confState,
        index: i,
        term: (this.ents[i - offset] as Entry).term,
      },
    };
    return this.snap;
  }

  /**
   * Discards the entries before compactIndex; compactIndex becomes the new dummy entry. The caller
   * must not compact beyond what it has applied. ErrCompacted if already compacted that far.
   */
  compact(compactIndex: Index): void {
    const offset = this.offset();
    if (compactIndex <= offset) throw new RaftException("ErrCompacted");
    if (compactIndex > this.lastIndex()) {
      throw new Error(`compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
    }
    const i = compactIndex - offset;
    const at = this.ents[i] as Entry;
    this.ents = [dummyEntry(at.index, at.term), ...this.ents.slice(i + 1)];
  }

  /**
   * Appends entries, replacing any stored entries at or after entries[0].index. Entries before
   * firstIndex are skipped; a gap after the last stored entry throws.
   */
  append(entries: readonly Entry[]): void {
    const head = entries[0];
    if (head === undefined) return;
    const first = this.firstIndex();
    const last = head.index + entries.length - 1;
    // Nothing new: everything is already compacted.
    if (last < first) return;
    let ents = entries;
    if (first > head.index) ents = entries.slice(first - head.index);
    const offset = (ents[0] as Entry).index - this.offset();
    if (this.ents.length >= offset) {
      // In place, like Go's append on the backing slice: copying the whole log per append would
      // make a long log quadratic. entries() hands out copies, so nobody holds this array.
      this.ents.length = offset;
      for (const e of ents) this.ents.push(e);
    } else {
      throw new Error(
        `missing log entry [last: ${this.lastIndex()}, append at: ${(ents[0] as Entry).index}]`,
      );
    }
  }

  private offset(): Index {
    return (this.ents[0] as Entry).index;
  }
}
