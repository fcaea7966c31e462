// What clients can see: applied entries are committed, in order, identical everywhere; and an
// acknowledged operation is held by the newest leader.
import type { InvariantDef, NodeStep, StepContext } from "./context.js";
import { fmtEntry, sameEntry } from "./history.js";

export const stateMachineSafety: InvariantDef = {
  id: "state-machine-safety",
  name: "StateMachineSafety",
  definition:
    "Every applied entry equals the entry committed at its index and every entry ever applied there; within an incarnation a node applies consecutive indices (after the last index it applied or reported applied, or an installed snapshot), never skipping or repeating (a snapshot installed in the step, between two applies, counts as applied up to its index).",
  tla: "raft thesis Figure 3 State Machine Safety (main theorem); etcd PR #381 StateMachineConsistency",
  check(ctx: StepContext): void {
    const h = ctx.state.history;
    for (const n of ctx.nodes) {
      const list = n.applied;
      const first = list[0];
      const last = list[list.length - 1];
      const snap = n.change.snapshot;
      const mine = ctx.state.lastApplied.get(n.id);
      const tracked = mine !== undefined && mine.incarnation === n.cur.incarnation ? mine.index : 0;
      if (last !== undefined || snap !== undefined) {
        // A snapshot install applies everything up to its index (nothing is applied after it until
        // etcd has handed the snapshot to storage, so the next entry follows it either way).
        const upTo = Math.max(tracked, last?.index ?? 0, snap?.index ?? 0);
        ctx.state.lastApplied.set(n.id, { incarnation: n.cur.incarnation, index: upTo });
      }
      if (first === undefined) continue;
      const p = n.prev;
      if (n.continuous && p !== undefined) {
        // status.applied only moves when the node is told the apply happened (MsgStorageApplyResp
        // with async storage writes), so what this incarnation already applied comes first.
        const before = Math.max(tracked, p.applied);
        if (first.index !== before + 1 && (snap === undefined || first.index !== snap.index + 1)) {
          ctx.report(this, `node ${n.id} applied ${first.index} right after ${before}`, [n.id]);
        }
      }
      for (let i = 1; i < list.length; i++) {
        // A snapshot installed between two applies of one step (e.g. a restarted node re-applies its
        // durable prefix, then is sent the leader's snapshot) moves the next index past it.
        const after = list[i - 1]!.index;
        const resumes = snap !== undefined && snap.index > after && list[i]!.index === snap.index + 1;
        if (list[i]!.index !== after + 1 && !resumes) {
          ctx.report(this, `node ${n.id} applied ${list[i]!.index} right after ${list[i - 1]!.index}`, [n.id]);
        }
      }
      for (const e of list) {
        const rec = h.committed.get(e.index);
        if (rec === undefined) {
          if (e.index > n.cur.commit) {
            ctx.report(this, `node ${n.id} applied ${fmtEntry(e, e.index)} above its commit ${n.cur.commit}`, [n.id]);
            continue;
          }
          h.committed.set(e.index, { term: e.term, digest: e.digest, ct: ctx.maxTerm, node: n.id, step: ctx.obs.step });
        } else if (!sameEntry(rec, e)) {
          ctx.report(this, `node ${n.id} applied ${fmtEntry(e, e.index)}, but ${fmtEntry(rec, e.index)} was committed`, [n.id, rec.node]);
          continue;
        }
        const was = h.applied.get(e.index);
        if (was === undefined) h.applied.set(e.index, { term: e.term, digest: e.digest, node: n.id });
        else if (!sameEntry(was, e)) {
          ctx.report(this, `node ${n.id} applied ${fmtEntry(e, e.index)}, but node ${was.node} applied ${fmtEntry(was, e.index)}`, [n.id, was.node]);
        }
      }
    }
  },
};

export const ackedDurability: InvariantDef = {
  id: "acked-durability",
  name: "AckedDurability",
  definition:
    "Every client operation acknowledged as committed (digest at index) is held (or compacted) by each running leader whose term is the highest term of any node.",
  tla: "Vanlightly raft-tlaplus LeaderHasAllAckedValues",
  check(ctx: StepContext): void {
    const h = ctx.state.history;
    const fresh = ctx.obs.acked ?? [];
    for (const a of fresh) h.addAck({ digest: a.digest, index: a.index, step: ctx.obs.step });
    if (h.acked.length === 0) return;
    const done = ctx.state.ackedChecked;
    for (const l of ctx.leaders()) {
      if (l.cur.term !== ctx.maxTerm) continue;
      const d = done.get(l.id);
      let candidates: Iterable<{ digest: string; index: number; step: number }>;
      if (d === undefined || d.term !== l.cur.term || d.incarnation !== l.cur.incarnation) {
        done.set(l.id, { term: l.cur.term, incarnation: l.cur.incarnation });
        candidates = h.acked; // once per leadership
      } else {
        // Afterwards only new acknowledgements and the leader's changed indices matter.
        const changed = [...l.change.removed, ...l.change.written.map((w) => w.entry)].flatMap((e) => h.ackedByIndex.get(e.index) ?? []);
        candidates = [...changed, ...h.acked.slice(h.acked.length - fresh.length)];
      }
      for (const a of candidates) {
        if (holdsAck(l, a)) continue;
        const e = l.log.at(a.index);
        ctx.report(
          this,
          `leader ${l.id} of term ${l.cur.term} has ${e === undefined ? "nothing" : fmtEntry(e)} at ${a.index}, but operation ${a.digest} was acknowledged there (step ${a.step})`,
          [l.id],
        );
        break;
      }
    }
  },
};

function holdsAck(l: NodeStep, a: { digest: string; index: number }): boolean {
  if (a.index <= l.log.snapIndex) return true;
  return l.log.at(a.index)?.digest === a.digest;
}
