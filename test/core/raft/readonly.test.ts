import { describe, expect, it } from "vitest";
import { Cluster, dec, enc } from "../rawnode/cluster.js";
import { brief, drain, makeLeader, msg, node } from "./helpers.js";

const readStates = (c: Cluster, id: number): [number, string][] =>
  c.node(id).readies.flatMap((rd) => rd.readStates.map((rs): [number, string] => [rs.index, dec(rs.requestCtx)]));

describe("ReadIndex, safe", () => {
  it("the leader serves a read at its commit index after a quorum answers a heartbeat carrying the read's number", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.rn(1).readIndex(enc("r1"));
    const out = c.takeMessages(1);
    expect(out.map((m) => [m.type, m.to, [...m.context]])).toEqual([
      ["MsgHeartbeat", 2, [1, 0, 0, 0, 0, 0, 0, 0]],
      ["MsgHeartbeat", 3, [1, 0, 0, 0, 0, 0, 0, 0]],
    ]);
    expect(readStates(c, 1)).toEqual([]);
    c.queue.push(...out);
    c.stabilize();
    expect(readStates(c, 1)).toEqual([[1, "r1"]]);
  });

  it("reads issued before the leader commits an entry of its term wait for that commit", () => {
    const { rn, storage } = node(1);
    makeLeader(rn, storage);
    rn.readIndex(enc("early"));
    expect(drain(rn, storage).filter((m) => m.type === "MsgHeartbeat")).toEqual([]);
    rn.step(msg({ type: "MsgAppResp", from: 2, to: 1, term: 1, index: 1 }));
    const beats = drain(rn, storage).filter((m) => m.type === "MsgHeartbeat");
    expect(beats.map((m) => m.to)).toEqual([2, 3]);
    rn.step(msg({ type: "MsgHeartbeatResp", from: 2, to: 1, term: 1, context: beats[0]?.context ?? new Uint8Array() }));
    const rd = rn.ready();
    expect(rd.readStates.map((rs) => [rs.index, dec(rs.requestCtx)])).toEqual([[1, "early"]]);
    rn.advance();
  });

  it("a follower's read is forwarded to the leader and answered with MsgReadIndexResp", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.rn(2).readIndex(enc("from-2"));
    const fwd = c.takeMessages(2);
    expect(fwd.map(brief)).toEqual([{ type: "MsgReadIndex", from: 2, to: 1, term: 0, entries: ["0/0"] }]);
    c.queue.push(...fwd);
    c.stabilize();
    const resps = c.node(1).readies.flatMap((rd) => rd.messages).filter((m) => m.type === "MsgReadIndexResp");
    expect(resps.map(brief)).toEqual([
      { type: "MsgReadIndexResp", from: 1, to: 2, term: 1, index: 1, entries: ["0/0"] },
    ]);
    expect(readStates(c, 2)).toEqual([[1, "from-2"]]);
  });

  it("several reads are confirmed together by the acks of a later heartbeat", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.rn(1).readIndex(enc("a"));
    c.rn(1).readIndex(enc("b"));
    c.stabilize();
    expect(readStates(c, 1)).toEqual([
      [1, "a"],
      [1, "b"],
    ]);
  });

  it("a single-voter leader serves reads at once", () => {
    const c = new Cluster([1]);
    c.elect(1);
    c.rn(1).readIndex(enc("solo"));
    c.stabilize();
    expect(readStates(c, 1)).toEqual([[1, "solo"]]);
  });

  it("a follower without a leader drops reads", () => {
    const { rn, storage } = node(2);
    rn.readIndex(enc("x"));
    expect(drain(rn, storage)).toEqual([]);
    expect(rn.hasReady()).toBe(false);
  });

  it("a malformed MsgReadIndexResp is ignored", () => {
    const { rn } = node(2);
    rn.step(msg({ type: "MsgReadIndexResp", from: 1, to: 2, term: 0, index: 3 }));
    expect(rn.hasReady()).toBe(false);
  });
});

describe("ReadIndex, lease based", () => {
  it("the leader serves a read at once, without a heartbeat round", () => {
    const c = new Cluster([1, 2, 3], { checkQuorum: true, readOnlyOption: "leaseBased" });
    c.elect(1);
    c.rn(1).readIndex(enc("lease"));
    const rd = c.rn(1).ready();
    expect(rd.readStates.map((rs) => [rs.index, dec(rs.requestCtx)])).toEqual([[1, "lease"]]);
    expect(rd.messages).toEqual([]);
    c.rn(1).advance();
  });

  it("a forwarded read is answered at once", () => {
    const c = new Cluster([1, 2, 3], { checkQuorum: true, readOnlyOption: "leaseBased" });
    c.elect(1);
    c.rn(2).readIndex(enc("f"));
    c.stabilize();
    expect(readStates(c, 2)).toEqual([[1, "f"]]);
  });
});
