import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { logSliceLastEntryID, logSliceLastIndex, pbEntryID, validateLogSlice } from "../../../src/core/log-slice.js";
import { Rand } from "../../../src/core/rand.js";
import { LOCAL_APPEND_THREAD, LOCAL_APPLY_THREAD, MESSAGE_TYPES, RaftException, type Entry, type EntryType } from "../../../src/core/types.js";
import {
  entrySize,
  entsSize,
  extend,
  isEmptyHardState,
  isEmptySnap,
  isHardStateEqual,
  isLocalMsg,
  isLocalMsgTarget,
  isResponseMsg,
  limitSize,
  payloadSize,
  payloadsSize,
  raftErrorOf,
  varintSize,
  voteRespMsgType,
} from "../../../src/core/util.js";
import { entries, entry, ids, snapshot } from "./helpers.js";

/** An independent protobuf encoder for Entry, used only to check entrySize. */
function encodeEntry(e: Entry): number[] {
  const out: number[] = [];
  const varint = (v: number) => {
    let x = v;
    while (x >= 128) {
      out.push((x % 128) + 128);
      x = Math.floor(x / 128);
    }
    out.push(x);
  };
  const typeNumber: Record<EntryType, number> = { EntryNormal: 0, EntryConfChange: 1, EntryConfChangeV2: 2 };
  if (e.type !== "EntryNormal") {
    out.push(0x08);
    varint(typeNumber[e.type]);
  }
  out.push(0x10);
  varint(e.term);
  out.push(0x18);
  varint(e.index);
  if (e.data.length > 0) {
    out.push(0x22);
    varint(e.data.length);
    out.push(...e.data);
  }
  return out;
}

describe("entry sizes", () => {
  it("an empty leader entry at term 1, index 1 encodes as Term and Index only: 4 bytes", () => {
    expect(entrySize(entry(1, 1))).toBe(4);
  });

  it("a proposal adds a tag, a length and the payload", () => {
    expect(entrySize(entry(1, 1, "foo"))).toBe(4 + 2 + 3);
  });

  it("a conf-change entry adds its Type field", () => {
    expect(entrySize(entry(1, 1, "x", "EntryConfChange"))).toBe(4 + 2 + 3);
    expect(entrySize(entry(1, 1, "", "EntryConfChangeV2"))).toBe(4 + 2);
  });

  it("grows with the varint width of term, index and payload length", () => {
    expect(varintSize(0)).toBe(1);
    expect(varintSize(127)).toBe(1);
    expect(varintSize(128)).toBe(2);
    expect(varintSize(2 ** 53 - 1)).toBe(8);
    expect(entrySize(entry(128, 300))).toBe(1 + 2 + 1 + 2);
    expect(entrySize(entry(1, 1, new Uint8Array(200)))).toBe(4 + 1 + 2 + 200);
  });

  it("equals the length of the entry's protobuf encoding", () => {
    const arbEntry = fc.record({
      index: fc.maxSafeNat(),
      term: fc.maxSafeNat(),
      type: fc.constantFrom<EntryType>("EntryNormal", "EntryConfChange", "EntryConfChangeV2"),
      data: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(fc.property(arbEntry, (e) => entrySize(e) === encodeEntry(e).length));
  });

  it("entsSize sums entry sizes; payload sizes count data bytes only", () => {
    const ents = [entry(1, 1, "ab"), entry(2, 1), entry(3, 1, "cde", "EntryConfChange")];
    expect(entsSize(ents)).toBe(entrySize(ents[0] as Entry) + 4 + entrySize(ents[2] as Entry));
    expect(entsSize([])).toBe(0);
    expect(payloadSize(ents[1] as Entry)).toBe(0);
    expect(payloadsSize(ents)).toBe(5);
  });
});

describe("limitSize", () => {
  const ents = entries(1, 1, 1, 1); // 4 bytes each
  it.each([
    [Infinity, 3],
    [12, 3],
    [11, 2],
    [8, 2],
    [4, 1],
    [0, 1],
  ] as const)("within %d bytes keeps %i entries", (max, want) => {
    expect(limitSize(ents, max).length).toBe(want);
  });

  it("keeps nothing of nothing", () => {
    expect(limitSize([], 0)).toEqual([]);
  });

  it("is always a non-empty prefix within the limit, or a single entry", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 10 }), fc.nat(100), (datas, max) => {
        const input = datas.map((d, i) => entry(i + 1, 1, d));
        const got = limitSize(input, max);
        expect(got).toEqual(input.slice(0, got.length));
        if (input.length > 0) expect(got.length).toBeGreaterThan(0);
        if (got.length > 1) expect(entsSize(got)).toBeLessThanOrEqual(max);
        if (got.length < input.length) expect(entsSize(input.slice(0, got.length + 1))).toBeGreaterThan(max);
      }),
    );
  });

  it("extend concatenates without touching its inputs", () => {
    const a = entries(1, 1);
    const b = entries(2, 1);
    expect(ids(extend(a, b))).toEqual([[1, 1], [2, 1]]);
    expect(a.length + b.length).toBe(2);
  });
});

