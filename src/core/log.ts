// The Raft log (etcd's log.go): stable entries in Storage followed by the unstable tail, plus the
// commit and apply cursors.
//
// Errors etcd returns as values are thrown here as RaftException (ErrCompacted, ErrUnavailable);
// what etcd treats as a panic is thrown as a plain Error.

import type { EntryID, LogSlice } from "./log-slice.js";
import { pbEntryID } from "./log-slice.js";
import { Unstable } from "./log-unstable.js";
import type { Storage } from "./storage.js";
import type { Entry, Index, Snapshot, Term } from "./types.js";
import { RaftException } from "./types.js";
import { entsSize, extend, limitSize, NO_LIMIT, raftErrorOf } from "./util.js";

export type { EntryID, LogSlice } from "./log-slice.js";

/** Visitor of RaftLog.scan; returning "stop" ends the scan early. */
export type ScanVisitor = (ents: readonly Entry[]) => "stop" | undefined | void;

export class RaftLog {
  readonly storage: Storage;
  readonly unstable: Unstable;
  /** Highest index known to be stored on a quorum. */
  committed: Index;
  /**
   * Highest index handed to the application for applying (some may still be in flight).
   * Invariant: applied <= applying <= committed.
   */
  applying: Index;
  /** Highest index the application reported as applied. Invariant: applied <= committed. */
  applied: Index;
  /** Cap on the encoding size of entries handed out for applying and not yet acknowledged. */
  readonly maxApplyingEntsSize: number;
  /** Encoding size of entries handed out for applying and not yet acknowledged. */
  applyingEntsSize = 0;
  /** True while applying is paused until enough of it is acknowledged. */
  applyingEntsPaused = false;

  constructor(storage: Storage, maxApplyingEntsSize: number = NO_LIMIT) {
    const firstIndex = storage.firstIndex();
    const lastIndex = storage.lastIndex();
    this.storage = storage;
    this.unstable = new Unstable(lastIndex + 1);
    this.maxApplyingEntsSize = maxApplyingEntsSize;
    // Everything up to the last compaction point is committed and applied.
    this.committed = firstIndex - 1;
    this.applying = firstIndex - 1;
    this.applied = firstIndex - 1;
  }

  toString(): string {
    return (
      `committed=${this.committed}, applied=${this.applied}, applying=${this.applying}, ` +
      `unstable.offset=${this.unstable.offset}, ` +
      `unstable.offsetInProgress=${this.unstable.offsetInProgress}, ` +
      `len(unstable.Entries)=${this.unstable.entries.length}`
    );
  }

  /**
   * Appends the slice a leader sent if its prev entry matches ours, replacing a conflicting
   * suffix, and advances commit to min(committed, last index of the slice). Returns that last
   * index, or undefined when prev does not match (nothing changes).
   */
  maybeAppend(a: LogSlice, committed: Index): Index | undefined {
    if (!this.matchTerm(a.prev)) return undefined;
    const lastNewIndex = a.prev.index + a.entries.length;
    const ci = this.findConflict(a.entries);
    if (ci !== 0) {
      if (ci <= this.committed) {
        throw new Error(`entry ${ci} conflict with committed entry [committed(${this.committed})]`);
      }
      const offset = a.prev.index + 1;
      if (ci - offset > a.entries.length) {
        throw new Error(`index, ${ci - offset}, is out of range [${a.entries.length}]`);
      }
      this.append(a.entries.slice(ci - offset));
    }
    this.commitTo(Math.min(committed, lastNewIndex));
    return lastNewIndex;
  }

