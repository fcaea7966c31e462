// A node's log as the harness saw it handed out for persistence (Ready entries / snapshot, or
// MsgStorageAppend), kept as a LogObs for the invariant checker, with the per-step change recorded.
import type { Entry } from "../driver/types.js";
import type { EntryObs, LogDelta, LogObs } from "../invariants/observation.js";
import { confChangeKind, decodeConfChangeEntry } from "./confchange-text.js";

export function entryObs(e: Entry): EntryObs {
  const digest = `${e.type}:${Buffer.from(e.data).toString("hex")}`;
  if (e.type === "EntryNormal") return { index: e.index, term: e.term, kind: e.data.length === 0 ? "noop" : "normal", digest };
  const cc = decodeConfChangeEntry(e.type, e.data);
  return { index: e.index, term: e.term, kind: "config", digest, confChange: cc === undefined ? undefined : confChangeKind(cc) };
}

interface MutableDelta {
  truncatedAfter?: number | undefined;
  written: EntryObs[];
  snapshotInstalled?: { index: number; term: number } | undefined;
}

export class LogView implements LogObs {
  snapIndex = 0;
  snapTerm = 0;
  private ents: EntryObs[] = [];
  /** The entries themselves, parallel to `ents` (observable checks compare payloads). */
  private raw: Entry[] = [];
  private delta: MutableDelta | undefined;
  private lastAtStepStart = 0;

  get lastIndex(): number {
    return this.snapIndex + this.ents.length;
  }

  entry(index: number): EntryObs | undefined {
    return index > this.snapIndex ? this.ents[index - this.snapIndex - 1] : undefined;
  }

  entries(): readonly Entry[] {
    return this.raw;
  }

  beginStep(): void {
    this.delta = undefined;
    this.lastAtStepStart = this.lastIndex;
  }

  takeDelta(): LogDelta | undefined {
    const d = this.delta;
    this.delta = undefined;
    return d;
  }

  private d(): MutableDelta {
    this.delta ??= { written: [] };
    return this.delta;
  }

  append(entries: readonly Entry[]): void {
    const fresh = entries.filter((e) => e.index > this.snapIndex);
    const first = fresh[0];
    if (first === undefined) return;
    const cutAt = first.index - 1;
    if (cutAt < this.lastIndex) {
      const d = this.d();
      if (cutAt < this.lastAtStepStart) d.truncatedAfter = Math.min(d.truncatedAfter ?? cutAt, cutAt);
      d.written = d.written.filter((e) => e.index <= cutAt);
      this.ents = this.ents.slice(0, Math.max(0, cutAt - this.snapIndex));
      this.raw = this.raw.slice(0, Math.max(0, cutAt - this.snapIndex));
    }
    const obs = fresh.map(entryObs);
    this.ents.push(...obs);
    this.raw.push(...fresh);
    this.d().written.push(...obs);
  }

  installSnapshot(index: number, term: number): void {
    this.snapIndex = index;
    this.snapTerm = term;
    this.ents = [];
    this.raw = [];
    const d = this.d();
    d.snapshotInstalled = { index, term };
    d.written = [];
    d.truncatedAfter = undefined;
  }

  /** Log compaction: entries up to index are no longer held (not a change of the log's content). */
  compact(index: number, term: number): void {
    if (index <= this.snapIndex) return;
    this.ents = this.ents.slice(index - this.snapIndex);
    this.raw = this.raw.slice(index - this.snapIndex);
    this.snapIndex = index;
    this.snapTerm = term;
  }

  /** After a crash the node's log is what was durable. */
  resetTo(snapIndex: number, snapTerm: number, entries: readonly Entry[]): void {
    const before = this.lastIndex;
    const lostSnapshot = snapIndex < this.snapIndex;
    this.snapIndex = snapIndex;
    this.snapTerm = snapTerm;
    this.ents = entries.map(entryObs);
    this.raw = [...entries];
    if (lostSnapshot) {
      // A snapshot handed out but never persisted (async storage writes) is lost with the crash:
      // the log restarts from the durable snapshot, which is what the delta says.
      const d = this.d();
      d.snapshotInstalled = { index: snapIndex, term: snapTerm };
      d.truncatedAfter = undefined;
      d.written = [...this.ents];
    } else if (this.lastIndex < before) {
      const d = this.d();
      d.truncatedAfter = Math.min(d.truncatedAfter ?? this.lastIndex, this.lastIndex);
      d.written = d.written.filter((e) => e.index <= this.lastIndex);
    }
  }
}
