import { describe, expect, it } from "vitest";
import { RaftLog, newLog, newLogWithSize, type EntryID } from "../../../src/core/log.js";
import { MemoryStorage, type Storage } from "../../../src/core/storage.js";
import { RaftException, type Entry } from "../../../src/core/types.js";
import { entsSize, entrySize, NO_LIMIT, raftErrorOf } from "../../../src/core/util.js";
import { entries, entry, ids, snapshot } from "./helpers.js";

/** Entries at consecutive indexes from `from`, whose term equals their index. */
function selfTermed(from: number, to: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i < to; i++) out.push(entry(i, i));
  return out;
}

/** A log whose storage holds `stable` and whose unstable tail holds `unstable`. */
function logOf(stable: Entry[], unstable: Entry[] = [], snap?: { index: number; term: number }): RaftLog {
  const s = new MemoryStorage();
  if (snap !== undefined) s.applySnapshot(snapshot(snap.index, snap.term));
  s.append(stable);
  const l = newLog(s);
  l.append(unstable);
  return l;
}

function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return raftErrorOf(e) ?? "Error";
  }
  return undefined;
}

describe("raftLog", () => {
  describe("a new log", () => {
    it("starts committed and applied at the storage's compaction point, unstable after its last entry", () => {
      const s = new MemoryStorage();
      s.applySnapshot(snapshot(1000, 1000));
      const l = newLog(s);
      expect(l.allEntries()).toEqual([]);
      expect([l.firstIndex(), l.lastIndex()]).toEqual([1001, 1000]);
      expect([l.committed, l.applying, l.applied]).toEqual([1000, 1000, 1000]);
      expect(l.unstable.offset).toBe(1001);
      expect(l.term(1000)).toBe(1000);
      expect(l.lastEntryID()).toEqual({ index: 1000, term: 1000 });
      expect(l.lastTerm()).toBe(1000);
    });

    it("describes itself for debugging", () => {
      expect(logOf(entries(1, 1)).toString()).toBe(
        "committed=0, applied=0, applying=0, unstable.offset=2, unstable.offsetInProgress=2, len(unstable.Entries)=0",
      );
    });
  });

  describe("findConflict against a log with terms 1, 2, 3", () => {
    it.each([
      ["no entries", [], 0],
      ["the same entries", entries(1, 1, 2, 3), 0],
      ["a matching suffix", entries(2, 2, 3), 0],
      ["the matching last entry", entries(3, 3), 0],
      ["matching entries followed by new ones", entries(1, 1, 2, 3, 4, 4), 4],
      ["a matching suffix followed by new ones", entries(2, 2, 3, 4, 5), 4],
      ["the last entry followed by new ones", entries(3, 3, 4, 4), 4],
      ["only new entries", entries(4, 4, 4), 4],
      ["a conflict at the first entry", entries(1, 4, 4), 1],
      ["a conflict at the second entry", entries(2, 1, 4, 4), 2],
      ["a conflict at the third entry", entries(3, 1, 2, 4, 4), 3],
    ] as const)("%s: %i", (_n, ents, want) => {
      expect(logOf([], entries(1, 1, 2, 3)).findConflict(ents)).toBe(want);
    });
  });

  describe("findConflictByTerm", () => {
    // From index 1: terms 2 2 5 5 5.
    const fresh = (): RaftLog => logOf([], entries(1, 2, 2, 5, 5, 5));
    // Compacted at (10, 3), then terms 3 3 4 4 4 at indexes 11..15.
    const compacted = (): RaftLog => logOf([], entries(11, 3, 3, 4, 4, 4), { index: 10, term: 3 });
    it.each([
      ["fresh", fresh, 100, 2, 100],
      ["fresh", fresh, 5, 6, 5],
      ["fresh", fresh, 5, 5, 5],
      ["fresh", fresh, 5, 4, 2],
      ["fresh", fresh, 5, 2, 2],
      ["fresh", fresh, 5, 1, 0],
      ["fresh", fresh, 1, 2, 1],
      ["fresh", fresh, 1, 1, 0],
      ["fresh", fresh, 0, 0, 0],
      ["compacted", compacted, 30, 3, 30],
      ["compacted", compacted, 14, 9, 14],
      ["compacted", compacted, 14, 4, 14],
      ["compacted", compacted, 14, 3, 12],
      ["compacted", compacted, 14, 2, 9],
      ["compacted", compacted, 11, 5, 11],
      ["compacted", compacted, 10, 5, 10],
      ["compacted", compacted, 10, 3, 10],
      ["compacted", compacted, 10, 2, 9],
      ["compacted", compacted, 9, 2, 9],
      ["compacted", compacted, 4, 2, 4],
      ["compacted", compacted, 0, 0, 0],
    ] as const)("%s log, (index %i, term %i): guess index %i", (_n, mk, index, term, want) => {
      const l = mk();
      const got = l.findConflictByTerm(index, term);
      // The guessed term is ours at that index, or 0 where we do not know it.
      expect(got).toEqual({ index: want, term: l.zeroTermOnOutOfBounds(want) });
    });
  });

  describe("isUpToDate against a log ending at (3, term 3)", () => {
    it.each([
      [2, 4, true],
      [3, 4, true],
      [4, 4, true],
      [2, 2, false],
      [3, 2, false],
      [4, 2, false],
      [2, 3, false],
      [3, 3, true],
      [4, 3, true],
    ] as const)("a log ending at index %i, term %i: %s", (index, term, want) => {
      expect(logOf([], entries(1, 1, 2, 3)).isUpToDate({ index, term })).toBe(want);
    });
  });

  describe("append onto stored entries with terms 1, 2", () => {
    it.each([
      ["nothing", [], 2, [[1, 1], [2, 2]], 3],
      ["a new entry", entries(3, 2), 3, [[1, 1], [2, 2], [3, 2]], 3],
      ["an entry conflicting at index 1", entries(1, 2), 1, [[1, 2]], 1],
      ["entries conflicting at index 2", entries(2, 3, 3), 3, [[1, 1], [2, 3], [3, 3]], 2],
    ] as const)("%s", (_n, ents, wantLast, want, wantOffset) => {
      const l = logOf(entries(1, 1, 2));
      expect(l.append(ents)).toBe(wantLast);
      expect(ids(l.entries(1, NO_LIMIT))).toEqual(want);
      expect(l.unstable.offset).toBe(wantOffset);
    });

    it("throws when the entries would overwrite committed ones", () => {
      const l = logOf(entries(1, 1, 2));
      l.commitTo(2);
      expect(() => l.append(entries(2, 3))).toThrow(/committed/);
    });
  });

  describe("maybeAppend onto terms 1, 2, 3 committed at 1", () => {
    const slice = (prev: EntryID, ents: readonly Entry[]) => ({ term: 100, prev, entries: ents });
    it.each([
      ["rejects a prev whose term differs", { index: 3, term: 2 }, 3, entries(4, 4), undefined, 1],
      ["rejects a prev beyond the log", { index: 4, term: 3 }, 3, entries(5, 4), undefined, 1],
      ["accepts an empty slice at the last entry", { index: 3, term: 3 }, 3, [], 3, 3],
      ["never commits beyond the slice", { index: 3, term: 3 }, 4, [], 3, 3],
      ["commits up to the leader's commit", { index: 3, term: 3 }, 2, [], 3, 2],
      ["never lowers commit", { index: 3, term: 3 }, 0, [], 3, 1],
      ["accepts the empty log's origin", { index: 0, term: 0 }, 3, [], 0, 1],
      ["appends a new entry", { index: 3, term: 3 }, 3, entries(4, 4), 4, 3],
      ["appends and commits it", { index: 3, term: 3 }, 4, entries(4, 4), 4, 4],
      ["appends, commit capped at the slice", { index: 3, term: 3 }, 5, entries(4, 4), 4, 4],
      ["appends two", { index: 3, term: 3 }, 5, entries(4, 4, 4), 5, 5],
      ["replaces the last entry", { index: 2, term: 2 }, 3, entries(3, 4), 3, 3],
      ["replaces from the middle", { index: 1, term: 1 }, 3, entries(2, 4), 2, 2],
      ["replaces from the middle and extends", { index: 1, term: 1 }, 3, entries(2, 4, 4), 3, 3],
    ] as const)("%s", (_n, prev, committed, ents, wantLast, wantCommit) => {
      const l = logOf([], entries(1, 1, 2, 3));
      l.committed = 1;
      expect(l.maybeAppend(slice(prev, ents), committed)).toBe(wantLast);
      expect(l.committed).toBe(wantCommit);
      if (wantLast !== undefined && ents.length > 0) {
        expect(l.slice(l.lastIndex() - ents.length + 1, l.lastIndex() + 1, NO_LIMIT)).toEqual(ents);
      }
    });

    it("throws when a conflict falls on a committed entry", () => {
      const l = logOf([], entries(1, 1, 2, 3));
      l.committed = 1;
      expect(() => l.maybeAppend(slice({ index: 0, term: 0 }, entries(1, 4)), 3)).toThrow(/conflict with committed/);
    });

    it("leaves entries already present untouched, keeping a longer log", () => {
      const l = logOf([], entries(1, 1, 2, 3));
      expect(l.maybeAppend(slice({ index: 0, term: 0 }, entries(1, 1, 2)), 0)).toBe(2);
      expect(l.lastIndex()).toBe(3);
    });
  });

  it("keeps answering terms and matches after storage compacts under it", () => {
    const s = new MemoryStorage();
    s.append(selfTermed(1, 751));
    const l = newLog(s);
    l.append(selfTermed(751, 1001));
    expect(l.maybeCommit(l.lastEntryID())).toBe(true);
    l.appliedTo(l.committed, 0);

    s.compact(500);
    expect(l.lastIndex()).toBe(1000);
    for (let j = 500; j <= 1000; j++) {
      expect(l.term(j)).toBe(j);
      expect(l.matchTerm({ index: j, term: j })).toBe(true);
    }
    const unstable = l.nextUnstableEnts();
    expect([unstable.length, unstable[0]?.index]).toEqual([250, 751]);
    expect(l.append([entry(1001, 1001)])).toBe(1001);
    expect(ids(l.entries(1001, NO_LIMIT))).toEqual([[1001, 1001]]);
  });

  describe("committed entries ready to apply", () => {
    // Storage compacted at (3, 1) holds entry 4; entries 4..6 (term 1) were appended, 4 is stable,
    // and 5 is committed.
    function setup(applied: number, applying: number, allowUnstable: boolean, maxSize = NO_LIMIT): RaftLog {
      const s = new MemoryStorage();
      s.applySnapshot(snapshot(3, 1));
      s.append(entries(4, 1));
      const l = newLogWithSize(s, maxSize);
      l.append(entries(4, 1, 1, 1));
      l.stableTo({ index: 4, term: 1 });
      l.maybeCommit({ index: 5, term: 1 });
      l.appliedTo(applied, 0);
      l.acceptApplying(applying, 0, allowUnstable);
      // acceptApplying pauses when it stopped short of the appliable index; these cases are about
      // the cursors, so start unpaused.
      l.applyingEntsPaused = false;
      return l;
    }

    it.each([
      [3, 3, true, [[4, 1], [5, 1]]],
      [3, 4, true, [[5, 1]]],
      [3, 5, true, []],
      [4, 4, true, [[5, 1]]],
      [4, 5, true, []],
      [5, 5, true, []],
      [3, 3, false, [[4, 1]]],
      [3, 4, false, []],
      [3, 5, false, []],
      [4, 4, false, []],
      [4, 5, false, []],
      [5, 5, false, []],
    ] as const)("applied %i, applying %i, unstable allowed %s", (applied, applying, allowUnstable, want) => {
      const l = setup(applied, applying, allowUnstable);
      expect(ids(l.nextCommittedEnts(allowUnstable))).toEqual(want);
      expect(l.hasNextCommittedEnts(allowUnstable)).toBe(want.length > 0);
    });

    it("none while applying is paused", () => {
      const l = setup(3, 3, true);
      l.applyingEntsPaused = true;
      expect(l.nextCommittedEnts(true)).toEqual([]);
      expect(l.hasNextCommittedEnts(true)).toBe(false);
    });

    it("none while a snapshot is pending", () => {
      const l = setup(3, 3, true);
      l.restore(snapshot(4, 1));
      expect(l.nextCommittedEnts(true)).toEqual([]);
      expect(l.hasNextCommittedEnts(true)).toBe(false);
    });

    it("are cut to the remaining applying budget, but always include one entry", () => {
      const s = new MemoryStorage();
      const ents = [entry(1, 1, "aaaa"), entry(2, 1, "bbbb"), entry(3, 1, "cccc"), entry(4, 1, "dddd")];
      s.append(ents.slice(0, 2));
      const one = entrySize(ents[0] as Entry);
      const l = newLogWithSize(s, 2 * one + 1);
      l.append(ents.slice(2));
      l.commitTo(4);
      // The budget holds two entries, spanning storage only.
      const first = l.nextCommittedEnts(true);
      expect(ids(first)).toEqual([[1, 1], [2, 1]]);
      l.acceptApplying(2, entsSize(first), true);
      // One byte of budget is left and the batch was cut short: paused.
      expect(l.applyingEntsPaused).toBe(true);
      expect(l.nextCommittedEnts(true)).toEqual([]);
      l.appliedTo(2, entsSize(first));
      expect(l.applyingEntsPaused).toBe(false);
      expect(ids(l.nextCommittedEnts(true))).toEqual([[3, 1], [4, 1]]);
      // A budget below one entry still yields one.
      const tiny = newLogWithSize(s, 1);
      tiny.commitTo(2);
      expect(ids(tiny.nextCommittedEnts(true))).toEqual([[1, 1]]);
    });

    describe("acceptApplying pauses when the budget is used up or the batch stopped short", () => {
      const max = 100;
      it.each([
        [3, true, max - 1, true],
        [3, true, max, true],
        [3, true, max + 1, true],
        [4, true, max - 1, true],
        [4, true, max, true],
        [4, true, max + 1, true],
        [5, true, max - 1, false],
        [5, true, max, true],
        [5, true, max + 1, true],
        [3, false, max - 1, true],
        [3, false, max, true],
        [3, false, max + 1, true],
        [4, false, max - 1, false],
        [4, false, max, true],
        [4, false, max + 1, true],
        [5, false, max - 1, false],
        [5, false, max, true],
        [5, false, max + 1, true],
      ] as const)("applying up to %i (unstable allowed %s) with %i bytes: paused %s", (index, allowUnstable, size, want) => {
        const l = setup(3, 3, allowUnstable, max);
        l.acceptApplying(index, size, allowUnstable);
        expect(l.applyingEntsPaused).toBe(want);
      });

      it("throws when applying beyond committed", () => {
        expect(() => setup(3, 3, true).acceptApplying(6, 0, true)).toThrow(/out of range/);
      });
    });

    describe("appliedTo releases budget and resumes", () => {
      const max = 100;
      const over = 5;
      it.each([
        [4, over - 1, max + 1, true],
        [4, over, max, true],
        [4, over + 1, max - 1, false],
        [5, over - 1, max + 1, true],
        [5, over, max, true],
        [5, over + 1, max - 1, false],
        [4, max + over, 0, false],
        [4, max + over + 1, 0, false],
      ] as const)("applied %i releasing %i bytes: %i outstanding, paused %s", (index, size, wantSize, wantPaused) => {
        const l = setup(3, 3, false, max);
        l.acceptApplying(5, max + over, false);
        l.appliedTo(index, size);
        expect([l.applied, l.applying, l.applyingEntsSize, l.applyingEntsPaused]).toEqual([index, 5, wantSize, wantPaused]);
      });

      it("throws for an index below applied or above committed", () => {
        const l = setup(4, 4, true);
        expect(() => l.appliedTo(3, 0)).toThrow(/out of range/);
        expect(() => l.appliedTo(6, 0)).toThrow(/out of range/);
      });
    });
  });

  describe("entries to persist", () => {
    it("are the unstable ones; persisting them moves the unstable offset", () => {
      const all = entries(1, 1, 2);
      for (const [stableCount, want] of [[2, []], [0, [[1, 1], [2, 2]]]] as const) {
        const l = logOf(all.slice(0, stableCount), all.slice(stableCount));
        const ents = l.nextUnstableEnts();
        expect(ids(ents)).toEqual(want);
        const last = ents[ents.length - 1];
        if (last !== undefined) l.stableTo({ index: last.index, term: last.term });
        expect(l.unstable.offset).toBe(3);
      }
    });

    it("are not handed out twice once accepted, but stay in progress until stable", () => {
      const l = logOf([], entries(1, 1, 1));
      expect(l.hasNextUnstableEnts()).toBe(true);
      l.acceptUnstable();
      expect(l.hasNextUnstableEnts()).toBe(false);
      expect(l.hasNextOrInProgressUnstableEnts()).toBe(true);
      l.stableTo({ index: 2, term: 1 });
      expect(l.hasNextOrInProgressUnstableEnts()).toBe(false);
    });

    it.each([
      [1, 1, 2],
      [2, 2, 3],
      [2, 1, 1],
      [3, 1, 1],
    ] as const)("stableTo(index %i, term %i) leaves the unstable offset at %i", (index, term, want) => {
      const l = logOf([], entries(1, 1, 2));
      l.stableTo({ index, term });
      expect(l.unstable.offset).toBe(want);
    });

    it.each([
      [6, 2, false, 6],
      [5, 2, false, 6],
      [4, 2, false, 6],
      [6, 3, false, 6],
      [5, 3, false, 6],
      [4, 3, false, 6],
      [6, 2, true, 7],
      [5, 2, true, 6],
      [4, 2, true, 6],
      [6, 3, true, 6],
      [5, 3, true, 6],
      [4, 3, true, 6],
    ] as const)("after a snapshot at (5, 2): stableTo(%i, %i) with an entry appended %s: offset %i", (index, term, withEntry, want) => {
      const l = logOf([], withEntry ? entries(6, 2) : [], { index: 5, term: 2 });
      l.stableTo({ index, term });
      expect(l.unstable.offset).toBe(want);
    });
  });

  describe("commitTo on terms 1, 2, 3 committed at 2", () => {
    it("moves commit forward", () => {
      const l = logOf([], entries(1, 1, 2, 3));
      l.committed = 2;
      l.commitTo(3);
      expect(l.committed).toBe(3);
    });

    it("never moves commit backward", () => {
      const l = logOf([], entries(1, 1, 2, 3));
      l.committed = 2;
      l.commitTo(1);
      expect(l.committed).toBe(2);
    });

    it("throws beyond the last index", () => {
      const l = logOf([], entries(1, 1, 2, 3));
      expect(() => l.commitTo(4)).toThrow(/out of range \[lastIndex\(3\)\]/);
    });
  });

  describe("maybeCommit", () => {
    it("commits only at a later index whose term matches, never at term 0", () => {
      const l = logOf([], entries(1, 1, 2, 2));
      expect(l.maybeCommit({ index: 2, term: 1 })).toBe(false);
      expect(l.maybeCommit({ index: 2, term: 2 })).toBe(true);
      expect(l.committed).toBe(2);
      expect(l.maybeCommit({ index: 1, term: 1 })).toBe(false);
      expect(l.maybeCommit({ index: 3, term: 0 })).toBe(false);
      expect(l.committed).toBe(2);
    });
  });

  it("allEntries shrinks as storage compacts", () => {
    const s = new MemoryStorage();
    s.append(selfTermed(1, 1001));
    const l = newLog(s);
    for (const [at, left] of [[300, 700], [500, 500], [800, 200], [900, 100]] as const) {
      s.compact(at);
      expect(l.allEntries().length).toBe(left);
    }
  });

  describe("mustCheckOutOfBounds over a log compacted at 100 holding 101..200", () => {
    it.each([
      [99, 102, "ErrCompacted"],
      [100, 102, "ErrCompacted"],
      [101, 101, undefined],
      [151, 151, undefined],
      [200, 200, undefined],
      [201, 201, undefined],
      [201, 202, "Error"],
      [202, 202, "Error"],
      [150, 149, "Error"],
    ] as const)("[%i, %i): %s", (lo, hi, want) => {
      const l = logOf([], selfTermed(101, 201), { index: 100, term: 100 });
      expect(errorCode(() => l.mustCheckOutOfBounds(lo, hi))).toBe(want);
    });
  });

  describe("term", () => {
    it.each([
      [99, "ErrCompacted", 0],
      [100, undefined, 1],
      [150, undefined, 50],
      [199, undefined, 99],
      [200, "ErrUnavailable", 0],
    ] as const)("of index %i: error %s, term %i", (i, err, want) => {
      const terms = Array.from({ length: 99 }, (_, k) => k + 1);
      const l = logOf([], entries(101, ...terms), { index: 100, term: 1 });
      expect(errorCode(() => l.term(i))).toBe(err);
      expect(l.zeroTermOnOutOfBounds(i)).toBe(want);
    });

    it.each([
      [100, "ErrCompacted"],
      [101, "ErrCompacted"],
      [104, "ErrCompacted"],
      [105, undefined],
      [106, "ErrUnavailable"],
    ] as const)("with an unstable snapshot at 105 over storage compacted at 100, index %i: %s", (i, err) => {
      const l = logOf([], [], { index: 100, term: 1 });
      l.restore(snapshot(105, 1));
      expect(errorCode(() => l.term(i))).toBe(err);
    });
  });

  describe("slice over storage 101..149 and unstable 150..199 (every entry the same size)", () => {
    // Indexes and terms 128..255 all take two varint bytes, so use that range: offset 128.
    const off = 128;
    const half = off + 50;
    const last = off + 100;
    const size = entrySize(entry(half, half));
    const mk = (): RaftLog => {
      const s = new MemoryStorage();
      s.applySnapshot(snapshot(off, off));
      s.append(selfTermed(off + 1, half));
      const l = newLog(s);
      l.append(selfTermed(half, last));
      return l;
    };
    it.each([
      [off - 1, off + 1, NO_LIMIT, "ErrCompacted"],
      [off, off + 1, NO_LIMIT, "ErrCompacted"],
      [half, half - 1, NO_LIMIT, "Error"],
      [last, last + 1, NO_LIMIT, "Error"],
      [off + 1, off + 1, NO_LIMIT, [off + 1, off + 1]],
      [off + 1, half - 1, NO_LIMIT, [off + 1, half - 1]],
      [off + 1, half, NO_LIMIT, [off + 1, half]],
      [off + 1, half + 1, NO_LIMIT, [off + 1, half + 1]],
      [off + 1, last, NO_LIMIT, [off + 1, last]],
      [half - 1, half + 1, NO_LIMIT, [half - 1, half + 1]],
      [half, last, NO_LIMIT, [half, last]],
      [last - 1, last, NO_LIMIT, [last - 1, last]],
      [off + 1, last, 0, [off + 1, off + 2]],
      [half - 1, half + 1, 0, [half - 1, half]],
      [half, last, 0, [half, half + 1]],
      [off + 1, last, size - 1, [off + 1, off + 2]],
      [half - 1, half + 1, size, [half - 1, half]],
      [half, last, size + 1, [half, half + 1]],
      [off + 1, last, 2 * size, [off + 1, off + 3]],
      [half - 2, half + 1, 2 * size, [half - 2, half]],
      [half - 1, half + 1, 2 * size, [half - 1, half + 1]],
      [half, last, 2 * size, [half, half + 2]],
      [half - 2, half + 1, 3 * size - 1, [half - 2, half]],
      [half - 1, half + 2, 3 * size, [half - 1, half + 2]],
    ] as const)("[%i, %i) limited to %d bytes", (lo, hi, max, want) => {
      const l = mk();
      if (typeof want === "string") {
        expect(errorCode(() => l.slice(lo, hi, max))).toBe(want);
      } else {
        expect(l.slice(lo, hi, max)).toEqual(selfTermed(want[0], want[1]));
      }
    });

    it("scan visits exactly what slice returns, in pages within the size", () => {
      const l = mk();
      for (const page of [0, 1, 10, 100, size, size + 1]) {
        for (let lo = half - 3; lo < half + 3; lo++) {
          for (let hi = lo; hi <= half + 4; hi++) {
            const got: Entry[] = [];
            l.scan(lo, hi, page, (ents) => {
              expect(ents.length === 1 || entsSize(ents) <= page).toBe(true);
              got.push(...ents);
            });
            expect(got).toEqual(l.slice(lo, hi, NO_LIMIT));
          }
        }
      }
    });

    it("scan fills each page up to its size and stops when told to", () => {
      const l = mk();
      const pages: number[] = [];
      l.scan(off + 1, off + 11, 2 * size, (ents) => {
        pages.push(ents.length);
      });
      expect(pages).toEqual([2, 2, 2, 2, 2]);
      let visits = 0;
      l.scan(off + 1, half, 0, () => (++visits === 2 ? "stop" : undefined));
      expect(visits).toBe(2);
    });

    it("scan throws for a range that does not exist", () => {
      expect(errorCode(() => mk().scan(off - 5, half, 0, () => undefined))).toBe("ErrCompacted");
    });
  });

  describe("snapshots", () => {
    it("restore makes the snapshot the log's origin and commit point", () => {
      const l = logOf(entries(1, 1, 1), entries(3, 2));
      const s = snapshot(10, 3);
      l.restore(s);
      expect([l.committed, l.firstIndex(), l.lastIndex(), l.term(10)]).toEqual([10, 11, 10, 3]);
      expect(l.snapshot()).toBe(s);
      expect(l.hasNextOrInProgressSnapshot()).toBe(true);
      expect(l.nextUnstableSnapshot()).toBe(s);
      expect(l.hasNextUnstableSnapshot()).toBe(true);
      l.acceptUnstable();
      expect(l.hasNextUnstableSnapshot()).toBe(false);
      expect(l.hasNextOrInProgressSnapshot()).toBe(true);
      l.stableSnapTo(10);
      expect(l.hasNextOrInProgressSnapshot()).toBe(false);
    });

    it("snapshot() falls back to storage's when none is pending", () => {
      const st = new MemoryStorage();
      st.applySnapshot(snapshot(7, 2));
      expect(newLog(st).snapshot().metadata.index).toBe(7);
    });
  });

  describe("storage failures", () => {
    /** A storage that reports entries it cannot deliver, or fails outright. */
    function flaky(failure: Error): Storage {
      const inner = new MemoryStorage();
      inner.append(entries(1, 1, 1, 1));
      return {
        initialState: () => inner.initialState(),
        entries: () => {
          throw failure;
        },
        term: (i) => {
          if (i === 2) throw failure;
          return inner.term(i);
        },
        lastIndex: () => inner.lastIndex(),
        firstIndex: () => inner.firstIndex(),
        snapshot: () => inner.snapshot(),
      };
    }

    it("treats entries storage cannot deliver though they are in range as a fatal error", () => {
      const l = newLog(flaky(new RaftException("ErrUnavailable")));
      expect(errorCode(() => l.slice(1, 3, NO_LIMIT))).toBe("Error");
      l.commitTo(3);
      expect(() => l.nextCommittedEnts(false)).toThrow(/unexpected error/);
    });

    it("passes through unexpected storage errors from term lookups", () => {
      const l = newLog(flaky(new Error("disk on fire")));
      expect(() => l.matchTerm({ index: 2, term: 1 })).toThrow(/disk on fire/);
      expect(() => l.findConflictByTerm(2, 1)).toThrow(/disk on fire/);
      expect(() => l.zeroTermOnOutOfBounds(2)).toThrow(/disk on fire/);
      expect(() => l.slice(1, 3, NO_LIMIT)).toThrow(/disk on fire/);
      expect(() => l.allEntries()).toThrow(/disk on fire/);
    });

    it("reports a last entry whose term cannot be read", () => {
      const s = flaky(new RaftException("ErrCompacted"));
      const l = newLog({ ...s, lastIndex: () => 2 });
      expect(() => l.lastEntryID()).toThrow(/last term at 2/);
    });

    it("allEntries reads again once after a compaction raced with it", () => {
      const inner = new MemoryStorage();
      inner.append(entries(1, 1, 1, 1));
      let first = true;
      const racing: Storage = {
        initialState: () => inner.initialState(),
        entries: (lo, hi, max) => {
          if (first) {
            first = false;
            inner.compact(1);
            throw new RaftException("ErrCompacted");
          }
          return inner.entries(lo, hi, max);
        },
        term: (i) => inner.term(i),
        lastIndex: () => inner.lastIndex(),
        firstIndex: () => inner.firstIndex(),
        snapshot: () => inner.snapshot(),
      };
      expect(ids(newLog(racing).allEntries())).toEqual([[2, 1], [3, 1]]);
    });

    it("throws when nothing is left of the applying budget although applying is not paused", () => {
      const s = new MemoryStorage();
      s.append(entries(1, 1, 1));
      const l = new RaftLog(s, 10);
      l.commitTo(2);
      l.applyingEntsSize = 10;
      expect(() => l.nextCommittedEnts(true)).toThrow(/not positive/);
    });
  });
});
