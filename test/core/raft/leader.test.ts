import { describe, expect, it } from "vitest";
import { Cluster, enc } from "../rawnode/cluster.js";
import { brief, drain, makeLeader, msg, node } from "./helpers.js";

describe("check quorum", () => {
  it("a leader that heard from no quorum during an election timeout steps down", () => {
    const c = new Cluster([1, 2, 3], { checkQuorum: true });
    c.elect(1);
    c.isolate(1);
    c.tick(1, 10);
    expect(c.rn(1).status().softState.raftState).toBe("StateLeader");
    c.tick(1, 10);
    expect(c.rn(1).status().softState).toEqual({ lead: 0, raftState: "StateFollower" });
    expect(c.rn(1).status().hardState.term).toBe(1);
  });

  it("a leader that keeps hearing from a quorum stays leader", () => {
    const c = new Cluster([1, 2, 3], { checkQuorum: true });
    c.elect(1);
    c.isolate(3);
    for (let i = 0; i < 30; i++) {
      c.tick(1);
      c.stabilize();
    }
    expect(c.rn(1).status().softState.raftState).toBe("StateLeader");
  });

  it("without checkQuorum an isolated leader stays leader", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.isolate(1);
    c.tick(1, 50);
    expect(c.rn(1).status().softState.raftState).toBe("StateLeader");
  });
});

describe("proposals", () => {
  it("a follower forwards a proposal to its leader unchanged, without a term", () => {
    const { rn, storage } = node(2);
    rn.step(msg({ type: "MsgHeartbeat", from: 1, to: 2, term: 1 }));
    drain(rn, storage);
    expect(rn.propose(enc("x"))).toBeNull();
    const out = drain(rn, storage);
    expect(out.map(brief)).toEqual([{ type: "MsgProp", from: 2, to: 1, term: 0, entries: ["0/0"] }]);
  });

  it("a follower without a leader, or with forwarding disabled, drops proposals", () => {
    expect(node(2).rn.propose(enc("x"))).toBe("ErrProposalDropped");
    const { rn } = node(2, { config: { disableProposalForwarding: true } });
    rn.step(msg({ type: "MsgHeartbeat", from: 1, to: 2, term: 1 }));
    expect(rn.propose(enc("x"))).toBe("ErrProposalDropped");
  });

  it("a forwarded proposal is appended and replicated by the leader", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    expect(c.rn(2).propose(enc("via-2"))).toBeNull();
    c.stabilize();
    for (const id of [1, 2, 3]) expect(c.appliedData(id)).toEqual(["via-2"]);
  });

  it("the uncommitted-size limit drops proposals once the uncommitted tail would exceed it", () => {
    const { rn, storage } = node(1, { config: { maxUncommittedEntriesSize: 10 } });
    makeLeader(rn, storage);
    // The first proposal is always accepted while the uncommitted tail is empty.
    expect(rn.propose(new Uint8Array(8))).toBeNull();
    expect(rn.propose(new Uint8Array(2))).toBeNull();
    expect(rn.propose(new Uint8Array(1))).toBe("ErrProposalDropped");
    // Empty proposals never count.
    expect(rn.propose(new Uint8Array(0))).toBeNull();
    drain(rn, storage);
    // Once the entries commit and are applied, the budget frees up.
    rn.step(msg({ type: "MsgAppResp", from: 2, to: 1, term: 1, index: 4 }));
    drain(rn, storage);
    expect(rn.propose(new Uint8Array(9))).toBeNull();
  });

  it("a leader removed from the configuration drops proposals", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.rn(1).applyConfChange({ version: 1, id: 0, type: "ConfChangeRemoveNode", nodeId: 1, context: new Uint8Array() });
    expect(c.rn(1).propose(enc("x"))).toBe("ErrProposalDropped");
  });
});

describe("leader transfer", () => {
  it("transferring to an up-to-date follower sends it MsgTimeoutNow, and it wins without pre-vote", () => {
    const c = new Cluster([1, 2, 3], { preVote: true, checkQuorum: true });
    c.elect(1);
    c.rn(1).transferLeader(2);
    const out = c.takeMessages(1);
    expect(out.map(brief)).toEqual([{ type: "MsgTimeoutNow", from: 1, to: 2, term: 1 }]);
    c.queue.push(...out);
    c.stabilize();
    expect(c.rn(2).status().softState.raftState).toBe("StateLeader");
    expect(c.rn(2).status().hardState.term).toBe(2);
    expect(c.rn(1).status().softState).toEqual({ lead: 2, raftState: "StateFollower" });
  });

  it("transferring to a lagging follower first catches it up, then sends MsgTimeoutNow", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.isolate(3);
    c.rn(1).propose(enc("a"));
    c.stabilize();
    c.heal();
    c.rn(1).transferLeader(3);
    expect(c.rn(1).status().leadTransferee).toBe(3);
    // Proposals are refused while the transfer is under way.
    expect(c.rn(1).propose(enc("b"))).toBe("ErrProposalDropped");
    c.stabilize();
    expect(c.rn(3).status().softState.raftState).toBe("StateLeader");
    expect(c.appliedData(3)).toEqual(["a"]);
  });

  it("a transfer that does not finish within an election timeout is aborted", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.isolate(3);
    c.rn(1).propose(enc("a"));
    c.stabilize();
    c.rn(1).transferLeader(3);
    c.tick(1, 9);
    expect(c.rn(1).status().leadTransferee).toBe(3);
    c.tick(1);
    expect(c.rn(1).status().leadTransferee).toBe(0);
    expect(c.rn(1).status().softState.raftState).toBe("StateLeader");
  });

  it("a transfer to the leader itself or to a learner is ignored, and a repeated request is a no-op", () => {
    const c = new Cluster([1, 2, 3], {}, [4]);
    c.elect(1);
    c.rn(1).transferLeader(1);
    expect(c.rn(1).status().leadTransferee).toBe(0);
    c.rn(1).transferLeader(4);
    expect(c.rn(1).status().leadTransferee).toBe(0);
    c.isolate(3);
    c.rn(1).propose(enc("a"));
    c.stabilize();
    c.rn(1).transferLeader(3);
    c.rn(1).transferLeader(3);
    expect(c.rn(1).status().leadTransferee).toBe(3);
    // A new target replaces the previous one.
    c.rn(1).transferLeader(2);
    expect(c.takeMessages(1).filter((m) => m.type === "MsgTimeoutNow").map((m) => m.to)).toEqual([2]);
  });

  it("a follower forwards a transfer request to its leader; without a leader it drops it", () => {
    const { rn, storage } = node(2);
    rn.transferLeader(3);
    expect(drain(rn, storage)).toEqual([]);
    rn.step(msg({ type: "MsgHeartbeat", from: 1, to: 2, term: 1 }));
    drain(rn, storage);
    rn.transferLeader(3);
    expect(drain(rn, storage).map(brief)).toEqual([{ type: "MsgTransferLeader", from: 3, to: 1, term: 1 }]);
  });

  it("a candidate ignores MsgTimeoutNow", () => {
    const { rn, storage } = node(2);
    rn.campaign();
    drain(rn, storage);
    rn.step(msg({ type: "MsgTimeoutNow", from: 1, to: 2, term: 1 }));
    expect(rn.status().hardState.term).toBe(1);
  });
});
