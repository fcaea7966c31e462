// Harness-owned durable storage of one node: exactly what the harness acknowledged as persisted
// (MemoryStorage semantics: hard state, snapshot, entries after it). A crash keeps this and nothing else.
import type { ConfState, DurableState, Entry, HardState, Index, Snapshot, Term } from "../driver/types.js";

export const EMPTY_CONF_STATE: ConfState = { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
export const EMPTY_HARD_STATE: HardState = { term: 0, vote: 0, commit: 0 };

export function isEmptyHardState(hs: HardState | undefined): boolean {
  return hs === undefined || (hs.term === 0 && hs.vote === 0 && hs.commit === 0);
}

export function isEmptySnapshot(s: Snapshot | undefined): boolean {
  return s === undefined || s.metadata.index === 0;
}

export class DurableStore {
  hardState: HardState = EMPTY_HARD_STATE;
  snapshot: Snapshot | undefined;
  private entries: Entry[] = [];

  get snapIndex(): Index {
    return this.snapshot?.metadata.index ?? 0;
  }
  get snapTerm(): Term {
    return this.snapshot?.metadata.term ?? 0;
  }
  get lastIndex(): Index {
    return this.snapIndex + this.entries.length;
  }
  get firstIndex(): Index {
    return this.snapIndex + 1;
  }

  allEntries(): readonly Entry[] {
    return this.entries;
  }

  setHardState(hs: HardState): void {
    this.hardState = hs;
  }

  /** Installs a snapshot; older snapshots are ignored (MemoryStorage's ErrSnapOutOfDate). */
  applySnapshot(s: Snapshot): boolean {
    if (s.metadata.index <= this.snapIndex && this.snapshot !== undefined) return false;
    this.snapshot = s;
    this.entries = [];
    return true;
  }

  /** Appends with truncation: a conflicting suffix is replaced; entries below the snapshot are skipped. */
  append(ents: readonly Entry[]): void {
    // Entries are contiguous: skip the prefix the snapshot covers.
    let start = 0;
    while (start < ents.length && (ents[start] as Entry).index <= this.snapIndex) start++;
    const first = ents[start];
    if (first === undefined) return;
    const keep = first.index - this.firstIndex;
    if (keep > this.entries.length) throw new Error(`durable log gap: last index ${this.lastIndex}, appending at ${first.index}`);
    // In place (allEntries' callers copy): rebuilding the array per append is quadratic in the log length.
    this.entries.length = keep;
    for (let i = start; i < ents.length; i++) this.entries.push(ents[i] as Entry);
  }

  /** Drops entries up to `index`; the snapshot becomes `snap` (the application state at index). */
  compact(index: Index, snap: Snapshot): void {
    if (index <= this.snapIndex) return;
    if (index > this.lastIndex) throw new Error(`compact ${index} is out of bound lastindex(${this.lastIndex})`);
    this.entries = this.entries.slice(index - this.snapIndex);
    this.snapshot = snap;
  }

  term(index: Index): Term | undefined {
    if (index === this.snapIndex) return this.snapTerm;
    return this.entries[index - this.firstIndex]?.term;
  }

  state(): DurableState {
    return { hardState: this.hardState, snapshot: this.snapshot, entries: [...this.entries] };
  }
}
