import { describe, expect, it } from "vitest";
import { RawNode } from "../../../src/core/rawnode.js";
import { MemoryStorage } from "../../../src/core/storage.js";
import { RaftException, type Snapshot } from "../../../src/core/types.js";
import { baseConfig, Cluster, enc, storageWith } from "../rawnode/cluster.js";
import { brief, drain, msg, node } from "./helpers.js";

const confState = { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
const snap = (index: number, term: number): Snapshot => ({ data: new Uint8Array(), metadata: { index, term, confState } });

/** A storage whose snapshot is not ready yet. */
class BusyStorage extends MemoryStorage {
  busy = true;
  override snapshot(): Snapshot {
    if (this.busy) throw new RaftException("ErrSnapshotTemporarilyUnavailable");
    return super.snapshot();
  }
}

describe("candidate edge cases", () => {
  it("a candidate steps down on a heartbeat or snapshot from a leader of its term", () => {
    const a = node(1);
    a.rn.campaign();
    drain(a.rn, a.storage);
    a.rn.step(msg({ type: "MsgHeartbeat", from: 2, to: 1, term: 1 }));
    expect(a.rn.status().softState).toEqual({ lead: 2, raftState: "StateFollower" });

    const b = node(1);
    b.rn.campaign();
    drain(b.rn, b.storage);
    b.rn.step(msg({ type: "MsgSnap", from: 2, to: 1, term: 1, snapshot: snap(5, 1) }));
    expect(b.rn.status().softState).toEqual({ lead: 2, raftState: "StateFollower" });
    expect(b.rn.status().hardState.commit).toBe(5);
    expect(drain(b.rn, b.storage).map(brief)).toEqual([{ type: "MsgAppResp", from: 1, to: 2, term: 1, index: 5 }]);
  });
});

describe("snapshot sending edge cases", () => {
  function laggingCluster(storage3: MemoryStorage = storageWith([1, 2, 3])): { c: Cluster; leaderStorage: BusyStorage } {
    const c = new Cluster([2, 3]);
    const leaderStorage = new BusyStorage();
    leaderStorage.applySnapshot(snap(0, 0));
    c.nodes.delete(2);
    c.nodes.delete(3);
    c.add(1, leaderStorage);
    c.add(2, storageWith([1, 2, 3]));
    c.add(3, storage3);
    return { c, leaderStorage };
  }

  it("a temporarily unavailable snapshot is retried later instead of failing", () => {
    const { c, leaderStorage } = laggingCluster();
    c.elect(1);
    c.down.add(3);
    for (let i = 0; i < 3; i++) c.rn(1).propose(enc(`x${i}`));
    c.stabilize();
    leaderStorage.busy = false;
    leaderStorage.createSnapshot(4, undefined, new Uint8Array());
    leaderStorage.compact(4);
    leaderStorage.busy = true;
    c.down.delete(3);
    c.tick(1);
    c.stabilize();
    expect(c.rn(1).status().progress.get(3)?.state).toBe("StateProbe");
    leaderStorage.busy = false;
    c.tick(1);
    c.stabilize();
    expect(c.rn(3).status().hardState.commit).toBe(4);
  });

  it("no snapshot goes to a peer that has not been active recently", () => {
    const c = new Cluster([1, 2, 3], { checkQuorum: true });
    c.elect(1);
    c.down.add(3);
    c.rn(1).propose(enc("x"));
    c.stabilize();
    // A check-quorum round marks 3 inactive.
    c.tick(1, 10);
    c.stabilize();
    c.node(1).storage.createSnapshot(2, undefined, new Uint8Array());
    c.node(1).storage.compact(2);
    c.rn(1).reportUnreachable(3);
    expect(c.rn(1).status().progress.get(3)?.recentActive).toBe(false);
    // The proposal's broadcast would need a snapshot for 3, but 3 is not known to be alive.
    c.rn(1).propose(enc("y"));
    const out = c.takeMessages(1);
    expect(out.filter((m) => m.to === 3)).toEqual([]);
    expect(c.rn(1).status().progress.get(3)?.state).toBe("StateProbe");
  });
});

describe("lower-term storage acknowledgements", () => {
  it("a snapshot acknowledged under an older term is still applied", () => {
    const storage = storageWith([1, 2, 3]);
    const rn = new RawNode(baseConfig(2, { asyncStorageWrites: true }), storage);
    rn.step(msg({ type: "MsgSnap", from: 1, to: 2, term: 1, snapshot: snap(5, 1) }));
    const rd = rn.ready();
    const append = rd.messages.find((m) => m.type === "MsgStorageAppend");
    expect(append?.snapshot?.metadata.index).toBe(5);
    storage.applySnapshot(append?.snapshot ?? snap(5, 1));
    rn.step(msg({ type: "MsgHeartbeat", from: 3, to: 2, term: 2 }));
    for (const r of append?.responses ?? []) if (r.to === 2) rn.step(r);
    expect(rn.status().applied).toBe(5);
  });
});
