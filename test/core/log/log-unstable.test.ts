import { describe, expect, it } from "vitest";
import { Unstable } from "../../../src/core/log-unstable.js";
import type { Entry, Snapshot } from "../../../src/core/types.js";
import { entries, ids, snapshot } from "./helpers.js";

interface Shape {
  entries?: Entry[];
  offset: number;
  inProgress?: number;
  snap?: Snapshot;
  snapInProgress?: boolean;
}

function unstable(s: Shape): Unstable {
  const u = new Unstable(s.offset);
  u.entries = s.entries ?? [];
  u.offsetInProgress = s.inProgress ?? s.offset;
  u.snapshot = s.snap;
  u.snapshotInProgress = s.snapInProgress ?? false;
  return u;
}

describe("unstable", () => {
  it.each([
    ["no snapshot, no entries", { offset: 0 }, undefined],
    ["no snapshot, some entries", { offset: 5, entries: entries(5, 1) }, undefined],
    ["a snapshot: the index after it", { offset: 5, entries: entries(5, 1), snap: snapshot(4, 1) }, 5],
    ["a snapshot without entries", { offset: 5, snap: snapshot(4, 1) }, 5],
  ] as const)("maybeFirstIndex with %s", (_n, shape, want) => {
    expect(unstable(shape).maybeFirstIndex()).toBe(want);
  });

  it.each([
    ["entries: the last entry", { offset: 5, entries: entries(5, 1) }, 5],
    ["entries and a snapshot: the last entry", { offset: 5, entries: entries(5, 1), snap: snapshot(4, 1) }, 5],
    ["only a snapshot: its index", { offset: 5, snap: snapshot(4, 1) }, 4],
    ["nothing: unknown", { offset: 0 }, undefined],
  ] as const)("maybeLastIndex with %s", (_n, shape, want) => {
    expect(unstable(shape).maybeLastIndex()).toBe(want);
  });

  it.each([
    ["an entry held here", { offset: 5, entries: entries(5, 1) }, 5, 1],
    ["past the last entry", { offset: 5, entries: entries(5, 1) }, 6, undefined],
    ["before the offset", { offset: 5, entries: entries(5, 1) }, 4, undefined],
    ["the snapshot's index", { offset: 5, entries: entries(5, 1), snap: snapshot(4, 1) }, 4, 1],
    ["below the snapshot", { offset: 5, entries: entries(5, 1), snap: snapshot(4, 1) }, 3, undefined],
    ["past the entries, with a snapshot", { offset: 5, entries: entries(5, 1), snap: snapshot(4, 1) }, 6, undefined],
    ["only a snapshot, its index", { offset: 5, snap: snapshot(4, 1) }, 4, 1],
    ["only a snapshot, after it", { offset: 5, snap: snapshot(4, 1) }, 5, undefined],
    ["nothing held", { offset: 0 }, 5, undefined],
  ] as const)("maybeTerm of %s", (_n, shape, i, want) => {
    expect(unstable(shape).maybeTerm(i)).toBe(want);
  });

  it("restore replaces everything with the snapshot and resets the in-progress marks", () => {
    const u = unstable({ offset: 5, entries: entries(5, 1), inProgress: 6, snap: snapshot(4, 1), snapInProgress: true });
    const s = snapshot(6, 2);
    u.restore(s);
    expect([u.offset, u.offsetInProgress, u.entries.length, u.snapshotInProgress]).toEqual([7, 7, 0, false]);
    expect(u.snapshot).toBe(s);
  });

  it.each([
    ["nothing in progress: all entries", 5, [[5, 1], [6, 1]]],
    ["some in progress: the rest", 6, [[6, 1]]],
    ["all in progress: none", 7, []],
  ] as const)("nextEntries with %s", (_n, inProgress, want) => {
    const u = unstable({ offset: 5, entries: entries(5, 1, 1), inProgress });
    expect(ids(u.nextEntries())).toEqual(want);
  });

  it("nextSnapshot returns the snapshot only until it is in progress", () => {
    expect(unstable({ offset: 5 }).nextSnapshot()).toBeUndefined();
    const s = snapshot(4, 1);
    expect(unstable({ offset: 5, snap: s }).nextSnapshot()).toBe(s);
    expect(unstable({ offset: 5, snap: s, snapInProgress: true }).nextSnapshot()).toBeUndefined();
  });

  describe("acceptInProgress", () => {
    it.each([
      ["nothing held", { offset: 5 }, 5, false],
      ["entries, none in progress", { offset: 5, entries: entries(5, 1, 1) }, 7, false],
      ["entries, some in progress", { offset: 5, entries: entries(5, 1, 1), inProgress: 6 }, 7, false],
      ["entries, all in progress", { offset: 5, entries: entries(5, 1, 1), inProgress: 7 }, 7, false],
      ["only a snapshot", { offset: 5, snap: snapshot(4, 1) }, 5, true],
      ["a snapshot already in progress", { offset: 5, snap: snapshot(4, 1), snapInProgress: true }, 5, true],
      ["a snapshot and entries", { offset: 5, entries: entries(5, 1, 1), snap: snapshot(4, 1) }, 7, true],
    ] as const)("marks everything held as in progress: %s", (_n, shape, wantOffsetInProgress, wantSnap) => {
      const u = unstable(shape);
      u.acceptInProgress();
      expect(u.offsetInProgress).toBe(wantOffsetInProgress);
      expect(u.snapshotInProgress).toBe(wantSnap);
      expect(u.nextEntries()).toEqual([]);
      expect(u.nextSnapshot()).toBeUndefined();
    });

    it("entries appended afterwards are returned again", () => {
      const u = unstable({ offset: 5, entries: entries(5, 1) });
      u.acceptInProgress();
      u.truncateAndAppend(entries(6, 1));
      expect(ids(u.nextEntries())).toEqual([[6, 1]]);
    });
  });

  describe("stableTo", () => {
    it.each([
      ["nothing held", { offset: 0 }, [5, 1], [0, 0, 0]],
      ["the only entry", { offset: 5, entries: entries(5, 1), inProgress: 6 }, [5, 1], [6, 6, 0]],
      ["the first of two", { offset: 5, entries: entries(5, 1, 1), inProgress: 6 }, [5, 1], [6, 6, 1]],
      ["the first of two, more in progress", { offset: 5, entries: entries(5, 1, 1), inProgress: 7 }, [5, 1], [6, 7, 1]],
      ["an index before the offset", { offset: 5, entries: entries(5, 1), inProgress: 6 }, [4, 1], [5, 6, 1]],
      ["the snapshot's index", { offset: 5, entries: entries(5, 1), inProgress: 6, snap: snapshot(4, 1) }, [4, 1], [5, 6, 1]],
      ["the first entry, with a snapshot", { offset: 5, entries: entries(5, 1), inProgress: 6, snap: snapshot(4, 1) }, [5, 1], [6, 6, 0]],
    ] as const)("persisting up to %s", (_n, shape, [index, term], [offset, inProgress, len]) => {
      const u = unstable(shape);
      u.stableTo({ index, term });
      expect([u.offset, u.offsetInProgress, u.entries.length]).toEqual([offset, inProgress, len]);
    });

    it("ignores an acknowledgement whose term differs from the entry now held at that index", () => {
      // Entry 6 was written at term 1, then replaced by a term-2 entry while the write was in flight.
      const u = unstable({ offset: 6, entries: entries(6, 2), inProgress: 7 });
      u.stableTo({ index: 6, term: 1 });
      expect([u.offset, u.offsetInProgress]).toEqual([6, 7]);
      expect(ids(u.entries)).toEqual([[6, 2]]);
    });

    it("ignores a stale acknowledgement after the tail was replaced at equal index (async-storage ABA race)", () => {
      const u = unstable({ offset: 5, entries: entries(5, 1, 1) });
      u.acceptInProgress(); // write of (5,1),(6,1) starts
      u.truncateAndAppend(entries(6, 2)); // new leader replaces entry 6
      u.stableTo({ index: 6, term: 1 }); // the old write completes
      expect(ids(u.entries)).toEqual([[5, 1], [6, 2]]);
      expect(ids(u.nextEntries())).toEqual([[6, 2]]);
      u.stableTo({ index: 5, term: 1 });
      expect(ids(u.entries)).toEqual([[6, 2]]);
      expect([u.offset, u.offsetInProgress]).toEqual([6, 6]);
    });
  });

  it("stableSnapTo forgets the snapshot only when the index matches", () => {
    const u = unstable({ offset: 5, snap: snapshot(4, 1), snapInProgress: true });
    u.stableSnapTo(3);
    expect(u.snapshot).toBeDefined();
    u.stableSnapTo(4);
    expect(u.snapshot).toBeUndefined();
    expect(u.snapshotInProgress).toBe(false);
    u.stableSnapTo(4);
    expect(u.snapshot).toBeUndefined();
  });

  describe("truncateAndAppend", () => {
    it.each([
      ["appends directly after the last entry", 6, entries(7, 1, 1), [5, 6], [[5, 1], [6, 1], [7, 1], [8, 1]]],
      ["appends directly, nothing in progress", 5, entries(7, 1, 1), [5, 5], [[5, 1], [6, 1], [7, 1], [8, 1]]],
      ["replaces everything from the offset", 6, entries(5, 2, 2), [5, 5], [[5, 2], [6, 2]]],
      ["replaces everything and reaches back before the offset", 6, entries(4, 2, 2, 2), [4, 4], [[4, 2], [5, 2], [6, 2]]],
      ["truncates in the middle; in-progress mark kept below the cut", 6, entries(6, 2), [5, 6], [[5, 1], [6, 2]]],
      ["truncates in the middle; in-progress mark moves down to the cut", 8, entries(6, 2), [5, 6], [[5, 1], [6, 2]]],
      ["truncates at the last entry", 8, entries(7, 2, 2), [5, 7], [[5, 1], [6, 1], [7, 2], [8, 2]]],
    ] as const)("%s", (_n, inProgress, ents, [offset, wantInProgress], want) => {
      const u = unstable({ offset: 5, entries: entries(5, 1, 1, 1), inProgress });
      u.truncateAndAppend(ents);
      expect([u.offset, u.offsetInProgress]).toEqual([offset, wantInProgress]);
      expect(ids(u.entries)).toEqual(want);
    });

    it("throws on a gap after the held entries or on no entries", () => {
      const u = unstable({ offset: 5, entries: entries(5, 1) });
      expect(() => u.truncateAndAppend(entries(8, 1))).toThrow(/out of bound/);
      expect(() => u.truncateAndAppend([])).toThrow(/no entries/);
    });

    it("does not keep a reference to the caller's array", () => {
      const u = unstable({ offset: 5, entries: entries(5, 1) });
      const input = entries(5, 2);
      u.truncateAndAppend(input);
      input.push(entries(6, 2)[0] as Entry);
      expect(u.entries.length).toBe(1);
    });
  });

  describe("slice", () => {
    it("returns the held entries in [lo, hi) as a fresh array", () => {
      const u = unstable({ offset: 5, entries: entries(5, 1, 2, 3) });
      expect(ids(u.slice(6, 8))).toEqual([[6, 2], [7, 3]]);
      expect(u.slice(6, 6)).toEqual([]);
      u.slice(5, 6).push(entries(9, 9)[0] as Entry);
      expect(u.entries.length).toBe(3);
    });

    it.each([
      [4, 6, /out of bound/],
      [5, 9, /out of bound/],
      [7, 6, /invalid/],
    ] as const)("throws for [%i, %i)", (lo, hi, msg) => {
      const u = unstable({ offset: 5, entries: entries(5, 1, 2, 3) });
      expect(() => u.slice(lo, hi)).toThrow(msg);
    });
  });
});
