// Durability against the harness's persistence acknowledgements (durableLastIndex).
import type { InvariantDef, StepContext } from "./context.js";

export const durability: InvariantDef = {
  id: "durability",
  name: "Durability",
  definition:
    "A running leader's commit index never exceeds its durable last index (it counts itself only after persisting); a crash keeps at least the durable prefix of the log; a node restarted from its durable state comes back with exactly the durable term and vote.",
  tla: "etcdraft.tla CommittedIsDurableInv and Restart (from durableState); Vanlightly RaftFsync.tla (LeaderFsyncBeforeIncludeInQuorum)",
  check(ctx: StepContext): void {
    for (const n of ctx.nodes) {
      const c = n.cur;
      const p = n.prev;
      if (c.up && c.role === "leader" && c.commit > c.durableLastIndex) {
        ctx.report(this, `leader ${n.id} committed ${c.commit} beyond its durable last index ${c.durableLastIndex}`, [n.id]);
      }
      if (p === undefined) continue;
      if (n.crashed && Math.max(n.log.lastIndex, n.log.snapIndex) < p.durableLastIndex) {
        ctx.report(this, `node ${n.id} crashed with last index ${n.log.lastIndex} below its durable last index ${p.durableLastIndex}`, [n.id]);
      }
      if (!p.up && c.up && (c.term !== p.term || c.vote !== p.vote)) {
        ctx.report(this, `node ${n.id} restarted with term ${c.term}/vote ${c.vote}, durable state was term ${p.term}/vote ${p.vote}`, [n.id]);
      }
    }
  },
};
