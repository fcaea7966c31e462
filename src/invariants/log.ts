// Log shape and agreement: well-formed logs, Log Matching over every entry ever reported, leaders
// that only append, and entries of a leader's term that only come from that leader.
import { entryClaims, fmtInjected } from "./claims.js";
import type { InvariantDef, NodeStep, StepContext } from "./context.js";
import { fmtEntry } from "./history.js";
import type { EntryObs } from "./observation.js";

export const logWellFormed: InvariantDef = {
  id: "log-well-formed",
  name: "LogWellFormed",
  definition:
    "Log indices are contiguous, entry terms are ≥ 1, never decrease along the log and never exceed the node's term (entries above the snapshot; a bootstrap snapshot may carry term 1 on a node at term 0; an entry the trace stepped in by hand in a MsgApp of a lower term); on a running node snapIndex ≤ commit ≤ lastIndex and applied ≤ commit.",
  tla: "raft thesis Lemmas 6–7; ccfraft.tla MonoLogInv; etcd PR #381 CommitIndexBoundInv, AppliedBoundInv, SnapshotCommitConsistencyInv, LogTermMonotonic, TermNeverZeroInLogInv, CurrentTermAtLeastLogTerm",
  check(ctx: StepContext): void {
    const aboveTerm = ctx.state.injectedAboveTerm;
    for (const { entry: e, msg } of entryClaims(ctx.obs)) if (e.term > msg.term) aboveTerm.set(`${e.index}/${e.term}`, e.digest);
    for (const n of ctx.nodes) {
      const c = n.cur;
      for (const a of n.change.anomalies) ctx.report(this, `node ${n.id}: ${a}`, [n.id]);
      for (const w of n.change.written) {
        const e = w.entry;
        if (e.term < 1) ctx.report(this, `node ${n.id} wrote entry ${e.index} with term ${e.term}`, [n.id]);
        if (w.prevTerm !== undefined && w.prevTerm > e.term) {
          ctx.report(this, `node ${n.id} wrote entry ${e.index} of term ${e.term} after an entry of term ${w.prevTerm}`, [n.id]);
        }
      }
      // Only entries above the snapshot: a bootstrap snapshot (etcd's add-nodes index=N, term 1)
      // legitimately carries a term above a fresh node's term 0.
      const last = n.log.lastIndex > n.log.snapIndex ? n.log.at(n.log.lastIndex) : undefined;
      const lastTerm = last?.term ?? 0;
      // The one exception: the trace itself handed the node that entry in a lower-term MsgApp.
      const injected = last !== undefined && aboveTerm.get(`${last.index}/${last.term}`) === last.digest;
      if (lastTerm > c.term && !injected) ctx.report(this, `node ${n.id} holds an entry of term ${lastTerm} above its term ${c.term}`, [n.id]);
      if (!c.up) continue;
      if (c.logPending !== true && c.commit > n.log.lastIndex) ctx.report(this, `node ${n.id} commit ${c.commit} is above its last index ${n.log.lastIndex}`, [n.id]);
      if (c.commit < n.log.snapIndex) ctx.report(this, `node ${n.id} compacted to ${n.log.snapIndex} beyond its commit ${c.commit}`, [n.id]);
      if (c.applied > c.commit) ctx.report(this, `node ${n.id} applied ${c.applied} is above its commit ${c.commit}`, [n.id]);
    }
  },
};

