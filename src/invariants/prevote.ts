// PreVote (raft thesis §9.6, etcd): probing an election never changes anyone's term or vote.
import type { InvariantDef, StepContext } from "./context.js";

export const preVote: InvariantDef = {
  id: "prevote",
  name: "PreVoteProperties",
  definition:
    "Becoming or staying pre-candidate leaves term and vote unchanged (within a step, only a delivered message of a higher term other than a pre-vote request or granted pre-vote response moves the term, and only a MsgVote granted while holding no vote in the term moves the vote); a step that only delivers PreVote requests to a node (no tick, no config change) changes neither its term, vote nor role; a step that only delivers PreVote responses changes its term only to become candidate of term+1 (or, as the only voter, leader of term+1), or follower of a term carried by a response not known to be granted.",
  tla: "raft thesis leaderelection/prevote.tex; ccfraft.tla BecomePreVoteCandidate (no term change); etcd raft.go Step (never change term on MsgPreVote)",
  check(ctx: StepContext): void {
    for (const n of ctx.nodes) {
      const p = n.prev;
      const c = n.cur;
      if (!n.continuous || p === undefined) continue;
      // Pre-candidacy itself never moves term or vote, but a bundled step may also deliver what does:
      // a message of a higher term (not a pre-vote request, nor a granted pre-vote response, which
      // etcd never adopts the term of), or a MsgVote the node grants at its term while it holds no
      // vote there (etcd's Step records such a vote whatever the role).
      if (c.role === "precandidate" && p.role !== "leader" && (c.term !== p.term || c.vote !== p.vote)) {
        const adoptsTerm = n.delivered.some((m) => m.term === c.term && m.type !== "MsgPreVote" && !(m.type === "MsgPreVoteResp" && m.reject === false));
        const grantsVote = n.delivered.some((m) => m.type === "MsgVote" && m.term === c.term && m.from === c.vote);
        const termMoved = c.term !== p.term && !adoptsTerm;
        const voteMoved = c.vote !== p.vote && !(grantsVote && (c.term !== p.term || p.vote === 0));
        if (termMoved || voteMoved) {
          const how = p.role === "precandidate" ? "stayed" : "became";
          ctx.report(this, `node ${n.id} ${how} pre-candidate moving term ${p.term}→${c.term}, vote ${p.vote}→${c.vote}`, [n.id]);
          continue;
        }
      }
      const msgs = n.delivered;
      if (msgs.length === 0 || n.ticked) continue;
      if (msgs.every((m) => m.type === "MsgPreVote") && !n.configChanged) {
        if (c.term !== p.term || c.vote !== p.vote || c.role !== p.role) {
          ctx.report(this, `node ${n.id} handling PreVote requests went from term ${p.term}/vote ${p.vote}/${p.role} to term ${c.term}/vote ${c.vote}/${c.role}`, [n.id]);
        }
      } else if (msgs.every((m) => m.type === "MsgPreVoteResp") && c.term !== p.term) {
        // Winning starts the election of term+1 with the node's own vote; a sole voter (the
        // response's sender a learner or no longer a voter) wins that election at once too, as etcd
        // raft 3.4 does within one Step when its self-vote needs no write first.
        const won = (c.role === "candidate" || (c.role === "leader" && c.config.voters.length === 1 && c.config.votersOutgoing.length === 0))
          && c.term === p.term + 1 && c.vote === n.id;
        const rejected = c.role === "follower" && msgs.some((m) => m.term === c.term && m.reject !== false);
        if (!won && !rejected) {
          ctx.report(this, `node ${n.id} handling PreVote responses moved from term ${p.term} to term ${c.term} as ${c.role}`, [n.id]);
        }
      }
    }
  },
};
