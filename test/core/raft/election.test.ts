import { describe, expect, it } from "vitest";
import { encodeConfChange } from "../../../src/core/confchange/encoding.js";
import { RawNode } from "../../../src/core/rawnode.js";
import { Cluster, storageWith } from "../rawnode/cluster.js";
import { brief, drain, log, msg, node } from "./helpers.js";

describe("election without pre-vote", () => {
  it("a campaigning follower becomes candidate at term+1, votes for itself and asks every other voter in id order", () => {
    const { rn, storage } = node(1, { entries: log(1, 1), hardState: { term: 1, vote: 0, commit: 2 } });
    rn.campaign();
    const rd = rn.ready();
    expect(rd.softState).toEqual({ lead: 0, raftState: "StateCandidate" });
    expect(rd.hardState).toEqual({ term: 2, vote: 1, commit: 2 });
    expect(rd.mustSync).toBe(true);
    expect(rd.messages.map(brief)).toEqual([
      { type: "MsgVote", from: 1, to: 2, term: 2, logTerm: 1, index: 2 },
      { type: "MsgVote", from: 1, to: 3, term: 2, logTerm: 1, index: 2 },
    ]);
    storage.setHardState(rd.hardState ?? { term: 0, vote: 0, commit: 0 });
    rn.advance();
  });

  it("the own vote counts only after it is persisted: a single voter becomes leader on advance", () => {
    const { rn, storage } = node(1, { voters: [1] });
    rn.campaign();
    expect(rn.status().softState.raftState).toBe("StateCandidate");
    const rd = rn.ready();
    expect(rd.messages).toEqual([]);
    storage.setHardState(rd.hardState ?? { term: 0, vote: 0, commit: 0 });
    rn.advance();
    expect(rn.status().softState.raftState).toBe("StateLeader");
    drain(rn, storage);
    // The leader's empty entry commits at once in a single-voter group.
    expect(rn.status().hardState.commit).toBe(1);
  });

  it("a candidate wins with a majority, appends an empty entry at its term and broadcasts it", () => {
    const { rn, storage } = node(1);
    rn.campaign();
    drain(rn, storage);
    rn.step(msg({ type: "MsgVoteResp", from: 2, to: 1, term: 1 }));
    expect(rn.status().softState.raftState).toBe("StateLeader");
    const msgs = drain(rn, storage);
    expect(msgs.map(brief)).toEqual([
      { type: "MsgApp", from: 1, to: 2, term: 1, entries: ["1/1"] },
      { type: "MsgApp", from: 1, to: 3, term: 1, entries: ["1/1"] },
    ]);
  });

  it("a candidate that a majority rejects returns to follower at its term", () => {
    const { rn, storage } = node(1, { voters: [1, 2, 3, 4, 5] });
    rn.campaign();
    drain(rn, storage);
    for (const from of [2, 3, 4]) rn.step(msg({ type: "MsgVoteResp", from, to: 1, term: 1, reject: true }));
    expect(rn.status().softState.raftState).toBe("StateFollower");
    expect(rn.status().hardState.term).toBe(1);
  });

  it("a candidate steps down when it hears an append from a leader of its term", () => {
    const { rn, storage } = node(1);
    rn.campaign();
    drain(rn, storage);
    rn.step(msg({ type: "MsgApp", from: 2, to: 1, term: 1 }));
    expect(rn.status().softState).toEqual({ lead: 2, raftState: "StateFollower" });
    expect(drain(rn, storage).map(brief)).toEqual([{ type: "MsgAppResp", from: 1, to: 2, term: 1 }]);
  });

  it("a candidate drops proposals", () => {
    const { rn, storage } = node(1);
    rn.campaign();
    drain(rn, storage);
    expect(rn.propose(new Uint8Array([1]))).toBe("ErrProposalDropped");
  });

  it("a follower campaigns by itself once its randomized election timeout elapses", () => {
    const c = new Cluster([1, 2, 3]);
    c.rn(1).setRandomizedElectionTimeout(12);
    c.tick(1, 11);
    expect(c.rn(1).status().softState.raftState).toBe("StateFollower");
    c.tick(1);
    expect(c.rn(1).status().softState.raftState).toBe("StateCandidate");
    c.stabilize();
    expect(c.rn(1).status().softState.raftState).toBe("StateLeader");
    expect(c.rn(2).status().softState.lead).toBe(1);
  });

  it("the injected randomized election timeout source is used on every reset", () => {
    const seen: number[] = [];
    const c = new Cluster([1], {
      randomizedElectionTimeout: (e) => {
        seen.push(e);
        return e + 3;
      },
    });
    c.tick(1, 12);
    expect(c.rn(1).status().softState.raftState).toBe("StateFollower");
    c.tick(1);
    expect(c.rn(1).status().softState.raftState).toBe("StateCandidate");
    expect(seen.every((e) => e === 10)).toBe(true);
  });

  it("without an injected source the seeded PRNG gives a timeout in [electionTick, 2*electionTick)", () => {
    for (const id of [1, 2, 3, 7, 1000]) {
      const rn = new RawNode({ id, electionTick: 10, heartbeatTick: 1 }, storageWith([id]));
      let ticks = 0;
      while (rn.status().softState.raftState === "StateFollower" && ticks < 100) {
        rn.tick();
        ticks++;
      }
      expect(ticks).toBeGreaterThanOrEqual(10);
      expect(ticks).toBeLessThan(20);
    }
  });

  it("a node that has not applied a committed conf change does not campaign until it has", () => {
    const { rn, storage } = node(2);
    const cc = encodeConfChange({ version: 1, id: 0, type: "ConfChangeAddNode", nodeId: 4, context: new Uint8Array() });
    rn.step(
      msg({
        type: "MsgApp",
        from: 1,
        to: 2,
        term: 1,
        entries: [{ term: 1, index: 1, type: "EntryConfChange", data: cc }],
        commit: 1,
      }),
    );
    rn.campaign();
    expect(rn.status().softState.raftState).toBe("StateFollower");
    drain(rn, storage);
    rn.campaign();
    expect(rn.status().softState.raftState).toBe("StateCandidate");
  });
});

