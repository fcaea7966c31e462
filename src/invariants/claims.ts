// Hand-made messages (StepObs.injected) are the environment's claims about their senders, which
// are often peers the harness never simulates: a leader-only message says who led its term, a
// granted vote response says who voted for whom, a MsgApp says which entries its leader holds.
// Invariants record these claims in their history as if the sender had been observed, so a node
// acting on them is judged against them, and claims contradicting the history still fire.
import type { EntryObs, InjectedObs, NodeKey, StepObs } from "./observation.js";

/** Messages only a leader of the message's term sends (etcd). */
const LEADER_ONLY = new Set(["MsgApp", "MsgHeartbeat", "MsgSnap", "MsgTimeoutNow"]);

export function injectedOf(obs: StepObs): readonly InjectedObs[] {
  return obs.injected ?? [];
}

/** The leaderships the step's injected messages claim: (term, leader), term > 0. */
export function leaderClaims(obs: StepObs): { term: number; leader: NodeKey; to: NodeKey; type: string }[] {
  return injectedOf(obs)
    .filter((m) => LEADER_ONLY.has(m.type) && m.term > 0)
    .map((m) => ({ term: m.term, leader: m.from, to: m.to, type: m.type }));
}

/** The votes the step's injected granted MsgVoteResp claim: `voter` voted for `candidate` in `term`. */
export function voteClaims(obs: StepObs): { term: number; voter: NodeKey; candidate: NodeKey }[] {
  return injectedOf(obs)
    .filter((m) => m.type === "MsgVoteResp" && m.reject === false && m.term > 0)
    .map((m) => ({ term: m.term, voter: m.from, candidate: m.to }));
}

/**
 * The votes granted MsgVoteResp messages delivered in this step carry. A step such as `stabilize`
 * bundles many events, so a vote a node cast and then replaced (it moved to a later term within
 * the same step) is never seen in its end-of-step state; the response it sent still says so, and
 * etcd sends it only after the vote is persisted.
 */
export function deliveredVotes(obs: StepObs): { term: number; voter: NodeKey; candidate: NodeKey }[] {
  return obs.delivered
    .filter((m) => m.type === "MsgVoteResp" && m.reject === false && m.term > 0)
    .map((m) => ({ term: m.term, voter: m.from, candidate: m.to }));
}

/** Entries carried by injected MsgApps, each with the term of the entry before it and the message. */
export function entryClaims(obs: StepObs): { entry: EntryObs; prevTerm: number | undefined; msg: InjectedObs }[] {
  const out: { entry: EntryObs; prevTerm: number | undefined; msg: InjectedObs }[] = [];
  for (const m of injectedOf(obs)) {
    if (m.type !== "MsgApp" || m.term === 0) continue;
    let prevTerm = m.logTerm;
    let prevIndex = m.index;
    for (const e of m.entries ?? []) {
      // A gap (malformed message) breaks the predecessor chain: nothing to say about its prevTerm.
      out.push({ entry: e, prevTerm: prevIndex === e.index - 1 ? prevTerm : undefined, msg: m });
      prevTerm = e.term;
      prevIndex = e.index;
    }
  }
  return out;
}

export function fmtInjected(m: { from: NodeKey; to: NodeKey; type: string }): string {
  return `${m.type} ${m.from}→${m.to} stepped in by the trace`;
}
