import { describe, expect, it } from "vitest";
import { Cluster, enc } from "../rawnode/cluster.js";
import { brief, drain, entry, log, makeLeader, msg, node } from "./helpers.js";

describe("log replication", () => {
  it("a follower appends matching entries, acks the new last index and follows the leader's commit", () => {
    const { rn, storage } = node(2, {
      entries: log(1),
      hardState: { term: 1, vote: 0, commit: 1 },
      config: { applied: 1 },
    });
    rn.step(
      msg({ type: "MsgApp", from: 1, to: 2, term: 1, logTerm: 1, index: 1, entries: [entry(2, 1), entry(3, 1)], commit: 2 }),
    );
    const rd = rn.ready();
    expect(rd.entries.map((e) => e.index)).toEqual([2, 3]);
    expect(rd.hardState).toEqual({ term: 1, vote: 0, commit: 2 });
    expect(rd.committedEntries.map((e) => e.index)).toEqual([2]);
    expect(rd.messages.map(brief)).toEqual([{ type: "MsgAppResp", from: 2, to: 1, term: 1, index: 3 }]);
    storage.append(rd.entries);
    rn.advance();
  });

  it("a follower rejects an append whose previous term does not match, hinting at its last index and term", () => {
    const { rn, storage } = node(2, { entries: log(1, 1), hardState: { term: 2, vote: 0, commit: 0 } });
    rn.step(msg({ type: "MsgApp", from: 1, to: 2, term: 2, logTerm: 2, index: 5, entries: [entry(6, 2)] }));
    expect(drain(rn, storage).map(brief)).toEqual([
      { type: "MsgAppResp", from: 2, to: 1, term: 2, index: 5, reject: true, rejectHint: 2, logTerm: 1 },
    ]);
  });

  it("a follower with a divergent tail of higher terms hints at the last entry whose term is not above the append's", () => {
    // Follower log terms: 1 3 3 4 4 5 5 5 6; the leader probes at (index 8, term 3).
    const { rn, storage } = node(2, { entries: log(1, 3, 3, 4, 4, 5, 5, 5, 6), hardState: { term: 7, vote: 0, commit: 1 } });
    rn.step(msg({ type: "MsgApp", from: 1, to: 2, term: 7, logTerm: 3, index: 8 }));
    expect(drain(rn, storage).map(brief)).toEqual([
      { type: "MsgAppResp", from: 2, to: 1, term: 7, index: 8, reject: true, rejectHint: 3, logTerm: 3 },
    ]);
  });

  it("an append below the commit index is answered with the commit index", () => {
    const { rn, storage } = node(2, { entries: log(1, 1, 1), hardState: { term: 1, vote: 0, commit: 3 } });
    rn.step(msg({ type: "MsgApp", from: 1, to: 2, term: 1, logTerm: 1, index: 1, entries: [entry(2, 1)] }));
    expect(drain(rn, storage).map(brief)).toEqual([{ type: "MsgAppResp", from: 2, to: 1, term: 1, index: 3 }]);
  });

  it("the leader uses the rejection's log term to skip every index whose term is higher (fast backtracking)", () => {
    // Leader log terms: 1 3 3 3 5 5 5 5 5 (+ its own empty entry at term 6).
    const { rn, storage } = node(1, { entries: log(1, 3, 3, 3, 5, 5, 5, 5, 5), hardState: { term: 5, vote: 0, commit: 1 } });
    makeLeader(rn, storage);
    // Follower 2 (terms 1 1 1 1 2 2) rejects the append at 9 with hint (6, term 2).
    rn.step(msg({ type: "MsgAppResp", from: 2, to: 1, term: 6, index: 9, reject: true, rejectHint: 6, logTerm: 2 }));
    const probes = drain(rn, storage).filter((m) => m.to === 2);
    expect(probes.map(brief)).toEqual([
      { type: "MsgApp", from: 1, to: 2, term: 6, logTerm: 1, index: 1, commit: 1, entries: ["3/2", "3/3", "3/4", "5/5", "5/6", "5/7", "5/8", "5/9", "6/10"] },
    ]);
  });

  it("a stale rejection (for an index already matched) does not move the peer back", () => {
    const { rn, storage } = node(1);
    makeLeader(rn, storage);
    rn.step(msg({ type: "MsgAppResp", from: 2, to: 1, term: 1, index: 1 }));
    drain(rn, storage);
    rn.step(msg({ type: "MsgAppResp", from: 2, to: 1, term: 1, index: 0, reject: true, rejectHint: 0 }));
    expect(drain(rn, storage)).toEqual([]);
    expect(rn.status().progress.get(2)?.match).toBe(1);
  });

  it("the leader commits once a majority acks, then sends the commit index to every peer not paused", () => {
    const { rn, storage } = node(1);
    makeLeader(rn, storage);
    rn.step(msg({ type: "MsgAppResp", from: 2, to: 1, term: 1, index: 1 }));
    expect(rn.status().hardState.commit).toBe(1);
    // Peer 3 is still probing with its first append unanswered, so it is paused.
    expect(drain(rn, storage).map(brief)).toEqual([
      { type: "MsgApp", from: 1, to: 2, term: 1, logTerm: 1, index: 1, commit: 1 },
    ]);
    expect(rn.status().progress.get(3)?.msgAppFlowPaused).toBe(true);
  });

  it("entries of an earlier term are committed only through an entry of the current term (Figure 8)", () => {
    // Node 1 was leader at term 2 and replicated index 2 (term 2) to nobody; now it leads term 4.
    const { rn, storage } = node(1, { entries: log(1, 2), hardState: { term: 3, vote: 0, commit: 1 } });
    makeLeader(rn, storage);
    expect(rn.status().hardState.term).toBe(4);
    // A majority now holds index 2, but its term (2) is not the current one: no commit.
    rn.step(msg({ type: "MsgAppResp", from: 2, to: 1, term: 4, index: 2 }));
    expect(rn.status().hardState.commit).toBe(1);
    // Once the majority holds the term-4 entry at index 3, everything up to it commits.
    rn.step(msg({ type: "MsgAppResp", from: 2, to: 1, term: 4, index: 3 }));
    expect(rn.status().hardState.commit).toBe(3);
  });

  it("a heartbeat carries the commit index capped at the follower's match", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    for (let i = 0; i < 3; i++) c.rn(1).propose(enc(`x${i}`));
    c.isolate(3);
    c.stabilize();
    c.heal();
    expect(c.rn(1).status().hardState.commit).toBe(4);
    expect(c.rn(1).status().progress.get(3)?.match).toBe(1);
    c.tick(1);
    const beats = c.takeMessages(1).filter((m) => m.type === "MsgHeartbeat");
    expect(beats.map(brief)).toEqual([
      { type: "MsgHeartbeat", from: 1, to: 2, term: 1, commit: 4 },
      { type: "MsgHeartbeat", from: 1, to: 3, term: 1, commit: 1 },
    ]);
  });

  it("a heartbeat response from a lagging follower makes the leader send it the missing entries", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.isolate(3);
    c.rn(1).propose(enc("a"));
    c.stabilize();
    c.heal();
    c.tick(1);
    c.stabilize();
    expect(c.appliedData(3)).toEqual(["a"]);
  });

  it("a follower's commit follows a heartbeat but never past its own log", () => {
    const { rn, storage } = node(2, { entries: log(1, 1), hardState: { term: 1, vote: 0, commit: 0 } });
    rn.step(msg({ type: "MsgHeartbeat", from: 1, to: 2, term: 1, commit: 2 }));
    expect(rn.status().hardState.commit).toBe(2);
    expect(drain(rn, storage).map(brief)).toEqual([{ type: "MsgHeartbeatResp", from: 2, to: 1, term: 1 }]);
  });

  it("in StateReplicate the leader pipelines appends up to maxInflightMsgs, then waits", () => {
    const c = new Cluster([1, 2], { maxInflightMsgs: 2, maxSizePerMsg: 1, maxCommittedSizePerReady: 1 << 20 });
    c.elect(1);
    for (let i = 0; i < 5; i++) c.rn(1).propose(enc(`e${i}`));
    const out = c.takeMessages(1);
    const apps = out.filter((m) => m.type === "MsgApp" && m.to === 2);
    expect(apps.map((m) => m.entries.length)).toEqual([1, 1]);
    expect(c.rn(1).status().progress.get(2)?.inflightFull).toBe(true);
    c.queue.push(...out);
    c.stabilize();
    expect(c.appliedData(2)).toEqual(["e0", "e1", "e2", "e3", "e4"]);
  });

  it("a compacted log makes the leader send a snapshot, which the follower restores and acks", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.down.add(3);
    for (let i = 0; i < 5; i++) c.rn(1).propose(enc(`s${i}`));
    c.stabilize();
    const leader = c.node(1);
    const applied = leader.applied[leader.applied.length - 1]?.index ?? 0;
    leader.storage.createSnapshot(applied, undefined, enc("state"));
    leader.storage.compact(applied);
    c.down.delete(3);
    c.tick(1);
    c.stabilize();
    const snaps = c.node(1).readies.flatMap((rd) => rd.messages).filter((m) => m.type === "MsgSnap");
    expect(snaps.map((m) => [m.to, m.snapshot?.metadata.index])).toEqual([[3, applied]]);
    expect(c.rn(3).status().hardState.commit).toBe(applied);
    expect(c.rn(1).status().progress.get(3)?.state).toBe("StateReplicate");
    expect(c.appliedData(3)).toEqual([]);
    expect(c.lastSnapshot(3).data).toEqual(enc("state"));
  });

  it("a snapshot at or below the commit index is ignored and answered with the commit index", () => {
    const { rn, storage } = node(2, { entries: log(1, 1), hardState: { term: 1, vote: 0, commit: 2 } });
    const confState = { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    rn.step(msg({ type: "MsgSnap", from: 1, to: 2, term: 1, snapshot: { data: new Uint8Array(), metadata: { index: 2, term: 1, confState } } }));
    expect(drain(rn, storage).map(brief)).toEqual([{ type: "MsgAppResp", from: 2, to: 1, term: 1, index: 2 }]);
  });

  it("a snapshot whose last entry the follower already has only fast-forwards its commit index", () => {
    const { rn, storage } = node(2, { entries: log(1, 1, 1), hardState: { term: 1, vote: 0, commit: 1 } });
    const confState = { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    rn.step(msg({ type: "MsgSnap", from: 1, to: 2, term: 1, snapshot: { data: new Uint8Array(), metadata: { index: 2, term: 1, confState } } }));
    expect(rn.status().hardState.commit).toBe(2);
    expect(drain(rn, storage).map(brief)).toEqual([{ type: "MsgAppResp", from: 2, to: 1, term: 1, index: 2 }]);
  });

  it("a snapshot whose configuration does not contain the node is ignored", () => {
    const { rn, storage } = node(2);
    const confState = { voters: [1, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    rn.step(msg({ type: "MsgSnap", from: 1, to: 2, term: 1, snapshot: { data: new Uint8Array(), metadata: { index: 5, term: 1, confState } } }));
    expect(drain(rn, storage).map(brief)).toEqual([{ type: "MsgAppResp", from: 2, to: 1, term: 1 }]);
  });

  it("reportSnapshot moves the peer from StateSnapshot to probing, paused until the next response", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.down.add(3);
    c.rn(1).propose(enc("a"));
    c.stabilize();
    c.node(1).storage.createSnapshot(2, undefined, new Uint8Array());
    c.node(1).storage.compact(2);
    c.rn(1).reportUnreachable(3);
    c.rn(1).step(msg({ type: "MsgHeartbeatResp", from: 3, to: 1, term: 1 }));
    expect(c.rn(1).status().progress.get(3)?.state).toBe("StateSnapshot");
    c.rn(1).reportSnapshot(3, true);
    const pr = c.rn(1).status().progress.get(3);
    expect(pr?.state).toBe("StateProbe");
    expect(pr?.pendingSnapshot).toBe(0);
    expect(pr?.msgAppFlowPaused).toBe(true);
  });

  it("reportUnreachable moves a replicating peer back to probing", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    expect(c.rn(1).status().progress.get(2)?.state).toBe("StateReplicate");
    c.rn(1).reportUnreachable(2);
    expect(c.rn(1).status().progress.get(2)?.state).toBe("StateProbe");
  });
});
