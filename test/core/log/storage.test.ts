import { describe, expect, it } from "vitest";
import { MemoryStorage, emptyConfState } from "../../../src/core/storage.js";
import { RaftException, type RaftError } from "../../../src/core/types.js";
import { entrySize } from "../../../src/core/util.js";
import { entries, entry, ids, snapshot } from "./helpers.js";

/** Storage compacted at (3, 3) holding entries 4 and 5 at terms 4 and 5 (plus extra terms after). */
function storageFrom3(...moreTerms: number[]): MemoryStorage {
  const s = new MemoryStorage();
  s.applySnapshot(snapshot(3, 3));
  s.append(entries(4, 4, 5, ...moreTerms));
  return s;
}

function raftError(f: () => unknown): RaftError | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof RaftException) return e.code;
    throw e;
  }
  return undefined;
}

describe("MemoryStorage", () => {
  it("starts empty: a dummy entry at index 0 term 0, empty hard state and conf state", () => {
    const s = new MemoryStorage();
    expect(s.firstIndex()).toBe(1);
    expect(s.lastIndex()).toBe(0);
    expect(s.term(0)).toBe(0);
    expect(s.initialState()).toEqual({
      hardState: { term: 0, vote: 0, commit: 0 },
      confState: emptyConfState(),
    });
    expect(s.snapshot().metadata.index).toBe(0);
  });

  it("keeps the hard state it is given", () => {
    const s = new MemoryStorage();
    s.setHardState({ term: 3, vote: 2, commit: 1 });
    expect(s.initialState().hardState).toEqual({ term: 3, vote: 2, commit: 1 });
  });

  describe("term", () => {
    it.each([
      [2, "ErrCompacted", undefined],
      [3, undefined, 3],
      [4, undefined, 4],
      [5, undefined, 5],
      [6, "ErrUnavailable", undefined],
    ] as const)("term(%i): error %s, term %s", (i, err, term) => {
      const s = storageFrom3();
      expect(raftError(() => s.term(i))).toBe(err);
      if (term !== undefined) expect(s.term(i)).toBe(term);
    });
  });

  describe("entries", () => {
    const size = entrySize(entry(4, 4));
    it.each([
      [2, 6, Infinity, "ErrCompacted", []],
      [3, 4, Infinity, "ErrCompacted", []],
      [4, 5, Infinity, undefined, [[4, 4]]],
      [4, 6, Infinity, undefined, [[4, 4], [5, 5]]],
      [4, 7, Infinity, undefined, [[4, 4], [5, 5], [6, 6]]],
      [4, 7, 0, undefined, [[4, 4]]],
      [4, 7, 2 * size, undefined, [[4, 4], [5, 5]]],
      [4, 7, 3 * size - 1, undefined, [[4, 4], [5, 5]]],
      [4, 7, 3 * size, undefined, [[4, 4], [5, 5], [6, 6]]],
      [5, 5, Infinity, undefined, []],
    ] as const)("entries(%i, %i, %d): error %s", (lo, hi, max, err, want) => {
      const s = storageFrom3(6);
      expect(raftError(() => s.entries(lo, hi, max))).toBe(err);
      if (err === undefined) expect(ids(s.entries(lo, hi, max))).toEqual(want);
    });

    it("returns at least one entry even when it alone exceeds maxSize", () => {
      const s = new MemoryStorage();
      s.append([entry(1, 1, "a long payload"), entry(2, 1)]);
      expect(ids(s.entries(1, 3, 1))).toEqual([[1, 1]]);
    });

    it("is unavailable when only the dummy entry is left", () => {
      const s = new MemoryStorage();
      s.applySnapshot(snapshot(5, 2));
      expect(raftError(() => s.entries(6, 6, Infinity))).toBe("ErrUnavailable");
    });

    it("throws when hi is beyond the last index + 1, or lo > hi", () => {
      const s = storageFrom3();
      expect(() => s.entries(4, 7, Infinity)).toThrow(/out of bound/);
      expect(() => s.entries(5, 4, Infinity)).toThrow(/invalid/);
    });

    it("hands out a copy: changing the returned array does not change storage", () => {
      const s = storageFrom3();
      const got = s.entries(4, 6, Infinity);
      got.push(entry(6, 9));
      got[0] = entry(4, 9);
      expect(ids(s.entries(4, 6, Infinity))).toEqual([[4, 4], [5, 5]]);
    });
  });

  it("first and last index follow appends and compactions", () => {
    const s = storageFrom3();
    expect([s.firstIndex(), s.lastIndex()]).toEqual([4, 5]);
    s.append(entries(6, 5));
    expect(s.lastIndex()).toBe(6);
    s.compact(4);
    expect([s.firstIndex(), s.lastIndex()]).toEqual([5, 6]);
  });

  describe("compact", () => {
    it.each([
      [2, "ErrCompacted", 4, 3],
      [3, "ErrCompacted", 4, 3],
      [4, undefined, 5, 4],
      [5, undefined, 6, 5],
    ] as const)("compact(%i): error %s, first index %i, term at the new dummy %i", (i, err, first, dummyTerm) => {
      const s = storageFrom3();
      expect(raftError(() => s.compact(i))).toBe(err);
      expect(s.firstIndex()).toBe(first);
      expect(s.term(first - 1)).toBe(dummyTerm);
      expect(s.lastIndex()).toBe(5);
    });

    it("throws when compacting beyond the last index", () => {
      expect(() => storageFrom3().compact(6)).toThrow(/out of bound/);
    });

    it("keeps entries handed out before the compaction intact", () => {
      const s = storageFrom3(6);
      const before = s.entries(4, 7, Infinity);
      s.compact(5);
      expect(ids(before)).toEqual([[4, 4], [5, 5], [6, 6]]);
      expect(ids(s.entries(6, 7, Infinity))).toEqual([[6, 6]]);
    });
  });

  describe("createSnapshot", () => {
    const cs = { ...emptyConfState(), voters: [1, 2, 3] };
    const data = new TextEncoder().encode("data");

    it.each([4, 5])("a snapshot at %i takes that entry's term, the conf state and the data", (i) => {
      const s = storageFrom3();
      const snap = s.createSnapshot(i, cs, data);
      expect(snap).toEqual({ data, metadata: { index: i, term: i, confState: cs } });
      expect(s.snapshot()).toEqual(snap);
      // Creating a snapshot does not compact.
      expect(s.firstIndex()).toBe(4);
    });

    it("keeps the previous conf state when none is given", () => {
      const s = new MemoryStorage();
      s.applySnapshot(snapshot(3, 3, [7]));
      s.append(entries(4, 4));
      expect(s.createSnapshot(4, undefined, data).metadata.confState.voters).toEqual([7]);
    });

    it("refuses an index not above the current snapshot", () => {
      const s = storageFrom3();
      expect(raftError(() => s.createSnapshot(3, cs, data))).toBe("ErrSnapOutOfDate");
      s.createSnapshot(5, cs, data);
      expect(raftError(() => s.createSnapshot(4, cs, data))).toBe("ErrSnapOutOfDate");
      expect(raftError(() => s.createSnapshot(5, cs, data))).toBe("ErrSnapOutOfDate");
    });

    it("throws for an index beyond the last entry", () => {
      expect(() => storageFrom3().createSnapshot(6, cs, data)).toThrow(/out of bound/);
    });
  });

  describe("append", () => {
    it.each([
      ["entries entirely compacted are ignored", entries(1, 1, 2), [[4, 4], [5, 5]]],
      ["identical entries change nothing", entries(3, 3, 4, 5), [[4, 4], [5, 5]]],
      ["a conflicting suffix is replaced", entries(3, 3, 6, 6), [[4, 6], [5, 6]]],
      ["an overlapping longer run extends the log", entries(3, 3, 4, 5, 5), [[4, 4], [5, 5], [6, 5]]],
      ["the compacted head of the input is skipped, the rest replaces", entries(2, 3, 3, 5), [[4, 5]]],
      ["a single entry truncates the log after it", entries(4, 5), [[4, 5]]],
      ["an entry right after the last is appended", entries(6, 5), [[4, 4], [5, 5], [6, 5]]],
      ["nothing is appended for an empty input", [], [[4, 4], [5, 5]]],
    ] as const)("%s", (_name, input, want) => {
      const s = storageFrom3();
      s.append(input);
      expect(ids(s.entries(s.firstIndex(), s.lastIndex() + 1, Infinity))).toEqual(want);
      expect(s.term(3)).toBe(3);
    });

    it("throws when the entries leave a gap after the last index", () => {
      expect(() => storageFrom3().append(entries(7, 5))).toThrow(/missing log entry/);
    });
  });

  describe("applySnapshot", () => {
    it("replaces the content with the snapshot: its index and term become the dummy entry", () => {
      const s = storageFrom3(6);
      const snap = snapshot(10, 4, [1, 2, 3]);
      s.applySnapshot(snap);
      expect(s.snapshot()).toBe(snap);
      expect([s.firstIndex(), s.lastIndex(), s.term(10)]).toEqual([11, 10, 4]);
      expect(s.initialState().confState.voters).toEqual([1, 2, 3]);
    });

    it("refuses a snapshot not newer than the current one", () => {
      const s = new MemoryStorage();
      s.applySnapshot(snapshot(4, 4));
      expect(raftError(() => s.applySnapshot(snapshot(3, 3)))).toBe("ErrSnapOutOfDate");
      expect(raftError(() => s.applySnapshot(snapshot(4, 4)))).toBe("ErrSnapOutOfDate");
    });

    it("accepts a bootstrap snapshot at index 0 carrying only a conf state, and any after it", () => {
      const s = new MemoryStorage();
      s.applySnapshot(snapshot(0, 0, [1]));
      expect(s.initialState().confState.voters).toEqual([1]);
      s.applySnapshot(snapshot(0, 0, [2]));
      expect(s.initialState().confState.voters).toEqual([2]);
    });
  });
});
