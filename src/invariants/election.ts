// Elections: one leader per term, won by a quorum of votes, known consistently, entered by the
// legal role transitions, and never preceded by entries of the candidate's term.
import { fmtInjected, leaderClaims } from "./claims.js";
import type { InvariantDef, NodeStep, StepContext } from "./context.js";
import type { NodeKey } from "./observation.js";
import { fmtConfig, isQuorum, isVoter } from "./quorum.js";

export const electionSafety: InvariantDef = {
  id: "election-safety",
  name: "ElectionSafety",
  definition:
    "At most one node is ever leader in a given term: every node seen as leader of term t (at any step, not only simultaneously), or claimed as its leader by a leader-only message the trace stepped in by hand, is the same node.",
  tla: "raft thesis Figure 3 Election Safety over the `elections` history; etcdraft.tla / ccfraft.tla MoreThanOneLeaderInv is the simultaneous special case",
  check(ctx: StepContext): void {
    const hl = ctx.state.history.leaders;
    for (const l of ctx.leaders()) {
      const t = l.cur.term;
      const seen = hl.get(t);
      if (seen === undefined) hl.set(t, l.id);
      else if (seen !== l.id) ctx.report(this, `nodes ${seen} and ${l.id} were both leader in term ${t}`, [seen, l.id]);
    }
    // A hand-made leader-only message is the environment's word that its sender led that term.
    for (const c of leaderClaims(ctx.obs)) {
      const seen = hl.get(c.term);
      if (seen === undefined) hl.set(c.term, c.leader);
      else if (seen !== c.leader) {
        ctx.report(this, `${fmtInjected({ from: c.leader, to: c.to, type: c.type })} claims ${c.leader} led term ${c.term}, but ${seen} was leader in that term`, [seen, c.to]);
      }
    }
  },
};

/** Nodes whose recorded vote in `term` is for `candidate`. */
function votersFor(ctx: StepContext, candidate: NodeKey, term: number): Set<NodeKey> {
  const out = new Set<NodeKey>();
  for (const [j, byTerm] of ctx.state.history.votes) if (byTerm.get(term) === candidate) out.add(j);
  return out;
}

export const electionQuorum: InvariantDef = {
  id: "election-quorum",
  name: "ElectionQuorum",
  definition:
    "When a node becomes leader of term t, the nodes seen voting for it in t form a quorum (both majorities when joint) of its own configuration before or after the step; votes of nodes outside its voter sets do not count.",
  tla: "raft.tla BecomeLeader (votesGranted ∈ Quorum); etcdraft.tla BecomeLeader (votesGranted ∈ Quorum(GetConfig(i))); raft thesis Lemma 2",
  check(ctx: StepContext): void {
    for (const l of ctx.leaders()) {
      if (!l.becameLeader || l.prev === undefined) continue; // first sighting: its votes were never observed
      const votes = votersFor(ctx, l.id, l.cur.term);
      if (isQuorum(votes, l.cur.config) || isQuorum(votes, l.prev.config)) continue;
      ctx.report(
        this,
        `node ${l.id} became leader of term ${l.cur.term} with votes from [${[...votes].join(",")}], not a quorum of ${fmtConfig(l.cur.config)}`,
        [l.id],
      );
    }
  },
};

export const leaderKnowledge: InvariantDef = {
  id: "leader-knowledge",
  name: "LeaderKnowledge",
  definition:
    "A running node that names a leader for its current term names the node seen leading that term, and a leader names itself (or nobody).",
  tla: "Vanlightly KRaft NeverTwoLeadersInSameEpoch; raft thesis clients/clients.tex (discard leader on term change)",
  check(ctx: StepContext): void {
    const hl = ctx.state.history.leaders;
    for (const n of ctx.nodes) {
      const { up, role, leader, term } = n.cur;
      if (!up || leader === 0) continue;
      if (role === "leader" && leader !== n.id) {
        ctx.report(this, `leader ${n.id} names ${leader} as leader of term ${term}`, [n.id]);
        continue;
      }
      const seen = hl.get(term);
      if (seen !== leader) {
        ctx.report(
          this,
          `node ${n.id} names ${leader} as leader of term ${term}, but ${seen === undefined ? "no leader was seen in that term" : `the leader seen was ${seen}`}`,
          [n.id],
        );
      }
    }
  },
};

