import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_U53 } from "../../../src/core/types.js";
import { JointConfig } from "../../../src/core/quorum/joint.js";
import { MajorityConfig } from "../../../src/core/quorum/majority.js";
import { mapAckIndexer, type VoteResult } from "../../../src/core/quorum/types.js";

function acks(byId: Record<number, number>) {
  return mapAckIndexer(new Map(Object.entries(byId).map(([id, idx]) => [Number(id), idx])));
}

function votes(byId: Record<number, boolean>) {
  return new Map(Object.entries(byId).map(([id, v]) => [Number(id), v]));
}

describe("joint committed index", () => {
  it.each([
    // With an empty outgoing half, a joint config is its incoming half.
    { incoming: [1, 2, 3], outgoing: [], acked: { 1: 100, 2: 101, 3: 99 }, committed: 100 },
    { incoming: [1], outgoing: [2], acked: {}, committed: 0 },
    { incoming: [1], outgoing: [2], acked: { 1: 100 }, committed: 0 },
    { incoming: [1], outgoing: [2], acked: { 1: 13, 2: 100 }, committed: 13 },
    { incoming: [1], outgoing: [1], acked: { 1: 100 }, committed: 100 },
    { incoming: [1, 3], outgoing: [2], acked: { 1: 100, 3: 50 }, committed: 0 },
    { incoming: [1, 3], outgoing: [2], acked: { 1: 100, 2: 45, 3: 50 }, committed: 45 },
    { incoming: [1, 2], outgoing: [2], acked: { 1: 100 }, committed: 0 },
    { incoming: [1, 2], outgoing: [2], acked: { 1: 50, 2: 100 }, committed: 50 },
    { incoming: [1, 2], outgoing: [2], acked: { 1: 100, 2: 50 }, committed: 50 },
    { incoming: [1, 2], outgoing: [3, 4], acked: { 1: 50, 2: 48, 3: 49 }, committed: 0 },
    { incoming: [1, 2], outgoing: [3, 4], acked: { 1: 50, 2: 48, 3: 49, 4: 47 }, committed: 47 },
    { incoming: [1, 2], outgoing: [2, 3], acked: { 2: 100, 3: 99 }, committed: 0 },
    { incoming: [1, 2], outgoing: [2, 3], acked: { 1: 101, 2: 100, 3: 99 }, committed: 99 },
    { incoming: [1, 2, 3], outgoing: [4, 5, 6], acked: { 1: 100, 2: 90, 4: 80, 5: 85 }, committed: 80 },
    { incoming: [1, 2, 3], outgoing: [1, 4, 5], acked: { 1: 30, 2: 20, 4: 10 }, committed: 10 },
  ])(
    "$incoming && $outgoing with acks $acked commit $committed",
    ({ incoming, outgoing, acked, committed }) => {
      expect(new JointConfig(incoming, outgoing).committedIndex(acks(acked))).toBe(committed);
    },
  );

  it("two empty halves commit everything (MAX_U53)", () => {
    expect(new JointConfig().committedIndex(acks({}))).toBe(MAX_U53);
  });

  it("is the minimum of what each half commits (property)", () => {
    const ids = fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 7 });
    fc.assert(
      fc.property(ids, ids, fc.array(fc.nat(100), { minLength: 12, maxLength: 12 }), (a, b, idx) => {
        const acked = mapAckIndexer(new Map(idx.map((v, i) => [i + 1, v] as const)));
        const joint = new JointConfig(a, b).committedIndex(acked);
        const left = new MajorityConfig(a).committedIndex(acked);
        const right = new MajorityConfig(b).committedIndex(acked);
        expect(joint).toBe(Math.min(left, right));
        // Symmetric, and a config joint with itself is the config.
        expect(new JointConfig(b, a).committedIndex(acked)).toBe(joint);
        expect(new JointConfig(a, a).committedIndex(acked)).toBe(left);
      }),
    );
  });
});

describe("joint vote result", () => {
  it.each<{ incoming: number[]; outgoing: number[]; cast: Record<number, boolean>; result: VoteResult }>([
    { incoming: [1], outgoing: [], cast: { 1: true }, result: "VoteWon" },
    { incoming: [1], outgoing: [1], cast: {}, result: "VotePending" },
    { incoming: [1], outgoing: [1], cast: { 1: true }, result: "VoteWon" },
    { incoming: [1], outgoing: [1], cast: { 1: false }, result: "VoteLost" },
    { incoming: [1], outgoing: [2], cast: { 1: true }, result: "VotePending" },
    { incoming: [1], outgoing: [2], cast: { 1: true, 2: true }, result: "VoteWon" },
    { incoming: [1], outgoing: [2], cast: { 1: true, 2: false }, result: "VoteLost" },
    { incoming: [1], outgoing: [2], cast: { 2: false }, result: "VoteLost" },
    { incoming: [1, 2, 3], outgoing: [1, 4, 5], cast: { 1: true, 2: true }, result: "VotePending" },
    { incoming: [1, 2, 3], outgoing: [1, 4, 5], cast: { 1: true, 2: true, 4: true }, result: "VoteWon" },
    { incoming: [1, 2, 3], outgoing: [1, 4, 5], cast: { 1: true, 4: false, 5: false }, result: "VoteLost" },
    { incoming: [1, 2, 3], outgoing: [1, 4, 5], cast: { 2: false, 3: false, 4: true, 5: true }, result: "VoteLost" },
  ])("$incoming && $outgoing with votes $cast: $result", ({ incoming, outgoing, cast, result }) => {
    expect(new JointConfig(incoming, outgoing).voteResult(votes(cast))).toBe(result);
  });

  it("wins only if both halves win and loses if either loses (property)", () => {
    const ids = fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { maxLength: 6 });
    const cast = fc.array(fc.constantFrom(true, false, undefined), { minLength: 9, maxLength: 9 });
    fc.assert(
      fc.property(ids, ids, cast, (a, b, vs) => {
        const m = new Map<number, boolean>();
        vs.forEach((v, i) => {
          if (v !== undefined) m.set(i + 1, v);
        });
        const r = new JointConfig(a, b).voteResult(m);
        const ra = new MajorityConfig(a).voteResult(m);
        const rb = new MajorityConfig(b).voteResult(m);
        expect(r === "VoteWon").toBe(ra === "VoteWon" && rb === "VoteWon");
        expect(r === "VoteLost").toBe(ra === "VoteLost" || rb === "VoteLost");
      }),
    );
  });
});

describe("joint config structure", () => {
  it("is indexed like etcd's [incoming, outgoing] pair and copies deeply", () => {
    const c = new JointConfig([1, 2], [2, 3]);
    expect(c[0]).toBe(c.incoming);
    expect(c[1]).toBe(c.outgoing);
    expect([...c.ids()].sort()).toEqual([1, 2, 3]);
    const copy = c.clone();
    copy[0].add(9);
    expect(c[0].has(9)).toBe(false);
  });

  it("prints both halves only while joint", () => {
    expect(new JointConfig([1, 2], [2, 3]).toString()).toBe("(1 2)&&(2 3)");
    expect(new JointConfig([1, 2]).toString()).toBe("(1 2)");
  });
});
