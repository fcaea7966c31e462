import { describe, expect, it } from "vitest";
import { decodeConfChange } from "../../../src/core/confchange/encoding.js";
import { RawNode } from "../../../src/core/rawnode.js";
import { MemoryStorage } from "../../../src/core/storage.js";
import type { ConfChange, ConfChangeSingle } from "../../../src/core/types.js";
import { Cluster, enc, storageWith } from "../rawnode/cluster.js";
import { drain, msg, node } from "./helpers.js";

const EMPTY = new Uint8Array(0);
const v1 = (type: ConfChangeSingle["type"], nodeId: number): ConfChange => ({ version: 1, id: 0, type, nodeId, context: EMPTY });
const v2 = (transition: "auto" | "implicit" | "explicit", ...changes: ConfChangeSingle[]): ConfChange => ({
  version: 2,
  transition,
  changes,
  context: EMPTY,
});

/** Adds a node with an empty log: it learns every entry from the leader. */
function addEmptyNode(c: Cluster, id: number): void {
  c.add(id, new MemoryStorage());
}

/** Adds a node that knows the initial configuration (as if it had received the first snapshot). */
function addNodeWithConfig(c: Cluster, id: number, voters: readonly number[]): void {
  c.add(id, storageWith(voters));
}

describe("learners", () => {
  it("a learner receives and applies entries but never campaigns", () => {
    const c = new Cluster([1, 2, 3], {}, [4]);
    c.elect(1);
    c.rn(1).propose(enc("x"));
    c.stabilize();
    expect(c.appliedData(4)).toEqual(["x"]);
    c.tick(4, 100);
    expect(c.rn(4).status().softState.raftState).toBe("StateFollower");
    c.rn(4).campaign();
    expect(c.rn(4).status().softState.raftState).toBe("StateFollower");
  });

  it("a learner's acks do not count towards the commit index", () => {
    const c = new Cluster([1, 2], {}, [3]);
    c.elect(1);
    c.isolate(2);
    c.rn(1).propose(enc("x"));
    c.stabilize();
    expect(c.rn(3).status().hardState.commit).toBe(1);
    expect(c.rn(1).status().hardState.commit).toBe(1);
    expect(c.rn(1).status().progress.get(3)?.match).toBe(2);
  });

  it("a learner is promoted with a simple conf change and then votes", () => {
    const c = new Cluster([1, 2, 3], {}, [4]);
    c.elect(1);
    expect(c.rn(1).proposeConfChange(v1("ConfChangeAddNode", 4))).toBeNull();
    c.stabilize();
    expect(c.rn(4).status().config.voters).toEqual([1, 2, 3, 4]);
    expect(c.rn(1).status().progress.get(4)?.isLearner).toBe(false);
  });
});

describe("simple conf changes", () => {
  it("adding a voter with a V1 change lets the leader probe it at once and catch it up", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.rn(1).propose(enc("before"));
    c.stabilize();
    addEmptyNode(c, 4);
    c.rn(1).proposeConfChange(v1("ConfChangeAddNode", 4));
    c.stabilize();
    expect(c.rn(1).status().config.voters).toEqual([1, 2, 3, 4]);
    expect(c.appliedData(4)).toEqual(["before"]);
  });

  it("only one conf change may be pending: a second is replaced by an empty normal entry", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.rn(1).proposeConfChange(v1("ConfChangeAddLearnerNode", 4));
    c.rn(1).proposeConfChange(v1("ConfChangeAddLearnerNode", 5));
    c.stabilize();
    const types = c.node(1).applied.map((e) => e.type);
    expect(types).toEqual(["EntryNormal", "EntryConfChange", "EntryNormal"]);
    expect(c.rn(1).status().config.learners).toEqual([4]);
  });

  it("with validation disabled, a second pending conf change goes into the log", () => {
    const c = new Cluster([1, 2, 3], { disableConfChangeValidation: true });
    c.elect(1);
    c.rn(1).proposeConfChange(v1("ConfChangeAddLearnerNode", 4));
    c.rn(1).proposeConfChange(v1("ConfChangeAddLearnerNode", 5));
    c.stabilize();
    expect(c.rn(1).status().config.learners).toEqual([4, 5]);
  });

  it("removing a follower shrinks the quorum: a pending entry may commit right away", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.down.add(3);
    c.rn(1).proposeConfChange(v1("ConfChangeRemoveNode", 3));
    c.stabilize();
    expect(c.rn(1).status().config.voters).toEqual([1, 2]);
    c.down.add(2);
    c.rn(1).propose(enc("x"));
    c.stabilize();
    expect(c.rn(1).status().hardState.commit).toBe(2);
    // Only leader and node 2 count now; with 2 down nothing commits.
    c.down.delete(2);
    c.tick(1);
    c.stabilize();
    expect(c.rn(1).status().hardState.commit).toBe(3);
  });
});