const campaigning = (r: string): boolean => r === "precandidate" || r === "candidate";

export const roleConsistency: InvariantDef = {
  id: "role-consistency",
  name: "RoleConsistency",
  definition:
    "Candidates and leaders have voted for themselves; only voters start a (pre-)campaign; a leader only stays leader or becomes follower (it may campaign again only after stepping down on a higher term); becoming candidate (or leader without being candidate) raises the term; a restarted node starts as follower.",
  tla: "etcd PR #381 CandidateVotedForSelfInv; etcdraft.tla Timeout requires i ∈ GetConfig(i); ccfraft.tla StateTransitionsProp",
  check(ctx: StepContext): void {
    for (const n of ctx.nodes) {
      const c = n.cur;
      if (!c.up) continue;
      if ((c.role === "candidate" || c.role === "leader") && c.vote !== n.id) {
        ctx.report(this, `${c.role} ${n.id} in term ${c.term} has vote ${c.vote}, not itself`, [n.id]);
      }
      if (n.restarted && c.role !== "follower") {
        ctx.report(this, `node ${n.id} restarted as ${c.role}`, [n.id]);
      }
      const p = n.prev;
      if (!n.continuous || p === undefined) continue;
      // Within one step a leader may step down on a higher term and then campaign (MsgTimeoutNow
      // in the same stabilize): that takes a term above its own, plus one more for a candidate.
      if (p.role === "leader" && campaigning(c.role) && c.term < p.term + (c.role === "candidate" ? 2 : 1)) {
        ctx.report(this, `leader ${n.id} of term ${p.term} became ${c.role} of term ${c.term} without stepping down`, [n.id]);
      }
      const entering = campaigning(c.role) && (p.role !== c.role || c.term !== p.term);
      if (entering && !isVoter(n.id, c.config) && !isVoter(n.id, p.config)) {
        ctx.report(this, `node ${n.id} became ${c.role} but is not a voter in ${fmtConfig(c.config)}`, [n.id]);
      }
      if (c.role === "candidate" && p.role !== "candidate" && c.term <= p.term) {
        ctx.report(this, `node ${n.id} became candidate without raising its term ${p.term}`, [n.id]);
      }
      if (c.role === "leader" && (p.role === "follower" || p.role === "precandidate") && c.term <= p.term) {
        ctx.report(this, `node ${n.id} went from ${p.role} to leader without raising its term ${p.term}`, [n.id]);
      }
      if (c.role === "leader" && p.role === "candidate" && c.term < p.term) {
        ctx.report(this, `candidate ${n.id} of term ${p.term} became leader of older term ${c.term}`, [n.id]);
      }
    }
  },
};

/** Some node currently holding an entry of `term`, with its index. */
function holderOfTerm(ctx: StepContext, term: number): { node: NodeStep; index: number } | undefined {
  for (const k of ctx.state.history.entryIndicesByTerm.get(term) ?? []) {
    for (const n of ctx.nodes) if (n.log.at(k)?.term === term) return { node: n, index: k };
  }
  return undefined;
}

export const candidateTermNotInLog: InvariantDef = {
  id: "candidate-term-not-in-log",
  name: "CandidateTermNotInLog",
  definition:
    "While a candidate of term t holds votes for t from a quorum of its configuration (it has won but not yet become leader), no log holds an entry of term t.",
  tla: "ccfraft.tla CandidateTermNotInLogInv",
  check(ctx: StepContext): void {
    const live = ctx.state.history.liveTermCount;
    for (const c of ctx.nodes) {
      if (!c.cur.up || c.cur.role !== "candidate") continue;
      const t = c.cur.term;
      if ((live.get(t) ?? 0) <= 0) continue;
      const votes = new Set<NodeKey>();
      for (const j of ctx.nodes) if (j.cur.term === t && j.cur.vote === c.id) votes.add(j.id);
      if (!isQuorum(votes, c.cur.config)) continue;
      const h = holderOfTerm(ctx, t);
      if (h !== undefined) {
        ctx.report(this, `candidate ${c.id} has a quorum of votes for term ${t}, yet node ${h.node.id} holds entry ${h.index} of term ${t}`, [c.id, h.node.id]);
      }
    }
  },
};