describe("election with pre-vote", () => {
  it("a pre-candidate asks for pre-votes at term+1 without changing its term or vote", () => {
    const { rn } = node(1, {
      entries: log(1, 2),
      hardState: { term: 2, vote: 0, commit: 2 },
      config: { preVote: true },
    });
    rn.campaign();
    const rd = rn.ready();
    expect(rd.softState).toEqual({ lead: 0, raftState: "StatePreCandidate" });
    expect(rd.hardState).toBeUndefined();
    expect(rd.mustSync).toBe(false);
    expect(rd.messages.map(brief)).toEqual([
      { type: "MsgPreVote", from: 1, to: 2, term: 3, logTerm: 2, index: 2 },
      { type: "MsgPreVote", from: 1, to: 3, term: 3, logTerm: 2, index: 2 },
    ]);
    expect(rn.status().hardState.term).toBe(2);
  });

  it("after winning the pre-vote the node campaigns for real at term+1", () => {
    const c = new Cluster([1, 2, 3], { preVote: true });
    c.rn(1).campaign();
    c.handleReady(1);
    const prevotes = c.queue.splice(0);
    for (const m of prevotes) c.deliver(m);
    c.handleReady(2);
    const grants = c.queue.splice(0);
    expect(grants.map(brief)).toEqual([{ type: "MsgPreVoteResp", from: 2, to: 1, term: 1 }]);
    // A granted pre-vote does not move the voter's term.
    expect(c.rn(2).status().hardState.term).toBe(0);
    for (const m of grants) c.deliver(m);
    expect(c.rn(1).status().softState.raftState).toBe("StateCandidate");
    expect(c.rn(1).status().hardState.term).toBe(1);
    c.stabilize();
    expect(c.rn(1).status().softState.raftState).toBe("StateLeader");
  });

  it("a pre-vote rejection of a higher term makes the pre-candidate a follower at that term", () => {
    const { rn, storage } = node(1, { config: { preVote: true } });
    rn.campaign();
    drain(rn, storage);
    rn.step(msg({ type: "MsgPreVoteResp", from: 2, to: 1, term: 5, reject: true }));
    expect(rn.status().softState.raftState).toBe("StateFollower");
    expect(rn.status().hardState.term).toBe(5);
  });

  it("a pre-vote from a lower term is rejected with the local term", () => {
    const { rn, storage } = node(2, { hardState: { term: 5, vote: 0, commit: 0 }, config: { preVote: true } });
    rn.step(msg({ type: "MsgPreVote", from: 1, to: 2, term: 3 }));
    expect(drain(rn, storage).map(brief)).toEqual([
      { type: "MsgPreVoteResp", from: 2, to: 1, term: 5, reject: true },
    ]);
  });

  it("a partitioned node with pre-vote does not disturb the cluster when it returns", () => {
    const c = new Cluster([1, 2, 3], { preVote: true });
    c.elect(1);
    c.isolate(3);
    c.rn(3).campaign();
    c.stabilize();
    expect(c.rn(3).status().softState.raftState).toBe("StatePreCandidate");
    expect(c.rn(3).status().hardState.term).toBe(1);
    c.heal();
    c.tick(1);
    c.stabilize();
    expect(c.rn(1).status().softState.raftState).toBe("StateLeader");
    expect(c.rn(1).status().hardState.term).toBe(1);
    expect(c.rn(3).status().softState).toEqual({ lead: 1, raftState: "StateFollower" });
  });
});

