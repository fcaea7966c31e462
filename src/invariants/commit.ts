// Commitment: committed entries never change, commit only moves forward, a leader commits by
// counting replicas only for entries of its own term, commits need a quorum of holders, and
// every later leader holds what was committed before its term.
import type { InvariantDef, StepContext } from "./context.js";
import { fmtEntry, sameEntry } from "./history.js";
import { fmtConfig, isQuorum } from "./quorum.js";

export const committedAgreement: InvariantDef = {
  id: "committed-agreement",
  name: "CommittedAgreement",
  definition:
    "Every entry a node holds at or below its commit index equals the entry first seen committed at that index by any node at any step (newly committed indices of a node whose Ready is pending are compared once it is handed out); a snapshot's (index, term) agrees with it too.",
  tla: "etcdraft.tla / ccfraft.tla LogInv; ccfraft.tla CommittedLogAppendOnlyProp; Vanlightly NoLogDivergence; raft thesis State Machine Safety",
  check(ctx: StepContext): void {
    const hc = ctx.state.history.committed;
    const cursor = ctx.state.agreedUpTo;
    for (const n of ctx.nodes) {
      const snap = n.change.snapshot;
      if (snap !== undefined) {
        const rec = hc.get(snap.index);
        if (rec !== undefined && rec.term !== snap.term) {
          ctx.report(this, `node ${n.id} installed a snapshot at ${snap.index} of term ${snap.term}, but ${fmtEntry(rec, snap.index)} was committed`, [n.id, rec.node]);
        }
      }
      const done = cursor.get(n.id) ?? 0;
      const from = Math.max(Math.min(done, n.change.minChanged - 1), n.log.snapIndex);
      // A node that took inputs since its last Ready may already have replaced the uncommitted
      // tail the view still shows (a conflicting append raises commit at once): indices above
      // what was compared before wait for the Ready that hands the new entries out.
      const to = Math.min(n.cur.commit, n.log.lastIndex, n.cur.logPending === true ? done : Infinity);
      let reported = false;
      for (let k = from + 1; k <= to; k++) {
        const e = n.log.at(k)!;
        const rec = hc.get(k);
        if (rec === undefined) {
          hc.set(k, { term: e.term, digest: e.digest, ct: ctx.maxTerm, node: n.id, step: ctx.obs.step });
        } else if (!sameEntry(rec, e) && !reported) {
          reported = true;
          ctx.report(this, `node ${n.id} has ${fmtEntry(e, k)} committed, but ${fmtEntry(rec, k)} was committed by node ${rec.node} (step ${rec.step})`, [n.id, rec.node]);
        }
      }
      cursor.set(n.id, Math.max(from, to));
    }
  },
};

export const commitMonotonic: InvariantDef = {
  id: "commit-monotonic",
  name: "CommitMonotonic",
  definition:
    "Within an incarnation commit and applied never decrease; commit is persistent (etcd's HardState), so a restarted node's commit is at least the durable commit it showed while down (not checked with the volatileCommit option, for libraries whose commit index is volatile).",
  tla: "etcdraft.tla CommitTo (commitIndex' = max); ccfraft.tla MonotonicCommitIndexProp; not a property of raft.tla (volatile commitIndex)",
  check(ctx: StepContext): void {
    for (const n of ctx.nodes) {
      const p = n.prev;
      if (p === undefined) continue;
      const c = n.cur;
      if (n.continuous) {
        if (c.commit < p.commit) ctx.report(this, `node ${n.id} commit went from ${p.commit} to ${c.commit}`, [n.id]);
        if (c.applied < p.applied) ctx.report(this, `node ${n.id} applied went from ${p.applied} to ${c.applied}`, [n.id]);
      } else if (!p.up) {
        if (c.commit < p.commit && ctx.state.options.volatileCommit !== true) ctx.report(this, `node ${n.id} came back with commit ${c.commit} below its durable commit ${p.commit}`, [n.id]);
      } else {
        const floor = ctx.state.durableFloor.get(n.id);
        if (floor !== undefined && c.commit < floor.commit && ctx.state.options.volatileCommit !== true) {
          ctx.report(this, `node ${n.id} crashed with durable commit ${c.commit} below an earlier durable commit ${floor.commit}`, [n.id]);
        }
      }
    }
  },
};