describe("joint consensus", () => {
  it("a V2 change with several changes enters a joint config and the leader leaves it automatically", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    addNodeWithConfig(c, 4, [1, 2, 3]);
    addNodeWithConfig(c, 5, [1, 2, 3]);
    c.rn(1).proposeConfChange(
      v2("auto", { type: "ConfChangeAddNode", nodeId: 4 }, { type: "ConfChangeAddLearnerNode", nodeId: 5 }),
    );
    c.stabilize();
    const applied = c.node(1).applied.filter((e) => e.type === "EntryConfChangeV2");
    expect(applied).toHaveLength(2);
    // The second one is the empty auto-leave change, proposed by the leader itself.
    const leave = applied[1];
    expect(leave?.data.length).toBe(0);
    expect(decodeConfChange("EntryConfChangeV2", leave?.data ?? EMPTY)).toMatchObject({ version: 2, changes: [] });
    for (const id of [1, 2, 3, 4]) {
      expect(c.rn(id).status().config).toEqual({
        voters: [1, 2, 3, 4],
        learners: [5],
        votersOutgoing: [],
        learnersNext: [],
        autoLeave: false,
      });
    }
  });

  it("an explicit transition stays joint until the application proposes leaving", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.rn(1).proposeConfChange(v2("explicit", { type: "ConfChangeRemoveNode", nodeId: 3 }));
    c.stabilize();
    expect(c.rn(1).status().config).toMatchObject({ voters: [1, 2], votersOutgoing: [1, 2, 3], autoLeave: false });
    // A new change is refused while joint: it becomes an empty normal entry.
    c.rn(1).proposeConfChange(v1("ConfChangeAddLearnerNode", 4));
    c.stabilize();
    expect(c.rn(1).status().config.learners).toEqual([]);
    c.rn(1).proposeConfChange(v2("auto"));
    c.stabilize();
    expect(c.rn(1).status().config).toMatchObject({ voters: [1, 2], votersOutgoing: [] });
  });

  it("leaving a joint config when not joint is refused", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.rn(1).proposeConfChange(v2("auto"));
    c.stabilize();
    expect(c.node(1).applied.map((e) => e.type)).toEqual(["EntryNormal", "EntryNormal"]);
  });

  it("a joint config needs a majority of both halves to elect", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    addNodeWithConfig(c, 4, [1, 2, 3]);
    addNodeWithConfig(c, 5, [1, 2, 3]);
    c.rn(1).proposeConfChange(
      v2("explicit", { type: "ConfChangeAddNode", nodeId: 4 }, { type: "ConfChangeAddNode", nodeId: 5 }, { type: "ConfChangeRemoveNode", nodeId: 1 }),
    );
    c.stabilize();
    expect(c.rn(2).status().config).toMatchObject({ voters: [2, 3, 4, 5], votersOutgoing: [1, 2, 3] });
    // 4 and 5 alone form a majority of neither half.
    c.down.add(1);
    c.down.add(3);
    c.rn(2).campaign();
    c.stabilize();
    expect(c.rn(2).status().softState.raftState).toBe("StateCandidate");
    c.down.delete(3);
    c.rn(2).campaign();
    c.stabilize();
    expect(c.rn(2).status().softState.raftState).toBe("StateLeader");
  });
});

describe("removing the leader", () => {
  it("with stepDownOnRemoval the removed leader steps down when it applies its removal", () => {
    const c = new Cluster([1, 2, 3], { stepDownOnRemoval: true });
    c.elect(1);
    c.rn(1).proposeConfChange(v1("ConfChangeRemoveNode", 1));
    c.stabilize();
    expect(c.rn(1).status().softState.raftState).toBe("StateFollower");
  });

  it("without it the removed leader keeps leading (and drops proposals)", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.rn(1).proposeConfChange(v1("ConfChangeRemoveNode", 1));
    c.stabilize();
    expect(c.rn(1).status().softState.raftState).toBe("StateLeader");
    expect(c.rn(1).propose(enc("x"))).toBe("ErrProposalDropped");
  });

  it("a leadership transfer to a node the change removes is aborted", () => {
    const c = new Cluster([1, 2, 3]);
    c.elect(1);
    c.isolate(3);
    c.rn(1).propose(enc("a"));
    c.stabilize();
    c.rn(1).transferLeader(3);
    expect(c.rn(1).status().leadTransferee).toBe(3);
    c.rn(1).applyConfChange(v1("ConfChangeRemoveNode", 3));
    expect(c.rn(1).status().leadTransferee).toBe(0);
  });
});

describe("bootstrap", () => {
  it("bootstrapping an empty node commits one AddNode entry per peer and lets it campaign at once", () => {
    const storage = new MemoryStorage();
    const rn = new RawNode({ id: 1, electionTick: 10, heartbeatTick: 1 }, storage);
    rn.bootstrap([{ id: 1 }, { id: 2 }]);
    const rd = rn.ready();
    expect(rd.hardState).toEqual({ term: 1, vote: 0, commit: 2 });
    expect(rd.entries.map((e) => [e.index, e.term, e.type])).toEqual([
      [1, 1, "EntryConfChange"],
      [2, 1, "EntryConfChange"],
    ]);
    expect(rd.committedEntries).toHaveLength(2);
    expect(decodeConfChange("EntryConfChange", rd.entries[1]?.data ?? EMPTY)).toMatchObject({ nodeId: 2 });
    storage.append(rd.entries);
    rn.advance();
    rn.campaign();
    expect(rn.status().softState.raftState).toBe("StateCandidate");
  });

  it("bootstrap refuses an empty peer list and a non-empty storage", () => {
    const { rn } = node(1);
    expect(() => rn.bootstrap([])).toThrow(/at least one peer/);
    const { rn: full } = node(1, { entries: [{ term: 1, index: 1, type: "EntryNormal", data: EMPTY }] });
    expect(() => full.bootstrap([{ id: 1 }])).toThrow(/nonempty/);
  });
});

describe("applying conf changes on followers", () => {
  it("a follower's applyConfChange returns the new ConfState", () => {
    const { rn, storage } = node(2);
    rn.step(msg({ type: "MsgHeartbeat", from: 1, to: 2, term: 1 }));
    drain(rn, storage);
    expect(rn.applyConfChange(v1("ConfChangeAddLearnerNode", 7))).toEqual({
      voters: [1, 2, 3],
      learners: [7],
      votersOutgoing: [],
      learnersNext: [],
      autoLeave: false,
    });
  });

  it("an invalid change throws, as etcd panics", () => {
    const { rn } = node(2);
    expect(() => rn.applyConfChange(v2("auto"))).toThrow(/non-joint/);
  });
});
