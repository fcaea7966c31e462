// The history variables of research/tla.md §5.0, kept by the checker across steps. They never
// shrink, except for what a crash proves was never durable (see retractLost in context.ts).
import type { EntryObs, NodeKey } from "./observation.js";

export interface EntryRecord {
  readonly term: number;
  readonly digest: string;
  /** Term of the preceding entry: (index, term) ↦ (digest, prevTerm) makes Log Matching inductive. */
  readonly prevTerm: number | undefined;
  readonly firstNode: NodeKey;
  readonly firstStep: number;
}

export interface CommittedRecord {
  readonly term: number;
  readonly digest: string;
  /** ct[k]: the largest term any node had at the step k was first seen committed. */
  readonly ct: number;
  readonly node: NodeKey;
  readonly step: number;
}

export interface AckRecord {
  readonly digest: string;
  readonly index: number;
  readonly step: number;
}

export class History {
  /** HL: term ↦ the leader seen in it. */
  readonly leaders = new Map<number, NodeKey>();
  /** HV: node ↦ term ↦ vote (non-zero votes seen). */
  readonly votes = new Map<NodeKey, Map<number, NodeKey>>();
  /** HE: index ↦ records of every (index, term) ever reported. */
  readonly entries = new Map<number, EntryRecord[]>();
  /** HE by term: term ↦ indices that carried it. */
  readonly entryIndicesByTerm = new Map<number, Set<number>>();
  /** HC: index ↦ committed entry (sparse: compacted prefixes may never be seen). */
  readonly committed = new Map<number, CommittedRecord>();
  /** HA: index ↦ applied entry digest. */
  readonly applied = new Map<number, { readonly term: number; readonly digest: string; readonly node: NodeKey }>();
  /** Client operations acknowledged as committed. */
  readonly acked: AckRecord[] = [];
  readonly ackedByIndex = new Map<number, AckRecord[]>();
  /** How many current logs hold an entry of each term (for candidate-term-not-in-log). */
  readonly liveTermCount = new Map<number, number>();

  addAck(a: AckRecord): void {
    this.acked.push(a);
    const at = this.ackedByIndex.get(a.index);
    if (at === undefined) this.ackedByIndex.set(a.index, [a]);
    else at.push(a);
  }

  vote(node: NodeKey, term: number): NodeKey | undefined {
    return this.votes.get(node)?.get(term);
  }

  setVote(node: NodeKey, term: number, vote: NodeKey): void {
    let m = this.votes.get(node);
    if (m === undefined) this.votes.set(node, (m = new Map()));
    m.set(term, vote);
  }

  entryRecord(index: number, term: number): EntryRecord | undefined {
    return this.entries.get(index)?.find((r) => r.term === term);
  }

  addEntryRecord(index: number, rec: EntryRecord): void {
    let rs = this.entries.get(index);
    if (rs === undefined) this.entries.set(index, (rs = []));
    rs.push(rec);
    let ks = this.entryIndicesByTerm.get(rec.term);
    if (ks === undefined) this.entryIndicesByTerm.set(rec.term, (ks = new Set()));
    ks.add(index);
  }

  removeEntryRecord(index: number, term: number): void {
    const rs = this.entries.get(index);
    if (rs === undefined) return;
    const left = rs.filter((r) => r.term !== term);
    if (left.length === 0) this.entries.delete(index);
    else this.entries.set(index, left);
    this.entryIndicesByTerm.get(term)?.delete(index);
  }

  countLive(entries: readonly EntryObs[], delta: 1 | -1): void {
    for (const e of entries) this.countLive1(e.term, delta);
  }

  countLive1(term: number, delta: 1 | -1): void {
    this.liveTermCount.set(term, (this.liveTermCount.get(term) ?? 0) + delta);
  }
}

export function sameEntry(a: { term: number; digest: string }, b: { term: number; digest: string }): boolean {
  return a.term === b.term && a.digest === b.digest;
}

export function fmtEntry(e: { term: number; digest: string }, index?: number): string {
  return `${index !== undefined ? `${index}@` : ""}t${e.term}:${e.digest}`;
}