export const currentTermCommitRule: InvariantDef = {
  id: "current-term-commit-rule",
  name: "CurrentTermCommitRule",
  definition:
    "When a leader advances its commit index within its term, the newly committed last entry has the leader's term (older entries are committed only indirectly, Figure 8).",
  tla: "ccfraft.tla NeverCommitEntryPrevTermsProp; raft.tla AdvanceCommitIndex (log[i][M].term = currentTerm[i])",
  check(ctx: StepContext): void {
    for (const n of ctx.nodes) {
      const p = n.prev;
      const c = n.cur;
      if (!n.continuous || p === undefined || p.role !== "leader" || c.role !== "leader" || p.term !== c.term) continue;
      if (c.commit <= p.commit) continue;
      const e = n.log.at(c.commit);
      if (e !== undefined && e.term !== c.term) {
        ctx.report(this, `leader ${n.id} of term ${c.term} advanced commit to ${fmtEntry(e, c.commit)} of an older term`, [n.id]);
      }
    }
  },
};

export const commitQuorum: InvariantDef = {
  id: "commit-quorum",
  name: "CommitQuorum",
  definition:
    "When a leader's commit index advances to K, the nodes holding its entry K (or a snapshot covering K; crashed nodes by their durable log) form a quorum of the leader's configuration before or after the step.",
  tla: "ccfraft.tla ReplicationInv; Vanlightly CommittedEntriesReachMajority; etcdraft.tla QuorumLogInv evaluated at commit time (safe during reconfiguration)",
  check(ctx: StepContext): void {
    for (const l of ctx.leaders()) {
      const p = l.prev;
      if (!l.continuous || p === undefined || l.cur.commit <= p.commit) continue;
      const k = l.cur.commit;
      const held = ctx.holdersOf(l, k);
      if (held === undefined) continue; // commit beyond the log: log-well-formed reports it
      const { entry, holders } = held;
      if (isQuorum(holders, l.cur.config) || isQuorum(holders, p.config)) continue;
      ctx.report(this, `leader ${l.id} committed ${fmtEntry(entry, k)} held only by [${[...holders].join(",")}] in ${fmtConfig(l.cur.config)}`, [l.id]);
    }
  },
};

export const leaderCompleteness: InvariantDef = {
  id: "leader-completeness",
  name: "LeaderCompleteness",
  definition:
    "A leader of term T holds (or has compacted) every entry first seen committed while every node's term was below T (ct[k] < T): the commit-term form of Figure 3, not the entry-term form.",
  tla: "raft thesis Figure 3 Leader Completeness (committed(t) over elections); not etcdraft.tla/ccfraft.tla LeaderCompletenessInv, which misfires on stale leaders (research/tla.md §3.5)",
  check(ctx: StepContext): void {
    const hc = ctx.state.history.committed;
    const done = ctx.state.completenessChecked;
    for (const l of ctx.leaders()) {
      const t = l.cur.term;
      const d = done.get(l.id);
      let indices: Iterable<number>;
      if (d === undefined || d.term !== t || d.incarnation !== l.cur.incarnation) {
        indices = hc.keys(); // once per leadership
        done.set(l.id, { term: t, incarnation: l.cur.incarnation });
      } else {
        // Later in the same leadership only the leader's changed indices can break it: entries
        // first committed from now on have ct ≥ t.
        indices = [...l.change.removed, ...l.change.written.map((w) => w.entry)].map((e) => e.index);
      }
      for (const k of indices) {
        const rec = hc.get(k);
        if (rec === undefined || rec.ct >= t || ctx.holds(l, k, rec)) continue;
        const mine = l.log.at(k);
        ctx.report(
          this,
          `leader ${l.id} of term ${t} has ${mine === undefined ? "nothing" : fmtEntry(mine)} at ${k}, but ${fmtEntry(rec, k)} was committed by term ${rec.ct}`,
          [l.id],
        );
        break;
      }
    }
  },
};
