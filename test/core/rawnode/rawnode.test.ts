import { describe, expect, it } from "vitest";
import { RawNode } from "../../../src/core/rawnode.js";
import { makeMessage } from "../../../src/core/raft/message.js";
import { LOCAL_APPEND_THREAD, LOCAL_APPLY_THREAD, type Config, type Message } from "../../../src/core/types.js";
import { Cluster, enc, storageWith } from "./cluster.js";

const cfg = (extra: Partial<Config> = {}): Config => ({ id: 1, electionTick: 10, heartbeatTick: 1, ...extra });

describe("config validation", () => {
  it.each<[string, Partial<Config>, RegExp]>([
    ["id 0", { id: 0 }, /none as id/],
    ["a local thread id", { id: LOCAL_APPEND_THREAD }, /local target/],
    ["heartbeat tick 0", { heartbeatTick: 0 }, /heartbeat tick/],
    ["election tick not above heartbeat tick", { electionTick: 1 }, /election tick/],
    ["max inflight messages 0", { maxInflightMsgs: 0 }, /max inflight messages/],
    ["max inflight bytes below the message size", { maxSizePerMsg: 100, maxInflightBytes: 10 }, /max inflight bytes/],
    ["lease-based reads without checkQuorum", { readOnlyOption: "leaseBased" }, /CheckQuorum/],
  ])("a config with %s is rejected", (_name, extra, error) => {
    expect(() => new RawNode(cfg(extra), storageWith([1]))).toThrow(error);
  });

  it("a HardState whose commit is beyond the log is rejected", () => {
    const s = storageWith([1]);
    s.setHardState({ term: 1, vote: 0, commit: 5 });
    expect(() => new RawNode(cfg(), s)).toThrow(/out of range/);
  });
});

describe("step", () => {
  it("refuses local message types from the network and responses from unknown peers", () => {
    const rn = new RawNode(cfg(), storageWith([1, 2]));
    expect(rn.step(makeMessage({ type: "MsgHup", from: 2, to: 1 }))).toBe("ErrStepLocalMsg");
    expect(rn.step(makeMessage({ type: "MsgAppResp", from: 9, to: 1, term: 1 }))).toBe("ErrStepPeerNotFound");
    expect(rn.step(makeMessage({ type: "MsgAppResp", from: 2, to: 1, term: 1 }))).toBeNull();
  });
});

describe("Ready", () => {
  it("carries softState and hardState only when they changed, and nothing when nothing happened", () => {
    const s = storageWith([1]);
    const rn = new RawNode(cfg({ randomizedElectionTimeout: (e) => e }), s);
    expect(rn.hasReady()).toBe(false);
    rn.campaign();
    expect(rn.hasReady()).toBe(true);
    const rd1 = rn.ready();
    expect(rd1.softState).toEqual({ lead: 0, raftState: "StateCandidate" });
    expect(rd1.hardState).toEqual({ term: 1, vote: 1, commit: 0 });
    expect("snapshot" in rd1).toBe(false);
    s.setHardState(rd1.hardState ?? { term: 0, vote: 0, commit: 0 });
    rn.advance();
    const rd2 = rn.ready();
    expect(rd2.softState).toEqual({ lead: 1, raftState: "StateLeader" });
    expect("hardState" in rd2).toBe(false);
    expect(rd2.entries.map((e) => e.index)).toEqual([1]);
    expect(rd2.mustSync).toBe(true);
    s.append(rd2.entries);
    rn.advance();
    const rd3 = rn.ready();
    expect("softState" in rd3).toBe(false);
    expect(rd3.hardState).toEqual({ term: 1, vote: 1, commit: 1 });
    // Only the commit index changed: no sync needed.
    expect(rd3.mustSync).toBe(false);
    expect(rd3.committedEntries.map((e) => e.index)).toEqual([1]);
    rn.advance();
    expect(rn.hasReady()).toBe(false);
  });

  it("taking a second Ready before advance is an error in synchronous mode", () => {
    const rn = new RawNode(cfg(), storageWith([1, 2]));
    rn.campaign();
    rn.ready();
    rn.campaign();
    expect(() => rn.ready()).toThrow(/without call to advance/);
  });

  it("a leader's messages to followers go out with the Ready that holds its entries; self-acks wait for advance", () => {
    const c = new Cluster([1, 2]);
    c.elect(1);
    c.rn(1).propose(enc("p"));
    const rd = c.rn(1).ready();
    expect(rd.entries.map((e) => e.index)).toEqual([2]);
    expect(rd.messages.map((m) => [m.type, m.to])).toEqual([["MsgApp", 2]]);
    expect(c.rn(1).status().progress.get(1)?.match).toBe(1);
    c.node(1).storage.append(rd.entries);
    c.rn(1).advance();
    expect(c.rn(1).status().progress.get(1)?.match).toBe(2);
  });

  it("maxCommittedSizePerReady bounds the committed entries handed out per Ready", () => {
    const c = new Cluster([1], { maxCommittedSizePerReady: 30 });
    c.elect(1);
    for (let i = 0; i < 6; i++) c.rn(1).propose(new Uint8Array(10));
    const rd = c.rn(1).ready();
    c.node(1).storage.append(rd.entries);
    c.rn(1).advance();
    const sizes: number[] = [];
    while (c.rn(1).hasReady()) {
      const next = c.rn(1).ready();
      if (next.committedEntries.length > 0) sizes.push(next.committedEntries.length);
      c.node(1).storage.append(next.entries);
      c.rn(1).advance();
    }
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(6);
  });
});