describe("message-type predicates", () => {
  it("local messages are those a node makes for itself or its host", () => {
    const local = MESSAGE_TYPES.filter(isLocalMsg);
    expect(local).toEqual([
      "MsgHup", "MsgBeat", "MsgUnreachable", "MsgSnapStatus", "MsgCheckQuorum",
      "MsgStorageAppend", "MsgStorageAppendResp", "MsgStorageApply", "MsgStorageApplyResp",
    ]);
  });

  it("response messages answer an earlier message", () => {
    expect(MESSAGE_TYPES.filter(isResponseMsg)).toEqual([
      "MsgAppResp", "MsgVoteResp", "MsgHeartbeatResp", "MsgUnreachable", "MsgReadIndexResp",
      "MsgPreVoteResp", "MsgStorageAppendResp", "MsgStorageApplyResp",
    ]);
  });

  it("local targets are the two storage threads", () => {
    expect(isLocalMsgTarget(LOCAL_APPEND_THREAD)).toBe(true);
    expect(isLocalMsgTarget(LOCAL_APPLY_THREAD)).toBe(true);
    expect(isLocalMsgTarget(1)).toBe(false);
  });

  it("a vote request is answered by its own kind of response", () => {
    expect(voteRespMsgType("MsgVote")).toBe("MsgVoteResp");
    expect(voteRespMsgType("MsgPreVote")).toBe("MsgPreVoteResp");
    expect(() => voteRespMsgType("MsgApp")).toThrow(/not a vote message/);
  });
});

describe("emptiness and errors", () => {
  it("a snapshot at index 0 or none is empty", () => {
    expect(isEmptySnap(undefined)).toBe(true);
    expect(isEmptySnap(snapshot(0, 0, [1]))).toBe(true);
    expect(isEmptySnap(snapshot(1, 1))).toBe(false);
  });

  it("a hard state of zeros or none is empty", () => {
    expect(isEmptyHardState(undefined)).toBe(true);
    expect(isEmptyHardState({ term: 0, vote: 0, commit: 0 })).toBe(true);
    expect(isEmptyHardState({ term: 0, vote: 0, commit: 1 })).toBe(false);
    expect(isHardStateEqual({ term: 1, vote: 2, commit: 3 }, { term: 1, vote: 2, commit: 3 })).toBe(true);
    expect(isHardStateEqual({ term: 1, vote: 2, commit: 3 }, { term: 1, vote: 0, commit: 3 })).toBe(false);
  });

  it("raftErrorOf extracts the code of a RaftException only", () => {
    expect(raftErrorOf(new RaftException("ErrCompacted"))).toBe("ErrCompacted");
    expect(raftErrorOf(new Error("x"))).toBeUndefined();
    expect(raftErrorOf("ErrCompacted")).toBeUndefined();
  });
});

describe("log slices", () => {
  const prev = { index: 3, term: 2 };
  it("report their last index and id, falling back to prev when empty", () => {
    const s = { term: 5, prev, entries: entries(4, 2, 3) };
    expect(logSliceLastIndex(s)).toBe(5);
    expect(logSliceLastEntryID(s)).toEqual({ index: 5, term: 3 });
    expect(logSliceLastIndex({ ...s, entries: [] })).toBe(3);
    expect(logSliceLastEntryID({ ...s, entries: [] })).toEqual(prev);
    expect(pbEntryID(entry(7, 4, "x"))).toEqual({ index: 7, term: 4 });
  });

  it.each([
    ["contiguous, non-decreasing terms", entries(4, 2, 3), 5, undefined],
    ["empty", [], 2, undefined],
    ["a gap after prev", entries(5, 2), 5, /not consistent/],
    ["a term below prev's", entries(4, 1), 5, /not consistent/],
    ["decreasing terms", [entry(4, 3), entry(5, 2)], 5, /not consistent/],
    ["an entry newer than the leader's term", entries(4, 6), 5, /newer term/],
    ["prev newer than the leader's term", [], 1, /newer term/],
  ] as const)("validation: %s", (_n, ents, term, want) => {
    const got = validateLogSlice({ term, prev, entries: ents });
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(want);
  });
});

describe("Rand", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const draw = (seed: number) => {
      const r = new Rand(seed);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    // Seeds differing only above bit 32 (large node ids) still give different streams.
    expect(draw(1)).not.toEqual(draw(1 + 2 ** 32));
  });

  it("nextInt(n) stays in [0, n) and reaches every value", () => {
    const r = new Rand(42);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const v = r.nextInt(10);
      expect(Number.isInteger(v) && v >= 0 && v < 10).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(10);
    expect(new Rand(7).nextInt(1)).toBe(0);
  });

  it("nextInt rejects a bound that is not a positive integer up to 2^32", () => {
    const r = new Rand(1);
    expect(() => r.nextInt(0)).toThrow();
    expect(() => r.nextInt(1.5)).toThrow();
    expect(() => r.nextInt(2 ** 32 + 1)).toThrow();
  });
});
