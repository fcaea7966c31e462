// Elections: starting a campaign (with or without pre-vote), counting votes, and the rules for
// granting a vote.

import type { Message, MessageType, NodeId } from "../types.js";
import type { VoteResult } from "../quorum/types.js";
import { voteRespMsgType } from "../util.js";
import type { CampaignType, Raft } from "./raft.js";

/** Context of the vote requests of a leadership transfer: they override the leader lease. */
export const CAMPAIGN_TRANSFER_CONTEXT: Uint8Array = new TextEncoder().encode("CampaignTransfer");

/** Starts an election, unless this node is the leader, cannot campaign, or must apply a conf change first. */
export function hup(r: Raft, t: CampaignType): void {
  if (r.state === "StateLeader") return;
  if (!r.promotable()) return;
  // A committed but unapplied conf change may change who votes; campaigning under the old
  // configuration could elect a leader the new one would not.
  if (hasUnappliedConfChanges(r)) return;
  campaign(r, t);
}

function hasUnappliedConfChanges(r: Raft): boolean {
  const log = r.raftLog;
  if (log.applied >= log.committed) return false;
  let found = false;
  // Read page by page with the apply size budget, so a long unapplied tail is not loaded at once.
  log.scan(log.applied + 1, log.committed + 1, log.maxApplyingEntsSize, (ents) => {
    found = ents.some((e) => e.type === "EntryConfChange" || e.type === "EntryConfChangeV2");
    return found ? "stop" : undefined;
  });
  return found;
}

/** Becomes (pre-)candidate and asks every voter, in id order, for its vote. */
export function campaign(r: Raft, t: CampaignType): void {
  let term: number;
  let voteMsg: MessageType;
  if (t === "CampaignPreElection") {
    r.becomePreCandidate();
    voteMsg = "MsgPreVote";
    // Pre-votes are asked for the term this node would campaign in, before it increments its own.
    term = r.term + 1;
  } else {
    r.becomeCandidate();
    voteMsg = "MsgVote";
    term = r.term;
  }
  const ids = [...r.trk.config.voters.ids()].sort((a, b) => a - b);
  for (const id of ids) {
    if (id === r.id) {
      // The own vote counts once it is durable: it comes back through msgsAfterAppend.
      r.send({ to: id, term, type: voteRespMsgType(voteMsg) });
      continue;
    }
    const last = r.raftLog.lastEntryID();
    r.send({
      to: id,
      term,
      type: voteMsg,
      index: last.index,
      logTerm: last.term,
      ...(t === "CampaignTransfer" ? { context: CAMPAIGN_TRANSFER_CONTEXT } : {}),
    });
  }
}

export function poll(r: Raft, id: NodeId, v: boolean): VoteResult {
  r.trk.recordVote(id, v);
  return r.trk.tallyVotes().result;
}

/** Answers MsgVote / MsgPreVote at the node's term (or a pre-vote for a later term). */
export function stepVote(r: Raft, m: Message): void {
  const canVote =
    // A repeat of the vote already cast...
    r.vote === m.from ||
    // ...or no vote cast and no leader known in this term...
    (r.vote === 0 && r.lead === 0) ||
    // ...or a pre-vote for a future term.
    (m.type === "MsgPreVote" && m.term > r.term);
  // Learners vote too: a learner may have been promoted without having applied the change yet.
  if (canVote && r.raftLog.isUpToDate({ term: m.logTerm, index: m.index })) {
    // The response carries the request's term: for a pre-vote the local term may be older, and
    // the candidate ignores responses from older terms.
    r.send({ to: m.from, term: m.term, type: voteRespMsgType(m.type) });
    if (m.type === "MsgVote") {
      r.electionElapsed = 0;
      r.vote = m.from;
    }
  } else {
    r.send({ to: m.from, term: r.term, type: voteRespMsgType(m.type), reject: true });
  }
}