describe("status", () => {
  it("reports progress only on the leader", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    const s1 = c.rn(1).status();
    expect([...s1.progress.keys()]).toEqual([1, 2, 3]);
    expect(s1.progress.get(2)).toMatchObject({ match: 1, next: 2, state: "StateReplicate", isLearner: false });
    expect(s1.config.voters).toEqual([1, 2, 3]);
    expect(c.rn(2).status().progress.size).toBe(0);
    expect(c.rn(2).status()).toMatchObject({ id: 2, applied: 1, leadTransferee: 0, softState: { lead: 1 } });
  });
});

describe("async storage writes", () => {
  const find = (msgs: readonly Message[], to: number): Message | undefined => msgs.find((m) => m.to === to);

  it("a campaign emits a MsgStorageAppend carrying the HardState and the self-vote as a response", () => {
    const rn = new RawNode(cfg({ asyncStorageWrites: true }), storageWith([1, 2]));
    rn.campaign();
    const rd = rn.ready();
    const append = find(rd.messages, LOCAL_APPEND_THREAD);
    expect(append).toMatchObject({ type: "MsgStorageAppend", from: 1, term: 1, vote: 1, commit: 0 });
    expect(append?.responses.map((m) => [m.type, m.from, m.to, m.term])).toEqual([["MsgVoteResp", 1, 1, 1]]);
    expect(rd.messages.filter((m) => m.type === "MsgVote").map((m) => m.to)).toEqual([2]);
    expect(() => rn.advance()).toThrow(/asyncStorageWrites/);
  });

  it("entries are acknowledged by a MsgStorageAppendResp naming the last entry and term; applying goes through MsgStorageApply", () => {
    const c = new Cluster([1], { asyncStorageWrites: true });
    c.rn(1).campaign();
    c.stabilize();
    expect(c.rn(1).status().softState.raftState).toBe("StateLeader");
    const readies = c.node(1).readies;
    const appendWithEntry = readies
      .flatMap((rd) => rd.messages)
      .find((m) => m.type === "MsgStorageAppend" && m.entries.length > 0);
    expect(appendWithEntry?.responses.map((m) => [m.type, m.to, m.index, m.logTerm])).toEqual([
      ["MsgAppResp", 1, 1, 0],
      ["MsgStorageAppendResp", 1, 1, 1],
    ]);
    const apply = readies.flatMap((rd) => rd.messages).find((m) => m.to === LOCAL_APPLY_THREAD);
    expect(apply).toMatchObject({ type: "MsgStorageApply", from: 1, term: 0 });
    expect(apply?.responses.map((m) => [m.type, m.from, m.entries.length])).toEqual([
      ["MsgStorageApplyResp", LOCAL_APPLY_THREAD, 1],
    ]);
    expect(c.rn(1).status().applied).toBe(1);
  });

  it("entries are not applied before they are persisted locally", () => {
    const storage = storageWith([1, 2]);
    const rn = new RawNode(cfg({ asyncStorageWrites: true, id: 2 }), storage);
    rn.step(
      makeMessage({
        type: "MsgApp",
        from: 1,
        to: 2,
        term: 1,
        entries: [{ term: 1, index: 1, type: "EntryNormal", data: enc("x") }],
        commit: 1,
      }),
    );
    const rd = rn.ready();
    expect(rd.committedEntries).toEqual([]);
    expect(rd.messages.map((m) => m.type)).toEqual(["MsgStorageAppend"]);
    // MsgAppResp to the leader waits in the append's responses.
    const append = rd.messages[0];
    expect(append?.responses.map((m) => [m.type, m.to])).toEqual([
      ["MsgAppResp", 1],
      ["MsgStorageAppendResp", 2],
    ]);
    storage.append(append?.entries ?? []);
    for (const r of append?.responses ?? []) if (r.to === 2) rn.step(r);
    expect(rn.ready().committedEntries.map((e) => e.index)).toEqual([1]);
  });

  it("a stale MsgStorageAppendResp from an older term does not mark entries stable", () => {
    const rn = new RawNode(cfg({ asyncStorageWrites: true, id: 2 }), storageWith([1, 2]));
    rn.step(
      makeMessage({
        type: "MsgApp",
        from: 1,
        to: 2,
        term: 1,
        entries: [{ term: 1, index: 1, type: "EntryNormal", data: enc("x") }],
        commit: 1,
      }),
    );
    const rd = rn.ready();
    const resp = rd.messages[0]?.responses.find((m) => m.type === "MsgStorageAppendResp");
    rn.step(makeMessage({ type: "MsgHeartbeat", from: 1, to: 2, term: 2 }));
    rn.step(resp ?? makeMessage({ type: "MsgStorageAppendResp", to: 2 }));
    expect(rn.ready().committedEntries).toEqual([]);
  });

  it("a three-node async cluster replicates and applies like a synchronous one", () => {
    const c = new Cluster([1, 2, 3], { asyncStorageWrites: true });
    c.elect(1);
    for (let i = 0; i < 20; i++) c.rn(1).propose(enc(`a${i}`));
    c.stabilize();
    const expected = Array.from({ length: 20 }, (_, i) => `a${i}`);
    for (const id of [1, 2, 3]) expect(c.appliedData(id)).toEqual(expected);
  });
});
