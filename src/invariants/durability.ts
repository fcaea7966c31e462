// Durability against the harness's persistence acknowledgements (durableLastIndex).
import type { InvariantDef, NodeStep, StepContext } from "./context.js";
import { isQuorum } from "./quorum.js";

export const durability: InvariantDef = {
  id: "durability",
  name: "Durability",
  definition:
    "A running leader's commit index K never exceeds its durable last index unless a quorum of its configuration has K durable (a leader may commit before its own write completes once enough followers persisted, never by counting its unwritten entries); a crash keeps at least the durable prefix of the log; a node restarted from its durable state comes back with exactly the durable term and vote (or, when that durable term is below its durable log's last term, as the harness's bootstrap has it, with that last term and no vote).",
  tla: "etcdraft.tla CommittedIsDurableInv and Restart (from durableState); Vanlightly RaftFsync.tla (LeaderFsyncBeforeIncludeInQuorum)",
  check(ctx: StepContext): void {
    for (const n of ctx.nodes) {
      const c = n.cur;
      const p = n.prev;
      if (c.up && c.role === "leader" && c.commit > c.durableLastIndex && !durableOnQuorum(ctx, n)) {
        ctx.report(this, `leader ${n.id} committed ${c.commit} beyond its durable last index ${c.durableLastIndex}, and no quorum has it durable`, [n.id]);
      }
      if (p === undefined) continue;
      if (n.crashed && Math.max(n.log.lastIndex, n.log.snapIndex) < p.durableLastIndex) {
        ctx.report(this, `node ${n.id} crashed with last index ${n.log.lastIndex} below its durable last index ${p.durableLastIndex}`, [n.id]);
      }
      if (!p.up && c.up && (c.term !== p.term || c.vote !== p.vote) && !raisesToLogTerm(n)) {
        ctx.report(this, `node ${n.id} restarted with term ${c.term}/vote ${c.vote}, durable state was term ${p.term}/vote ${p.vote}`, [n.id]);
      }
    }
  },
};

/** Whether the nodes that persisted leader l's entry at its commit index form a quorum. */
function durableOnQuorum(ctx: StepContext, l: NodeStep): boolean {
  const k = l.cur.commit;
  const held = ctx.holdersOf(l, k, (n) => n.cur.durableLastIndex >= k);
  if (held === undefined) return false;
  return isQuorum(held.holders, l.cur.config) || (l.prev !== undefined && isQuorum(held.holders, l.prev.config));
}

/**
 * A restart from a durable term below the durable log's last term (the harness's bootstrap: term 0
 * under a term-1 snapshot, spec/protocol.md §6), which Raft never writes itself: a library that
 * restores currentTerm >= last log term on load comes back at that last term, with no vote (no vote
 * of that term was ever durable, so none is forgotten).
 */
function raisesToLogTerm(n: NodeStep): boolean {
  const p = n.prev;
  const lastTerm = n.log.termAt(n.log.lastIndex) ?? 0;
  return p !== undefined && p.term < lastTerm && n.cur.term === lastTerm && n.cur.vote === 0;
}
