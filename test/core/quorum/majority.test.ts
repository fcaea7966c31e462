import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_U53 } from "../../../src/core/types.js";
import { MajorityConfig } from "../../../src/core/quorum/majority.js";
import { mapAckIndexer, type VoteResult } from "../../../src/core/quorum/types.js";

/** Acknowledged indexes by voter id; voters left out have not reported. */
function acks(byId: Record<number, number>) {
  return mapAckIndexer(new Map(Object.entries(byId).map(([id, idx]) => [Number(id), idx])));
}

function votes(byId: Record<number, boolean>) {
  return new Map(Object.entries(byId).map(([id, v]) => [Number(id), v]));
}

describe("majority committed index", () => {
  it("an empty config commits everything (MAX_U53), so it never holds a joint config back", () => {
    expect(new MajorityConfig().committedIndex(acks({}))).toBe(MAX_U53);
  });

  it.each([
    { voters: [1], acked: {}, committed: 0 },
    { voters: [1], acked: { 1: 12 }, committed: 12 },
    { voters: [1, 2], acked: { 1: 12 }, committed: 0 },
    { voters: [1, 2], acked: { 1: 12, 2: 5 }, committed: 5 },
    { voters: [1, 2, 3], acked: { 1: 100, 2: 101, 3: 99 }, committed: 100 },
    { voters: [1, 2, 3], acked: { 1: 100 }, committed: 0 },
    { voters: [1, 2, 3], acked: { 1: 100, 3: 20 }, committed: 20 },
    { voters: [1, 2, 3, 4], acked: { 1: 10, 2: 9, 3: 8, 4: 7 }, committed: 8 },
    { voters: [1, 2, 3, 4], acked: { 1: 10, 2: 9 }, committed: 0 },
    { voters: [1, 2, 3, 4, 5], acked: { 1: 10, 2: 10, 3: 3 }, committed: 3 },
    { voters: [1, 2, 3, 4, 5, 6, 7, 8, 9], acked: { 1: 9, 2: 8, 3: 7, 4: 6, 5: 5, 6: 4 }, committed: 5 },
  ])("voters $voters with acks $acked commit $committed", ({ voters, acked, committed }) => {
    expect(new MajorityConfig(voters).committedIndex(acks(acked))).toBe(committed);
  });

  it("acknowledgements from non-members do not count", () => {
    expect(new MajorityConfig([1, 2, 3]).committedIndex(acks({ 1: 5, 4: 9, 5: 9 }))).toBe(0);
  });

  it("sorts indexes numerically, not as strings", () => {
    expect(new MajorityConfig([1, 2, 3]).committedIndex(acks({ 1: 9, 2: 10, 3: 100 }))).toBe(10);
  });

  it("equals the acked index at the majority position of the sorted acks (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 11 }),
        fc.array(fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }), {
          minLength: 11,
          maxLength: 11,
        }),
        (ids, idxs) => {
          const acked = new Map<number, number>();
          ids.forEach((id, i) => {
            const idx = idxs[i];
            if (idx !== undefined) acked.set(id, idx);
          });
          const sortedDesc = ids.map((id) => acked.get(id) ?? 0).sort((a, b) => b - a);
          const quorum = Math.floor(ids.length / 2) + 1;
          const committed = new MajorityConfig(ids).committedIndex(mapAckIndexer(acked));
          expect(committed).toBe(sortedDesc[quorum - 1]);
          // The defining property: a quorum acked at least `committed`, and no quorum acked more.
          expect(sortedDesc.filter((i) => i >= committed).length).toBeGreaterThanOrEqual(quorum);
          expect(sortedDesc.filter((i) => i > committed).length).toBeLessThan(quorum);
        },
      ),
    );
  });
});

describe("majority vote result", () => {
  it("an empty config wins by convention", () => {
    expect(new MajorityConfig().voteResult(votes({}))).toBe("VoteWon");
  });

  it.each<{ voters: number[]; cast: Record<number, boolean>; result: VoteResult }>([
    { voters: [1], cast: {}, result: "VotePending" },
    { voters: [1], cast: { 1: true }, result: "VoteWon" },
    { voters: [1], cast: { 1: false }, result: "VoteLost" },
    { voters: [1, 2], cast: { 1: true }, result: "VotePending" },
    { voters: [1, 2], cast: { 1: true, 2: true }, result: "VoteWon" },
    { voters: [1, 2], cast: { 1: true, 2: false }, result: "VoteLost" },
    { voters: [1, 2], cast: { 1: false }, result: "VoteLost" },
    { voters: [1, 2, 3], cast: { 1: true, 2: false }, result: "VotePending" },
    { voters: [1, 2, 3], cast: { 1: true, 3: true }, result: "VoteWon" },
    { voters: [1, 2, 3], cast: { 2: false, 3: false }, result: "VoteLost" },
    { voters: [1, 2, 3, 4], cast: { 1: true, 2: true }, result: "VotePending" },
    { voters: [1, 2, 3, 4], cast: { 1: true, 2: true, 3: false, 4: false }, result: "VoteLost" },
    { voters: [1, 2, 3, 4, 5], cast: { 1: true, 2: true, 3: true }, result: "VoteWon" },
    { voters: [1, 2, 3, 4, 5], cast: { 1: false, 2: false, 3: false }, result: "VoteLost" },
  ])("voters $voters with votes $cast: $result", ({ voters, cast, result }) => {
    expect(new MajorityConfig(voters).voteResult(votes(cast))).toBe(result);
  });

  it("ignores votes of non-members", () => {
    expect(new MajorityConfig([1, 2, 3]).voteResult(votes({ 1: true, 7: true, 8: true }))).toBe(
      "VotePending",
    );
  });

  it("is monotone: granting one more missing vote never makes the outcome worse (property)", () => {
    const rank: Record<VoteResult, number> = { VoteLost: 0, VotePending: 1, VoteWon: 2 };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.constantFrom(true, false, undefined), { minLength: 9, maxLength: 9 }),
        fc.nat(8),
        (n, cast, pick) => {
          const ids = Array.from({ length: n }, (_, i) => i + 1);
          const before = new Map<number, boolean>();
          ids.forEach((id) => {
            const v = cast[id - 1];
            if (v !== undefined) before.set(id, v);
          });
          const target = ids[pick % n] ?? 1;
          const after = new Map(before);
          if (after.get(target) !== true) after.set(target, true);
          const c = new MajorityConfig(ids);
          // A missing vote becoming a grant, or a rejection becoming a grant, can only help.
          expect(rank[c.voteResult(after)]).toBeGreaterThanOrEqual(rank[c.voteResult(before)]);
          // Deciding the remaining votes either way reaches a decided outcome.
          const allYes = new Map(ids.map((id) => [id, before.get(id) ?? true] as const));
          const allNo = new Map(ids.map((id) => [id, before.get(id) ?? false] as const));
          expect(c.voteResult(allYes)).not.toBe("VotePending");
          expect(c.voteResult(allNo)).not.toBe("VotePending");
          if (c.voteResult(before) === "VoteWon") expect(c.voteResult(allNo)).toBe("VoteWon");
          if (c.voteResult(before) === "VoteLost") expect(c.voteResult(allYes)).toBe("VoteLost");
        },
      ),
    );
  });
});

describe("majority config as a set", () => {
  it("lists members in ascending order and prints them in hex, as etcd does", () => {
    const c = new MajorityConfig([10, 2, 1]);
    expect(c.slice()).toEqual([1, 2, 10]);
    expect(c.toString()).toBe("(1 2 a)");
    expect(new MajorityConfig().toString()).toBe("()");
  });
});
