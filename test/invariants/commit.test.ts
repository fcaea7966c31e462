import { describe, expect, test } from "vitest";
import { Scenario } from "./scenario.js";

describe("committed-agreement", () => {
  test("two nodes with different entries committed at one index fire", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(1, { term: 1, commit: 1 }).append(1, 1);
    s.set(2, { term: 2, commit: 1 }).append(2, 2);
    expect(s.step()).toEqual(["committed-agreement"]);
  });

  test("a node changing an entry it had committed fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 1, commit: 1 }).append(2, 1);
    expect(s.step()).toEqual([]);
    s.truncate(2, 0).append(2, { term: 1, digest: "other" });
    expect(s.step()).toEqual(["committed-agreement", "log-matching"]);
  });

  test("a follower that took a conflicting append is judged once it hands out its Ready", () => {
    // Node 1 holds 1@t1 from its own stale leadership; leader 3 of term 2 commits 1@t2. Stepping
    // the append into node 1 raises its commit at once, while the log it has handed out still
    // shows 1@t1 until its next Ready (logPending): the comparison waits for that Ready.
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    expect(s.elect(3, 2, [2])).toEqual([]);
    expect(s.commitOn(3, [2], 1)).toEqual([]);
    s.set(1, { term: 2, vote: 0, role: "follower", leader: 3, commit: 1, logPending: true });
    expect(s.step()).toEqual([]);
    s.replicate(3, 1).set(1, { logPending: false });
    expect(s.step()).toEqual([]);
  });

  test("a committed entry that differs once the Ready is handed out fires", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    expect(s.elect(3, 2, [2])).toEqual([]);
    expect(s.commitOn(3, [2], 1)).toEqual([]);
    s.set(1, { term: 2, vote: 0, role: "follower", leader: 3, commit: 1, logPending: true });
    expect(s.step()).toEqual([]);
    s.set(1, { logPending: false });
    expect(s.step()).toEqual(["committed-agreement"]);
  });

  test("§3.5 sketch 1: a committed entry missing from a 'more up-to-date' stale leader is legal", () => {
    // A=1, B=2, C=3, D=4, E=5. A (term 2) holds uncommitted ⟨1,2⟩; C wins term 3 without it and
    // appends ⟨1,3⟩; A wins term 4, gives B only ⟨1,2⟩ with leaderCommit 2, so B commits ⟨1,2⟩ while
    // C's log (last term 3) is "more up to date" than B's. MoreUpToDateCorrectInv would fire.
    const s = new Scenario([1, 2, 3, 4, 5]);
    expect(s.elect(1, 2, [4, 5])).toEqual([]);
    expect(s.elect(3, 3, [2, 4])).toEqual([]);
    s.set(1, { role: "follower", term: 3, vote: 0, leader: 0 });
    expect(s.step()).toEqual([]);
    expect(s.elect(1, 4, [4, 5])).toEqual([]);
    expect(s.commitOn(1, [4, 5], 2)).toEqual([]);
    s.replicate(1, 2, 1).set(2, { term: 4, leader: 1, commit: 1 });
    expect(s.step()).toEqual([]);
    expect(s.node(3).role).toBe("leader");
  });
});

describe("commit-monotonic", () => {
  test("commit going back within an incarnation fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 1, commit: 1 }).append(2, 1);
    expect(s.step()).toEqual([]);
    s.set(2, { commit: 0 });
    expect(s.step()).toEqual(["commit-monotonic"]);
  });

  test("a restarted node may start at its durable commit and re-apply from the start", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 1, commit: 2 }).append(2, 1, 1);
    expect(s.step()).toEqual([]);
    s.apply(2, 2);
    expect(s.step()).toEqual([]);
    s.crash(2, { commit: 1 });
    expect(s.step()).toEqual([]);
    s.restart(2, { applied: 0 });
    expect(s.step()).toEqual([]);
    s.apply(2, 1);
    expect(s.step()).toEqual([]);
  });
});

