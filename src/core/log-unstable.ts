// The unstable tail of the log (etcd's log_unstable.go): entries and an optional snapshot that the
// host has not yet confirmed as persisted. It keeps them after they were handed out in a Ready, so
// the log can still answer queries about them until the host reports them stable.
//
// entries[i] is at log index offset + i. offset may be below the last index in Storage: the next
// write then truncates Storage's log before persisting these entries.

import type { EntryID } from "./log-slice.js";
import type { Entry, Index, Snapshot, Term } from "./types.js";

export class Unstable {
  /** An incoming snapshot not yet persisted. */
  snapshot: Snapshot | undefined = undefined;
  /** Entries not yet persisted. */
  entries: Entry[] = [];
  /** Log index of entries[0]. */
  offset: Index;
  /** Whether the snapshot has been handed to the host for writing. */
  snapshotInProgress = false;
  /**
   * Exclusive end of the entries handed to the host for writing: entries[0, offsetInProgress -
   * offset) are being written. Invariant: offset <= offsetInProgress.
   */
  offsetInProgress: Index;

  constructor(offset: Index) {
    this.offset = offset;
    this.offsetInProgress = offset;
  }

  /** First log index after the unstable snapshot, if there is one. */
  maybeFirstIndex(): Index | undefined {
    return this.snapshot === undefined ? undefined : this.snapshot.metadata.index + 1;
  }

  /** Last index held here (last entry, else the snapshot's index), if anything is held. */
  maybeLastIndex(): Index | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1;
    if (this.snapshot !== undefined) return this.snapshot.metadata.index;
    return undefined;
  }

  /** Term of the entry at index i, if this tail knows it. */
  maybeTerm(i: Index): Term | undefined {
    if (i < this.offset) {
      if (this.snapshot !== undefined && this.snapshot.metadata.index === i) {
        return this.snapshot.metadata.term;
      }
      return undefined;
    }
    const last = this.maybeLastIndex();
    if (last === undefined || i > last) return undefined;
    return (this.entries[i - this.offset] as Entry).term;
  }

  /** Entries not yet handed to the host for writing. */
  nextEntries(): Entry[] {
    const inProgress = this.offsetInProgress - this.offset;
    if (this.entries.length === inProgress) return [];
    return this.entries.slice(inProgress);
  }

  /** The snapshot, if there is one not yet handed to the host for writing. */
  nextSnapshot(): Snapshot | undefined {
    if (this.snapshot === undefined || this.snapshotInProgress) return undefined;
    return this.snapshot;
  }

  /**
   * Marks everything currently held as handed to the host: nextEntries/nextSnapshot stop returning
   * it, while anything added later is returned again until the next call.
   */
  acceptInProgress(): void {
    const last = this.entries[this.entries.length - 1];
    if (last !== undefined) this.offsetInProgress = last.index + 1;
    if (this.snapshot !== undefined) this.snapshotInProgress = true;
  }

  /**
   * The host persisted the log up to id. Ignored unless id names an entry held here with the same
   * term: with async storage writes the tail can be replaced while an older write is in flight, and
   * that write's acknowledgement must not drop the replacing entries (an ABA race at equal index).
   */
  stableTo(id: EntryID): void {
    const term = this.maybeTerm(id.index);
    // Unknown index, an index covered by the snapshot rather than an entry, or a stale term.
    if (term === undefined || id.index < this.offset || term !== id.term) return;
    const num = id.index + 1 - this.offset;
    this.entries = this.entries.slice(num);
    this.offset = id.index + 1;
    this.offsetInProgress = Math.max(this.offsetInProgress, this.offset);
  }

  /** The host persisted the snapshot at index i; forget it if it is the one held here. */
  stableSnapTo(i: Index): void {
    if (this.snapshot !== undefined && this.snapshot.metadata.index === i) {
      this.snapshot = undefined;
      this.snapshotInProgress = false;
    }
  }

  /** Replaces everything held with the snapshot s. */
  restore(s: Snapshot): void {
    this.offset = s.metadata.index + 1;
    this.offsetInProgress = this.offset;
    this.entries = [];
    this.snapshot = s;
    this.snapshotInProgress = false;
  }

  /**
   * Appends ents, first dropping any held entries at or after ents[0].index. Entries still held
   * before that point keep their in-progress mark; later ones lose it.
   */
  truncateAndAppend(ents: readonly Entry[]): void {
    const first = ents[0];
    if (first === undefined) throw new Error("unstable.truncateAndAppend: no entries");
    const fromIndex = first.index;
    if (fromIndex === this.offset + this.entries.length) {
      this.entries = this.entries.concat(ents);
    } else if (fromIndex <= this.offset) {
      // The new entries replace the whole tail, possibly reaching back into Storage's log.
      this.entries = ents.slice();
      this.offset = fromIndex;
      this.offsetInProgress = this.offset;
    } else {
      const keep = this.slice(this.offset, fromIndex);
      this.entries = keep.concat(ents);
      this.offsetInProgress = Math.min(this.offsetInProgress, fromIndex);
    }
  }

  /** Held entries with indexes in [lo, hi); the whole range must be held here. */
  slice(lo: Index, hi: Index): Entry[] {
    this.mustCheckOutOfBounds(lo, hi);
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }

  /** Throws unless offset <= lo <= hi <= offset + entries.length. */
  mustCheckOutOfBounds(lo: Index, hi: Index): void {
    if (lo > hi) throw new Error(`invalid unstable.slice ${lo} > ${hi}`);
    const upper = this.offset + this.entries.length;
    if (lo < this.offset || hi > upper) {
      throw new Error(`unstable.slice[${lo},${hi}) out of bound [${this.offset},${upper}]`);
    }
  }
}
