// CheckQuorum and leader stickiness (raft thesis §9.6 / clients.tex; etcd checkQuorum, inLease).
// The timed "a leader cut off from a quorum steps down within two election timeouts" is a
// scenario property; what is checked here per step is stated in the definition.
import type { Delivered, InvariantDef, NodeStep, StepContext } from "./context.js";

const isVoteRequest = (m: Delivered): boolean => m.type === "MsgVote" || m.type === "MsgPreVote";
const fromLeader = (m: Delivered): boolean => m.type === "MsgApp" || m.type === "MsgHeartbeat" || m.type === "MsgSnap";

export const checkQuorum: InvariantDef = {
  id: "check-quorum",
  name: "CheckQuorum and leader stickiness",
  definition:
    "A leader leaves leadership within its term only on a step that ticks it (the CheckQuorum probe) or changes its config (step-down on removal). With the checker's checkQuorum option: a follower that heard from its leader fewer than electionTick of its ticks ago, and a leader, keep term and vote on a step that only delivers higher-term vote requests not forced by leadership transfer (a MsgVote one term above a MsgTimeoutNow its sender received, in this step or before).",
  tla: "etcdraft.tla StepDownToFollower; ccfraft.tla CheckQuorum; raft thesis membership/availability.tex (disruptive servers); etcd raft.go inLease",
  check(ctx: StepContext): void {
    const st = ctx.state;
    const lease = st.options.checkQuorum;
    // Recorded before any node is judged: within one step a node can get MsgTimeoutNow and its
    // forced vote request can reach a peer (stabilize), in any order of node ids.
    const transfers = st.transferTerms;
    for (const n of ctx.nodes) {
      for (const m of n.delivered) {
        // A stale MsgTimeoutNow (below the term the node already had) is dropped without a campaign;
        // otherwise the node adopts its term and campaigns one above it with the transfer context.
        if (m.type !== "MsgTimeoutNow" || m.term < (n.prev?.term ?? 0)) continue;
        const terms = transfers.get(n.id) ?? new Set<number>();
        terms.add(m.term + 1);
        transfers.set(n.id, terms);
      }
    }
    for (const n of ctx.nodes) {
      const p = n.prev;
      const c = n.cur;
      if (n.continuous && p !== undefined) {
        if (p.role === "leader" && c.role !== "leader" && c.term === p.term && !n.ticked && !n.configChanged && !n.applied.some((e) => e.kind === "config")) {
          ctx.report(this, `leader ${n.id} stepped down in term ${c.term} on a step with no tick and no config change`, [n.id]);
        }
        if (lease !== undefined && inLease(ctx, n, lease.electionTick)) {
          const higher = n.delivered.filter((m) => isVoteRequest(m) && m.term > p.term);
          const forced = (m: Delivered): boolean => m.type === "MsgVote" && transfers.get(m.from)?.has(m.term) === true;
          const disruptive = higher.filter((m) => !forced(m));
          if (!n.ticked && disruptive.length > 0 && disruptive.length === n.delivered.length && (c.term !== p.term || c.vote !== p.vote)) {
            ctx.report(this, `node ${n.id} in its leader lease moved from term ${p.term}/vote ${p.vote} to term ${c.term}/vote ${c.vote} on a vote request from ${disruptive[0]!.from}`, [n.id]);
          }
        }
      }
      // Bookkeeping for later steps, from this step's outcome.
      if (c.up && c.role === "follower" && c.leader !== 0 && n.delivered.some((m) => fromLeader(m) && m.from === c.leader && m.term === c.term)) {
        const before = p?.ticks ?? ctx.obs.ticks.get(n.id) ?? 0;
        st.lastHeard.set(n.id, { leader: c.leader, term: c.term, tick: before });
      }
    }
  },
};

/** Was node n in etcd's lease (lead ≠ None, electionElapsed < electionTimeout) before this step? */
function inLease(ctx: StepContext, n: NodeStep, electionTick: number): boolean {
  const p = n.prev;
  if (p === undefined) return false;
  if (p.role === "leader") return true; // a CheckQuorum leader resets electionElapsed every timeout
  if (p.role !== "follower" || p.leader === 0 || p.leader === n.id || p.ticks === undefined) return false;
  const heard = ctx.state.lastHeard.get(n.id);
  if (heard === undefined || heard.leader !== p.leader || heard.term !== p.term) return false;
  return p.ticks - heard.tick < electionTick;
}
