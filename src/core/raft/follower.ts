// Followers: accept the leader's appends, heartbeats and snapshots, and forward proposals,
// read requests and transfer requests to it.

import type { Message, RaftError } from "../types.js";
import { NONE } from "../types.js";
import { hup } from "./election.js";
import type { Raft } from "./raft.js";
import { handleAppendEntries, handleHeartbeat, handleSnapshot } from "./replication.js";

export function stepFollower(r: Raft, m: Message): RaftError | null {
  switch (m.type) {
    case "MsgProp":
      if (r.lead === NONE) return "ErrProposalDropped";
      if (r.config.disableProposalForwarding) return "ErrProposalDropped";
      r.send({ ...m, to: r.lead });
      return null;
    case "MsgApp":
      r.electionElapsed = 0;
      r.lead = m.from;
      handleAppendEntries(r, m);
      return null;
    case "MsgHeartbeat":
      r.electionElapsed = 0;
      r.lead = m.from;
      handleHeartbeat(r, m);
      return null;
    case "MsgSnap":
      r.electionElapsed = 0;
      r.lead = m.from;
      handleSnapshot(r, m);
      return null;
    case "MsgTransferLeader":
      if (r.lead === NONE) return null;
      r.send({ ...m, to: r.lead });
      return null;
    case "MsgForgetLeader":
      // Under lease-based reads, forgetting the leader could let a new one serve reads while the
      // old one still holds its lease.
      if (r.config.readOnlyOption === "leaseBased") return null;
      r.lead = NONE;
      return null;
    case "MsgTimeoutNow":
      // A transfer target campaigns right away, without pre-vote: no partition to recover from.
      hup(r, "CampaignTransfer");
      return null;
    case "MsgReadIndex":
      if (r.lead === NONE) return null;
      r.send({ ...m, to: r.lead });
      return null;
    case "MsgReadIndexResp": {
      const e = m.entries[0];
      if (m.entries.length !== 1 || e === undefined) return null;
      r.readStates.push({ index: m.index, requestCtx: e.data });
      return null;
    }
    default:
      return null;
  }
}
