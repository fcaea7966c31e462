// Candidates and pre-candidates: they count votes of their own kind and yield to any leader of
// their term.

import type { Message, RaftError } from "../types.js";
import { NONE } from "../types.js";
import { campaign, poll } from "./election.js";
import type { Raft } from "./raft.js";
import { bcastAppend, handleAppendEntries, handleHeartbeat, handleSnapshot } from "./replication.js";

export function stepCandidate(r: Raft, m: Message): RaftError | null {
  // A candidate may still receive pre-vote responses of its pre-candidacy in this term: only the
  // responses to its current kind of request count.
  const myVoteRespType = r.state === "StatePreCandidate" ? "MsgPreVoteResp" : "MsgVoteResp";
  switch (m.type) {
    case "MsgProp":
      return "ErrProposalDropped";
    case "MsgApp":
      r.becomeFollower(m.term, m.from); // m.term === r.term here
      handleAppendEntries(r, m);
      return null;
    case "MsgHeartbeat":
      r.becomeFollower(m.term, m.from);
      handleHeartbeat(r, m);
      return null;
    case "MsgSnap":
      r.becomeFollower(m.term, m.from);
      handleSnapshot(r, m);
      return null;
    case myVoteRespType:
      switch (poll(r, m.from, !m.reject)) {
        case "VoteWon":
          if (r.state === "StatePreCandidate") {
            campaign(r, "CampaignElection");
          } else {
            r.becomeLeader();
            bcastAppend(r);
          }
          break;
        case "VoteLost":
          // A pre-vote response carries the future term; stay at ours.
          r.becomeFollower(r.term, NONE);
          break;
        case "VotePending":
          break;
      }
      return null;
    default:
      // MsgTimeoutNow and everything else is ignored while campaigning.
      return null;
  }
}