describe("commit-monotonic with a volatile commit index (no durable_commit)", () => {
  const restartBelowDurableCommit = (s: Scenario): string[] => {
    s.set(2, { term: 1, commit: 2 }).append(2, 1, 1);
    expect(s.step()).toEqual([]);
    s.crash(2, { commit: 1 });
    expect(s.step()).toEqual([]);
    s.restart(2, { commit: 0, applied: 0 });
    return s.step();
  };

  test("a node coming back below its durable commit fires when commit is durable", () => {
    expect(restartBelowDurableCommit(new Scenario([1, 2, 3]))).toEqual(["commit-monotonic"]);
  });

  test("is allowed when the library keeps commit in memory only, but going back within an incarnation still fires", () => {
    const s = new Scenario([1, 2, 3], { volatileCommit: true });
    expect(restartBelowDurableCommit(s)).toEqual([]);
    s.set(2, { commit: 1 });
    s.step();
    s.set(2, { commit: 0 });
    expect(s.step()).toEqual(["commit-monotonic"]);
  });
});

describe("current-term-commit-rule", () => {
  test("a leader committing an entry of an older term by counting replicas fires (Figure 8)", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 2, [2])).toEqual([]);
    s.replicate(1, 2).set(2, { leader: 1 });
    expect(s.step()).toEqual([]);
    s.set(1, { role: "follower", leader: 0 }).tick(1);
    expect(s.step()).toEqual([]);
    expect(s.elect(1, 3, [2])).toEqual([]);
    s.set(1, { commit: 1 });
    expect(s.step()).toEqual(["current-term-commit-rule"]);
  });

  test("committing an entry of the current term commits the older ones with it", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 2, [2])).toEqual([]);
    s.replicate(1, 2).set(2, { leader: 1 });
    expect(s.step()).toEqual([]);
    s.set(1, { role: "follower", leader: 0 }).tick(1);
    expect(s.step()).toEqual([]);
    expect(s.elect(1, 3, [2])).toEqual([]);
    expect(s.commitOn(1, [2], 2)).toEqual([]);
  });
});

describe("commit-quorum", () => {
  test("a leader committing an entry only it holds fires", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    s.set(1, { commit: 1 });
    expect(s.step()).toEqual(["commit-quorum"]);
  });

  test("a leader removed from the config may stay leader and commit with the remaining voters", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    s.append(1, { term: 1, kind: "config", confChange: "simple" });
    expect(s.commitOn(1, [2, 3], 2)).toEqual([]);
    s.apply(1, 2).set(1, { config: { voters: [2, 3] } });
    expect(s.step()).toEqual([]);
    s.append(1, 1).replicate(1, 2).replicate(1, 3);
    expect(s.step()).toEqual([]);
    s.set(1, { commit: 3 });
    expect(s.step()).toEqual([]);
  });
});

describe("leader-completeness", () => {
  test("a leader of a later term lacking a committed entry fires", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 2, [2])).toEqual([]);
    expect(s.commitOn(1, [2], 1)).toEqual([]);
    expect(s.elect(3, 3, [2])).toEqual(["leader-completeness"]);
  });

  test("§3.5 sketch 2: a stale leader of an intermediate term may lack a later-committed entry", () => {
    // A=1 leads term 2 with ⟨1,2⟩ unreplicated; C=3 wins term 3 with B=2 and appends ⟨1,3⟩, then is
    // cut off; A learns term 3, wins term 4 with B, replicates ⟨1,2⟩,⟨2,4⟩ and commits 2. C still
    // leads term 3 > 2 with ⟨1,3⟩: the entry-term LeaderCompletenessInv would fire.
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 2, [2])).toEqual([]);
    expect(s.elect(3, 3, [2])).toEqual([]);
    s.set(1, { role: "follower", term: 3, vote: 0, leader: 0 });
    expect(s.step()).toEqual([]);
    expect(s.elect(1, 4, [2])).toEqual([]);
    expect(s.commitOn(1, [2], 2)).toEqual([]);
    s.tick(3);
    expect(s.step()).toEqual([]);
    expect(s.node(3).role).toBe("leader");
  });
});