describe("vote granting rules", () => {
  it("a voter rejects a candidate whose log is less up to date (older last term)", () => {
    const { rn, storage } = node(2, { entries: log(1, 2), hardState: { term: 2, vote: 0, commit: 0 } });
    rn.step(msg({ type: "MsgVote", from: 1, to: 2, term: 3, logTerm: 1, index: 5 }));
    expect(drain(rn, storage).map(brief)).toEqual([
      { type: "MsgVoteResp", from: 2, to: 1, term: 3, reject: true },
    ]);
    expect(rn.status().hardState).toEqual({ term: 3, vote: 0, commit: 0 });
  });

  it("a voter rejects a candidate with the same last term but a shorter log", () => {
    const { rn, storage } = node(2, { entries: log(1, 1, 1), hardState: { term: 1, vote: 0, commit: 0 } });
    rn.step(msg({ type: "MsgVote", from: 1, to: 2, term: 2, logTerm: 1, index: 2 }));
    expect(drain(rn, storage).map(brief)[0]).toMatchObject({ type: "MsgVoteResp", reject: true });
  });

  it("a voter grants an up-to-date candidate, records the vote and answers only after persisting it", () => {
    const { rn, storage } = node(2, { entries: log(1), hardState: { term: 1, vote: 0, commit: 1 } });
    rn.step(msg({ type: "MsgVote", from: 1, to: 2, term: 2, logTerm: 1, index: 1 }));
    const rd = rn.ready();
    expect(rd.hardState).toEqual({ term: 2, vote: 1, commit: 1 });
    expect(rd.mustSync).toBe(true);
    expect(rd.messages.map(brief)).toEqual([{ type: "MsgVoteResp", from: 2, to: 1, term: 2 }]);
    storage.setHardState(rd.hardState ?? { term: 0, vote: 0, commit: 0 });
    rn.advance();
  });

  it("a voter that voted in this term rejects another candidate but repeats its vote to the same one", () => {
    const { rn, storage } = node(3, { hardState: { term: 2, vote: 1, commit: 0 } });
    rn.step(msg({ type: "MsgVote", from: 2, to: 3, term: 2 }));
    rn.step(msg({ type: "MsgVote", from: 1, to: 3, term: 2 }));
    expect(drain(rn, storage).map(brief)).toEqual([
      { type: "MsgVoteResp", from: 3, to: 2, term: 2, reject: true },
      { type: "MsgVoteResp", from: 3, to: 1, term: 2 },
    ]);
  });

  it("with checkQuorum, a follower that heard from its leader within the election timeout ignores a higher-term vote request", () => {
    const { rn, storage } = node(2, { config: { checkQuorum: true } });
    rn.step(msg({ type: "MsgHeartbeat", from: 1, to: 2, term: 1 }));
    drain(rn, storage);
    rn.step(msg({ type: "MsgVote", from: 3, to: 2, term: 2 }));
    expect(drain(rn, storage)).toEqual([]);
    expect(rn.status().hardState.term).toBe(1);
  });

  it("the lease does not stop a leadership-transfer vote", () => {
    const { rn, storage } = node(2, { config: { checkQuorum: true } });
    rn.step(msg({ type: "MsgHeartbeat", from: 1, to: 2, term: 1 }));
    drain(rn, storage);
    rn.step(
      msg({ type: "MsgVote", from: 3, to: 2, term: 2, context: new TextEncoder().encode("CampaignTransfer") }),
    );
    expect(drain(rn, storage).map(brief)).toEqual([{ type: "MsgVoteResp", from: 2, to: 3, term: 2 }]);
  });

  it("after the election timeout passes without the leader, the lease has expired and the vote is granted", () => {
    const { rn, storage } = node(2, { config: { checkQuorum: true } });
    rn.step(msg({ type: "MsgHeartbeat", from: 1, to: 2, term: 1 }));
    drain(rn, storage);
    rn.setRandomizedElectionTimeout(100);
    for (let i = 0; i < 10; i++) rn.tick();
    rn.step(msg({ type: "MsgVote", from: 3, to: 2, term: 2 }));
    expect(drain(rn, storage).map(brief)).toEqual([{ type: "MsgVoteResp", from: 2, to: 3, term: 2 }]);
  });

  it("forgetLeader lets a follower grant a vote within the lease, but not under lease-based reads", () => {
    const { rn, storage } = node(2, { config: { checkQuorum: true } });
    rn.step(msg({ type: "MsgHeartbeat", from: 1, to: 2, term: 1 }));
    drain(rn, storage);
    expect(rn.forgetLeader()).toBeNull();
    expect(rn.status().softState.lead).toBe(0);
    rn.step(msg({ type: "MsgVote", from: 3, to: 2, term: 2 }));
    expect(drain(rn, storage).map(brief)).toEqual([{ type: "MsgVoteResp", from: 2, to: 3, term: 2 }]);

    const lease = node(2, { config: { checkQuorum: true, readOnlyOption: "leaseBased" } });
    lease.rn.step(msg({ type: "MsgHeartbeat", from: 1, to: 2, term: 1 }));
    lease.rn.forgetLeader();
    expect(lease.rn.status().softState.lead).toBe(1);
  });

  it("learners grant votes (they may have been promoted without knowing yet)", () => {
    const { rn, storage } = node(3, { voters: [1, 2], learners: [3] });
    rn.step(msg({ type: "MsgVote", from: 1, to: 3, term: 1 }));
    expect(drain(rn, storage).map(brief)).toEqual([{ type: "MsgVoteResp", from: 3, to: 1, term: 1 }]);
  });

  it("a message from a lower term is ignored, but a stale leader's append gets a response with the newer term under checkQuorum", () => {
    const plain = node(2, { hardState: { term: 3, vote: 0, commit: 0 } });
    plain.rn.step(msg({ type: "MsgApp", from: 1, to: 2, term: 2 }));
    expect(drain(plain.rn, plain.storage)).toEqual([]);

    const cq = node(2, { hardState: { term: 3, vote: 0, commit: 0 }, config: { checkQuorum: true } });
    cq.rn.step(msg({ type: "MsgHeartbeat", from: 1, to: 2, term: 2 }));
    expect(drain(cq.rn, cq.storage).map(brief)).toEqual([{ type: "MsgAppResp", from: 2, to: 1, term: 3 }]);
  });
});