  /** Appends ents to the unstable tail (truncating what they overlap); returns the last index. */
  append(ents: readonly Entry[]): Index {
    const first = ents[0];
    if (first === undefined) return this.lastIndex();
    const after = first.index - 1;
    if (after < this.committed) {
      throw new Error(`after(${after}) is out of range [committed(${this.committed})]`);
    }
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /**
   * Index of the first entry of ents that is not in our log with the same term: either a conflict
   * (same index, other term) or the first new entry. 0 when our log already holds all of ents.
   * ents must have contiguous indexes.
   */
  findConflict(ents: readonly Entry[]): Index {
    for (const e of ents) {
      const id = pbEntryID(e);
      if (!this.matchTerm(id)) return id.index;
    }
    return 0;
  }

  /**
   * Best guess of where our log stops matching another log of which we only know the entry
   * (index, term): the largest i <= index with term(i) <= term, or whose term we do not know
   * (compacted or missing; then term 0 is returned with it).
   */
  findConflictByTerm(index: Index, term: Term): EntryID {
    for (let i = index; i > 0; i--) {
      let ourTerm: Term;
      try {
        ourTerm = this.term(i);
      } catch (e) {
        // Compacted or not yet stored: a match cannot be ruled out.
        if (!isOutOfBounds(e)) throw e;
        return { index: i, term: 0 };
      }
      if (ourTerm <= term) return { index: i, term: ourTerm };
    }
    return { index: 0, term: 0 };
  }

  /** Unstable entries not yet handed to the host for persisting. */
  nextUnstableEnts(): Entry[] {
    return this.unstable.nextEntries();
  }

  hasNextUnstableEnts(): boolean {
    return this.nextUnstableEnts().length > 0;
  }

  /** Whether any unstable entries exist, handed out for persisting or not. */
  hasNextOrInProgressUnstableEnts(): boolean {
    return this.unstable.entries.length > 0;
  }

  /**
   * Committed entries to hand to the application next, within the applying size budget. With
   * allowUnstable, committed entries not yet persisted locally may be included.
   */
  nextCommittedEnts(allowUnstable: boolean): Entry[] {
    if (this.applyingEntsPaused) return [];
    // Never hand out entries while a snapshot is pending: which should apply first would be unclear.
    if (this.hasNextOrInProgressSnapshot()) return [];
    const lo = this.applying + 1;
    const hi = this.maxAppliableIndex(allowUnstable) + 1;
    if (lo >= hi) return [];
    const maxSize = this.maxApplyingEntsSize - this.applyingEntsSize;
    if (maxSize <= 0) {
      throw new Error(
        `applying entry size (${this.maxApplyingEntsSize}-${this.applyingEntsSize})=${maxSize} not positive`,
      );
    }
    try {
      return this.slice(lo, hi, maxSize);
    } catch (e) {
      throw new Error(`unexpected error when getting unapplied entries (${String(e)})`);
    }
  }

  /** Cheap check whether nextCommittedEnts would return anything. */
  hasNextCommittedEnts(allowUnstable: boolean): boolean {
    if (this.applyingEntsPaused) return false;
    if (this.hasNextOrInProgressSnapshot()) return false;
    return this.applying + 1 < this.maxAppliableIndex(allowUnstable) + 1;
  }

  /** Highest committed index that may be applied (only persisted ones unless allowUnstable). */
  maxAppliableIndex(allowUnstable: boolean): Index {
    if (allowUnstable) return this.committed;
    return Math.min(this.committed, this.unstable.offset - 1);
  }

  /** The unstable snapshot, if it has not been handed to the host yet. */
  nextUnstableSnapshot(): Snapshot | undefined {
    return this.unstable.nextSnapshot();
  }

  hasNextUnstableSnapshot(): boolean {
    return this.unstable.nextSnapshot() !== undefined;
  }

  /** Whether a snapshot is pending, handed to the host or not. */
  hasNextOrInProgressSnapshot(): boolean {
    return this.unstable.snapshot !== undefined;
  }

  /** The unstable snapshot if any, else Storage's (which may throw). */
  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  firstIndex(): Index {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): Index {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** Raises committed to tocommit (never lowers it); throws if tocommit is past the last index. */
  commitTo(tocommit: Index): void {
    if (this.committed < tocommit) {
      if (this.lastIndex() < tocommit) {
        throw new Error(
          `tocommit(${tocommit}) is out of range [lastIndex(${this.lastIndex()})]. ` +
            "Was the raft log corrupted, truncated, or lost?",
        );
      }
      this.committed = tocommit;
    }
  }

  /** The application applied up to i; size is the encoding size of the entries acknowledged. */
  appliedTo(i: Index, size: number): void {
    if (this.committed < i || i < this.applied) {
      throw new Error(
        `applied(${i}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`,
      );
    }
    this.applied = i;
    this.applying = Math.max(this.applying, i);
    // Clamp at zero, as etcd guards its unsigned counter against underflow.
    this.applyingEntsSize = this.applyingEntsSize > size ? this.applyingEntsSize - size : 0;
    this.applyingEntsPaused = this.applyingEntsSize >= this.maxApplyingEntsSize;
  }

  /** Entries up to i, of encoding size `size`, were handed to the application for applying. */
  acceptApplying(i: Index, size: number, allowUnstable: boolean): void {
    if (this.committed < i) {
      throw new Error(
        `applying(${i}) is out of range [prevApplying(${this.applying}), committed(${this.committed})]`,
      );
    }
    this.applying = i;
    this.applyingEntsSize += size;
    // Pause when the budget is used up, or when the last batch was cut short by the budget (the
    // next entry would exceed it).
    this.applyingEntsPaused =
      this.applyingEntsSize >= this.maxApplyingEntsSize || i < this.maxAppliableIndex(allowUnstable);
  }

  stableTo(id: EntryID): void {
    this.unstable.stableTo(id);
  }

  stableSnapTo(i: Index): void {
    this.unstable.stableSnapTo(i);
  }

  /** The host started persisting the current unstable entries and snapshot. */
  acceptUnstable(): void {
    this.unstable.acceptInProgress();
  }

  lastTerm(): Term {
    return this.lastEntryID().term;
  }

  lastEntryID(): EntryID {
    const index = this.lastIndex();
    let term: Term;
    try {
      term = this.term(index);
    } catch (e) {
      throw new Error(`unexpected error when getting the last term at ${index}: ${String(e)}`);
    }
    return { term, index };
  }

  /**
   * Term of entry i, for i in [firstIndex() - 1, lastIndex()]. Throws ErrCompacted below that
   * range and ErrUnavailable above it.
   */
  term(i: Index): Term {
    // The unstable tail answers without touching Storage; whatever it knows is in range.
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    if (i + 1 < this.firstIndex()) throw new RaftException("ErrCompacted");
    if (i > this.lastIndex()) throw new RaftException("ErrUnavailable");
    return this.storage.term(i);
  }

  /** Entries from i to the end, at most maxSize bytes (at least one). Empty past the end. */
  entries(i: Index, maxSize: number): Entry[] {
    if (i > this.lastIndex()) return [];
    return this.slice(i, this.lastIndex() + 1, maxSize);
  }

  /** Every entry in the log. */
  allEntries(): Entry[] {
    try {
      return this.entries(this.firstIndex(), NO_LIMIT);
    } catch (e) {
      // etcd retries after a compaction racing with the read; the first index has moved on.
      if (raftErrorOf(e) === "ErrCompacted") return this.entries(this.firstIndex(), NO_LIMIT);
      throw e;
    }
  }

  /**
   * Whether a log ending at `their` is at least as up-to-date as ours: a later last term wins,
   * and with equal last terms the longer log wins (ties count as up-to-date).
   */
  isUpToDate(their: EntryID): boolean {
    const our = this.lastEntryID();
    return their.term > our.term || (their.term === our.term && their.index >= our.index);
  }

  /** Whether our log has an entry at id.index with term id.term. */
  matchTerm(id: EntryID): boolean {
    // Answered without term()'s exceptions where possible: followers probe past their last index
    // on every append, and building an exception each time dominated replication's profile.
    const t = this.unstable.maybeTerm(id.index);
    if (t !== undefined) return t === id.term;
    if (id.index + 1 < this.firstIndex() || id.index > this.lastIndex()) return false;
    try {
      return this.storage.term(id.index) === id.term;
    } catch (e) {
      if (!isOutOfBounds(e)) throw e;
      return false;
    }
  }

  /**
   * Commits up to `at` if it is beyond committed and our entry there has at's term. Term 0 never
   * matches: a leader always has a positive term.
   */
  maybeCommit(at: EntryID): boolean {
    if (at.term !== 0 && at.index > this.committed && this.matchTerm(at)) {
      this.commitTo(at.index);
      return true;
    }
    return false;
  }

  /** Replaces the log with the snapshot s, which becomes the commit point. */
  restore(s: Snapshot): void {
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }

  /**
   * Visits the entries in [lo, hi) in consecutive pages of at most pageSize bytes (a single
   * larger entry forms its own page). Stops when the visitor returns "stop". The whole range must
   * exist; otherwise throws, possibly after visiting some pages.
   */
  scan(lo: Index, hi: Index, pageSize: number, visit: ScanVisitor): void {
    let from = lo;
    while (from < hi) {
      const ents = this.slice(from, hi, pageSize);
      if (ents.length === 0) throw new Error(`got 0 entries in [${from}, ${hi})`);
      if (visit(ents) === "stop") return;
      from += ents.length;
    }
  }

  /** Entries in [lo, hi), at most maxSize bytes (at least one). ErrCompacted if lo is compacted. */
  slice(lo: Index, hi: Index, maxSize: number): Entry[] {
    this.mustCheckOutOfBounds(lo, hi);
    if (lo === hi) return [];
    if (lo >= this.unstable.offset) {
      return limitSize(this.unstable.slice(lo, hi), maxSize);
    }

    const cut = Math.min(hi, this.unstable.offset);
    let ents: Entry[];
    try {
      ents = this.storage.entries(lo, cut, maxSize);
    } catch (e) {
      if (raftErrorOf(e) === "ErrUnavailable") {
        throw new Error(`entries[${lo}:${cut}) is unavailable from storage`);
      }
      throw e;
    }
    if (hi <= this.unstable.offset) return ents;

    // Storage already stopped short of cut: the size limit is reached.
    if (ents.length < cut - lo) return ents;
    const size = entsSize(ents);
    if (size >= maxSize) return ents;

    const unstable = limitSize(this.unstable.slice(this.unstable.offset, hi), maxSize - size);
    // limitSize keeps one entry even when it alone exceeds the remaining budget; drop it then.
    if (unstable.length === 1 && size + entsSize(unstable) > maxSize) return ents;
    return extend(ents, unstable);
  }

  /**
   * Requires firstIndex() <= lo <= hi <= lastIndex() + 1. Throws ErrCompacted when lo is below
   * firstIndex, and an Error for the other violations.
   */
  mustCheckOutOfBounds(lo: Index, hi: Index): void {
    if (lo > hi) throw new Error(`invalid slice ${lo} > ${hi}`);
    const fi = this.firstIndex();
    if (lo < fi) throw new RaftException("ErrCompacted");
    const last = this.lastIndex();
    if (hi > last + 1) throw new Error(`slice[${lo},${hi}) out of bound [${fi},${last}]`);
  }

  /**
   * Term of entry i, or 0 when i is compacted or beyond the log (etcd's zeroTermOnOutOfBounds
   * applied to term(i)).
   */
  zeroTermOnOutOfBounds(i: Index): Term {
    try {
      return this.term(i);
    } catch (e) {
      if (!isOutOfBounds(e)) throw e;
      return 0;
    }
  }
}

/** Whether e is term()'s signal for an index outside [firstIndex() - 1, lastIndex()]. */
function isOutOfBounds(e: unknown): boolean {
  const code = raftErrorOf(e);
  return code === "ErrCompacted" || code === "ErrUnavailable";
}

/** A log over storage, recovered to the storage's last compaction point (etcd's newLog). */
export function newLog(storage: Storage): RaftLog {
  return new RaftLog(storage, NO_LIMIT);
}

/** As newLog, with a cap on the size of entries handed out for applying and not acknowledged. */
export function newLogWithSize(storage: Storage, maxApplyingEntsSize: number): RaftLog {
  return new RaftLog(storage, maxApplyingEntsSize);
}
