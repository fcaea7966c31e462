// Persistent per-node state: currentTerm never goes back, and a node votes at most once per term.
import { deliveredVotes, fmtInjected, voteClaims } from "./claims.js";
import type { InvariantDef, StepContext } from "./context.js";

export const termMonotonic: InvariantDef = {
  id: "term-monotonic",
  name: "TermMonotonic",
  definition:
    "A node's term never decreases within an incarnation, a restarted node comes back with at least the durable term it showed while down, and the durable term shown at a crash is at least the one shown at the previous crash.",
  tla: "raft thesis Appendix B Lemma 1 (currentTerm monotone); CCF ccfraft.tla MonotonicTermProp; etcdraft.tla Restart restores currentTerm from durableState",
  check(ctx: StepContext): void {
    for (const n of ctx.nodes) {
      const p = n.prev;
      if (p === undefined || n.cur.term >= p.term) continue;
      if (n.continuous) {
        ctx.report(this, `node ${n.id} term went from ${p.term} to ${n.cur.term}`, [n.id]);
      } else if (!p.up) {
        ctx.report(this, `node ${n.id} came back with term ${n.cur.term} below its durable term ${p.term}`, [n.id]);
      } else {
        const floor = ctx.state.durableFloor.get(n.id);
        if (floor !== undefined && n.cur.term < floor.term) {
          ctx.report(this, `node ${n.id} crashed with durable term ${n.cur.term} below an earlier durable term ${floor.term}`, [n.id]);
        }
      }
    }
  },
};

export const voteOnce: InvariantDef = {
  id: "vote-once",
  name: "VoteOnce / VotePersisted",
  definition:
    "Within a term a node's vote, once cast, never changes and is never cleared, across restarts too; votes held only in memory and lost by a crash are forgotten (they were never sent); a granted vote response delivered in the step, or stepped in by hand, counts as its sender's vote.",
  tla: "raft.tla HandleRequestVoteRequest grants only if votedFor ∈ {Nil, j}; etcdraft.tla BecomeFollowerOfTerm resets votedFor only on a term change; ongardie/raft.tla PR #5 (term/vote not persisted)",
  check(ctx: StepContext): void {
    const h = ctx.state.history;
    for (const n of ctx.nodes) {
      const { term, vote } = n.cur;
      const seen = h.vote(n.id, term);
      if (vote !== 0) {
        if (seen === undefined) h.setVote(n.id, term, vote);
        else if (seen !== vote) ctx.report(this, `node ${n.id} voted for ${seen} and then for ${vote} in term ${term}`, [n.id]);
      } else if (seen !== undefined) {
        ctx.report(this, `node ${n.id} lost its vote for ${seen} in term ${term}`, [n.id]);
      }
    }
    // A granted vote response delivered in this step records its sender's vote even if the step
    // ended with that node in a later term; one contradicting a recorded vote is a second vote.
    for (const c of deliveredVotes(ctx.obs)) {
      const seen = h.vote(c.voter, c.term);
      if (seen === undefined) h.setVote(c.voter, c.term, c.candidate);
      else if (seen !== c.candidate) ctx.report(this, `node ${c.voter} granted its vote in term ${c.term} to ${c.candidate}, after voting for ${seen}`, [c.voter]);
    }
    // A hand-made granted MsgVoteResp is the environment's word that its sender voted so.
    for (const c of voteClaims(ctx.obs)) {
      const seen = h.vote(c.voter, c.term);
      if (seen === undefined) h.setVote(c.voter, c.term, c.candidate);
      else if (seen !== c.candidate) {
        ctx.report(this, `${fmtInjected({ from: c.voter, to: c.candidate, type: "MsgVoteResp" })} grants ${c.candidate} the vote of ${c.voter} in term ${c.term}, which went to ${seen}`, [c.candidate]);
      }
    }
  },
};
