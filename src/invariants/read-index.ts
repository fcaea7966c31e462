// Linearizable read-only queries (raft thesis §6.4; etcd ReadOnlySafe): the index a read is
// answered with must cover every entry committed before the read was asked.
import type { InvariantDef, StepContext } from "./context.js";

export const readIndexSafety: InvariantDef = {
  id: "read-index-safety",
  name: "ReadIndexLinearizable",
  definition:
    "A read state's index is at least the highest commit index any node (up or crashed, by its durable state) had just before the step that asked for the read with that context. Only reads asked while every node runs ReadOnlySafe are checked; a context asked for more than once is held to its smallest bound; read states for contexts the trace never asked for (hand-made MsgReadIndex) are not checked.",
  tla: "raft thesis §6.4 (read-only queries: readIndex ≥ commitIndex when the read arrives); etcd read_only.go / ReadOnlySafe; no counterpart in raft.tla, which has no reads",
  check(ctx: StepContext): void {
    const bounds = ctx.state.readBounds;
    const requests = ctx.obs.readRequests ?? [];
    if (requests.length > 0) {
      // Before the step: nothing the read itself set in motion can raise its own bound.
      let committed = 0;
      for (const n of ctx.nodes) committed = Math.max(committed, n.prev?.commit ?? 0);
      for (const r of requests) {
        const bound = r.safe ? committed : 0;
        bounds.set(r.ctx, Math.min(bounds.get(r.ctx) ?? bound, bound));
      }
    }
    for (const rs of ctx.obs.readStates ?? []) {
      const bound = bounds.get(rs.ctx);
      if (bound !== undefined && rs.index < bound) {
        ctx.report(this, `node ${rs.node} answered read ${rs.ctx} at index ${rs.index}, below index ${bound} already committed when it was asked`, [rs.node]);
      }
    }
  },
};