export const logMatching: InvariantDef = {
  id: "log-matching",
  name: "LogMatching",
  definition:
    "Across all nodes and all steps (and the MsgApps a trace steps in by hand), an (index, term) pair always carries the same entry and follows the same term at index−1; by induction two logs holding the same (index, term) are identical up to it.",
  tla: "raft thesis Figure 3 Log Matching / Lemma 4 over allLogs; etcdraft.tla, ccfraft.tla LogMatchingInv (simultaneous form)",
  check(ctx: StepContext): void {
    const h = ctx.state.history;
    // Entries of hand-made MsgApps first: they are what the (often unsimulated) sender holds, and
    // what the receiving node writes in this step follows from them.
    for (const c of entryClaims(ctx.obs)) {
      const e = c.entry;
      const rec = h.entryRecord(e.index, e.term);
      if (rec === undefined) {
        h.addEntryRecord(e.index, { term: e.term, digest: e.digest, prevTerm: c.prevTerm, firstNode: c.msg.from, firstStep: ctx.obs.step });
      } else if (rec.digest !== e.digest || (rec.prevTerm !== undefined && c.prevTerm !== undefined && rec.prevTerm !== c.prevTerm)) {
        ctx.report(
          this,
          `${fmtInjected(c.msg)} carries ${fmtEntry(e, e.index)} after term ${c.prevTerm ?? "?"}, but node ${rec.firstNode} held ${fmtEntry(rec, e.index)} after term ${rec.prevTerm ?? "?"} (step ${rec.firstStep})`,
          [c.msg.to, rec.firstNode],
        );
      }
    }
    for (const n of ctx.nodes) {
      for (const w of n.change.written) {
        const e = w.entry;
        const rec = h.entryRecord(e.index, e.term);
        if (rec === undefined) {
          h.addEntryRecord(e.index, { term: e.term, digest: e.digest, prevTerm: w.prevTerm, firstNode: n.id, firstStep: ctx.obs.step });
        } else if (rec.digest !== e.digest) {
          ctx.report(this, `node ${n.id} holds ${fmtEntry(e, e.index)} but node ${rec.firstNode} held ${fmtEntry(rec, e.index)} (step ${rec.firstStep})`, [n.id, rec.firstNode]);
        } else if (rec.prevTerm !== undefined && w.prevTerm !== undefined && rec.prevTerm !== w.prevTerm) {
          ctx.report(
            this,
            `node ${n.id} holds entry ${e.index} of term ${e.term} after term ${w.prevTerm}, node ${rec.firstNode} held it after term ${rec.prevTerm}`,
            [n.id, rec.firstNode],
          );
        }
      }
    }
  },
};

export const leaderAppendOnly: InvariantDef = {
  id: "leader-append-only",
  name: "LeaderAppendOnly",
  definition:
    "While a node stays leader of the same term in the same incarnation it never removes, overwrites or snapshots over entries of its log; it only appends (and compacts).",
  tla: "raft thesis Figure 3 Leader Append-Only / Lemma 3; ccfraft.tla PermittedLogChangesProp",
  check(ctx: StepContext): void {
    for (const n of ctx.nodes) {
      const p = n.prev;
      if (!n.continuous || p === undefined || p.role !== "leader" || n.cur.role !== "leader" || p.term !== n.cur.term) continue;
      if (n.change.snapshot !== undefined) {
        ctx.report(this, `leader ${n.id} installed a snapshot at ${n.change.snapshot.index} in term ${n.cur.term}`, [n.id]);
        continue;
      }
      const lost = n.change.removed.find((e) => !ctx.holds(n, e.index, e));
      if (lost !== undefined) {
        const now = n.log.at(lost.index);
        ctx.report(
          this,
          `leader ${n.id} of term ${n.cur.term} replaced ${fmtEntry(lost, lost.index)} by ${now === undefined ? "nothing" : fmtEntry(now)}`,
          [n.id],
        );
      }
    }
  },
};

export const leaderCurrentTermEntries: InvariantDef = {
  id: "leader-current-term-entries",
  name: "LeaderCurrentTermEntries",
  definition:
    "Any entry carrying a running leader's term is in that leader's log at the same index (or below its snapshot): entries of a term come only from its leader.",
  tla: "etcd PR #381 LeaderCurrentTermEntriesInv; etcdraft.tla ElectionSafetyInv (leader has the greatest index of its term) as a corollary",
  check(ctx: StepContext): void {
    const leaderOf = new Map<number, NodeStep>();
    for (const l of ctx.leaders()) if (!leaderOf.has(l.cur.term)) leaderOf.set(l.cur.term, l);
    if (leaderOf.size === 0) return;
    const reported = new Set<string>();
    const verify = (n: NodeStep, e: EntryObs): void => {
      const l = leaderOf.get(e.term);
      if (l === undefined || l === n || ctx.holds(l, e.index, e)) return;
      const key = `${n.id}/${e.index}`;
      if (reported.has(key)) return;
      reported.add(key);
      ctx.report(this, `node ${n.id} holds ${fmtEntry(e, e.index)} which leader ${l.id} of term ${e.term} does not`, [n.id, l.id]);
    };
    for (const n of ctx.nodes) for (const w of n.change.written) verify(n, w.entry);
    for (const l of leaderOf.values()) {
      const t = l.cur.term;
      // A new leader, or a leader that lost entries of its own term, is compared with every log.
      const indices = l.becameLeader
        ? (ctx.state.history.entryIndicesByTerm.get(t) ?? new Set<number>())
        : new Set(l.change.removed.filter((e) => e.term === t).map((e) => e.index));
      for (const k of indices) {
        for (const n of ctx.nodes) {
          const e = n.log.at(k);
          if (e !== undefined && e.term === t) verify(n, e);
        }
      }
    }
  },
};
