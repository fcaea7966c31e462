// The checker's own copy of each node's log. LogObs views are shared and mutated by the harness,
// so the entries a step removed are only known if we kept them; the mirror is updated from the
// step's LogDelta (work proportional to the change) and only re-synchronised from the view when
// the two disagree.
import type { EntryObs, LogDelta, LogObs } from "./observation.js";

export interface WrittenEntry {
  readonly entry: EntryObs;
  /** Term of the entry just before it when it was written (snapshot term at the log start). */
  readonly prevTerm: number | undefined;
}

/** What one step did to one node's log. */
export interface LogChange {
  /** Entries present at s−1 and dropped by this step (not compacted), ascending. */
  readonly removed: EntryObs[];
  readonly written: WrittenEntry[];
  /** Entries that left the log because they were compacted into a snapshot. */
  readonly compacted: EntryObs[];
  snapshot: { readonly index: number; readonly term: number } | undefined;
  /** Anomalies in the delta itself (gaps, bad indices), reported by log-well-formed. */
  readonly anomalies: string[];
  /** Lowest index whose content may differ from s−1 (Infinity if none). */
  minChanged: number;
  /** True when the delta disagreed with the view and the mirror was rebuilt from it. */
  resynced: boolean;
}

const UNCHANGED: LogChange = Object.freeze({
  removed: Object.freeze([]) as unknown as EntryObs[],
  written: Object.freeze([]) as unknown as WrittenEntry[],
  compacted: Object.freeze([]) as unknown as EntryObs[],
  snapshot: undefined,
  anomalies: Object.freeze([]) as unknown as string[],
  minChanged: Infinity,
  resynced: false,
});

export class LogMirror {
  snapIndex = 0;
  snapTerm = 0;
  private entries: EntryObs[] = [];
  /** Indices of config entries, ascending. */
  readonly configIndices: number[] = [];

  get lastIndex(): number {
    return this.snapIndex + this.entries.length;
  }

  get firstIndex(): number {
    return this.snapIndex + 1;
  }

  at(index: number): EntryObs | undefined {
    if (index <= this.snapIndex) return undefined;
    return this.entries[index - this.snapIndex - 1];
  }

  termAt(index: number): number | undefined {
    if (index === this.snapIndex) return this.snapTerm;
    return this.at(index)?.term;
  }

  /** Index of the last config entry below `index`, or 0. */
  lastConfigBefore(index: number): number {
    for (let i = this.configIndices.length - 1; i >= 0; i--) {
      const k = this.configIndices[i]!;
      if (k < index) return k;
    }
    return 0;
  }

  /** Apply one step's delta, then make sure the mirror agrees with the harness's view. */
  update(delta: LogDelta | undefined, view: LogObs): LogChange {
    // Most steps leave most logs alone: one shared, empty change then.
    if (delta === undefined && this.agrees(view)) return UNCHANGED;
    const change: LogChange = {
      removed: [],
      written: [],
      compacted: [],
      snapshot: undefined,
      anomalies: [],
      minChanged: Infinity,
      resynced: false,
    };
    if (delta !== undefined) {
      if (delta.snapshotInstalled !== undefined) this.install(delta.snapshotInstalled, change);
      if (delta.truncatedAfter !== undefined) this.truncate(delta.truncatedAfter, change);
      for (const e of delta.written) this.write(e, change);
    }
    if (view.snapIndex > this.snapIndex && view.snapIndex <= this.lastIndex && this.termAt(view.snapIndex) === view.snapTerm) {
      this.compact(view.snapIndex, change);
    }
    if (!this.agrees(view)) this.resync(view, change);
    return change;
  }

  private install(snap: { readonly index: number; readonly term: number }, change: LogChange): void {
    for (const e of this.entries) {
      if (e.index > snap.index) change.removed.push(e);
      else change.compacted.push(e);
    }
    change.minChanged = Math.min(change.minChanged, snap.index + 1);
    this.entries = [];
    this.configIndices.length = 0;
    this.snapIndex = snap.index;
    this.snapTerm = snap.term;
    change.snapshot = snap;
  }

  private truncate(after: number, change: LogChange): void {
    if (after >= this.lastIndex) return;
    const keep = Math.max(after, this.snapIndex) - this.snapIndex;
    if (after < this.snapIndex) change.anomalies.push(`truncation after ${after} reaches below the snapshot at ${this.snapIndex}`);
    for (const e of this.entries.slice(keep)) change.removed.push(e);
    this.entries.length = keep;
    while (this.configIndices.length > 0 && this.configIndices[this.configIndices.length - 1]! > this.lastIndex) this.configIndices.pop();
    change.minChanged = Math.min(change.minChanged, this.lastIndex + 1);
  }

  private write(e: EntryObs, change: LogChange): void {
    if (e.index <= this.snapIndex) {
      change.anomalies.push(`entry ${e.index} written at or below the snapshot index ${this.snapIndex}`);
      return;
    }
    if (e.index <= this.lastIndex) this.truncate(e.index - 1, change); // etcd truncate-and-append
    if (e.index > this.lastIndex + 1) {
      change.anomalies.push(`entry ${e.index} written after last index ${this.lastIndex} (gap)`);
      return;
    }
    change.written.push({ entry: e, prevTerm: this.termAt(e.index - 1) });
    this.entries.push(e);
    if (e.kind === "config") this.configIndices.push(e.index);
    change.minChanged = Math.min(change.minChanged, e.index);
  }

  private compact(index: number, change: LogChange): void {
    const n = index - this.snapIndex;
    for (const e of this.entries.slice(0, n)) change.compacted.push(e);
    this.snapTerm = this.termAt(index) ?? this.snapTerm;
    this.entries = this.entries.slice(n);
    this.snapIndex = index;
    while (this.configIndices.length > 0 && this.configIndices[0]! <= index) this.configIndices.shift();
  }

  /** O(1) agreement test: bounds and the last entry. */
  private agrees(view: LogObs): boolean {
    if (view.snapIndex !== this.snapIndex || view.lastIndex !== this.lastIndex) return false;
    if (view.lastIndex === view.snapIndex) return view.snapTerm === this.snapTerm;
    const a = view.entry(view.lastIndex);
    const b = this.at(this.lastIndex);
    return a !== undefined && b !== undefined && a.term === b.term && a.digest === b.digest;
  }

  /** Rebuild from the view, recording the difference as removals and writes. */
  private resync(view: LogObs, change: LogChange): void {
    change.resynced = true;
    if (view.snapIndex !== this.snapIndex || view.snapTerm !== this.snapTerm) {
      if (view.snapIndex > this.snapIndex && this.termAt(view.snapIndex) === view.snapTerm) this.compact(view.snapIndex, change);
      else this.install({ index: view.snapIndex, term: view.snapTerm }, change);
    }
    let k = this.snapIndex + 1;
    while (k <= Math.min(this.lastIndex, view.lastIndex)) {
      const a = view.entry(k);
      const b = this.at(k);
      if (a === undefined || b === undefined || a.term !== b.term || a.digest !== b.digest) break;
      k++;
    }
    this.truncate(k - 1, change);
    for (let i = k; i <= view.lastIndex; i++) {
      const e = view.entry(i);
      if (e === undefined) {
        change.anomalies.push(`the log view has no entry at ${i} (last index ${view.lastIndex})`);
        break;
      }
      this.write(e, change);
    }
  }
}
