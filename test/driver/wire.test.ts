// The wire form of the message model: uint64 as decimal strings within 2^53-1, etcd's two local
// thread ids, "no limit" sizes, base64 bytes; every encoded value is accepted by the schema and
// decodes to what was encoded.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LOCAL_APPEND_THREAD, LOCAL_APPLY_THREAD, MAX_U53, MESSAGE_TYPES, type Entry, type Message, type Ready } from "../../src/core/types.js";
import { protocolValidators } from "../../src/driver/protocol-schema.js";
import * as wire from "../../src/driver/wire.js";

describe("uint64 values", () => {
  it("travel as decimal strings", () => {
    expect(wire.encodeU64(0, "x")).toBe("0");
    expect(wire.encodeU64(MAX_U53, "x")).toBe("9007199254740991");
    expect(wire.decodeU64("9007199254740991", "x")).toBe(MAX_U53);
  });

  it("above 2^53-1 are refused with the path and the reason", () => {
    expect(() => wire.decodeU64("9007199254740992", "result.status.applied")).toThrow(
      "result.status.applied: 9007199254740992 is above 2^53-1 (9007199254740991), the largest id, term or index the harness holds exactly",
    );
    expect(() => wire.decodeU64("18446744073709551616", "x")).toThrow("x: 18446744073709551616 is larger than 2^64-1");
    expect(() => wire.decodeU64("007", "x")).toThrow('x: "007" is not a decimal uint64');
    expect(() => wire.encodeU64(2 ** 53, "x")).toThrow("x: 9007199254740992 is not an integer in [0, 2^53-1]");
    expect(() => wire.encodeU64(-1, "x")).toThrow();
    expect(() => wire.encodeU64(1.5, "x")).toThrow();
  });
});

describe("node ids", () => {
  it("map etcd's local append and apply threads (MaxUint64, MaxUint64-1) to LOCAL_APPEND_THREAD and LOCAL_APPLY_THREAD", () => {
    expect(wire.encodeNodeId(LOCAL_APPEND_THREAD, "to")).toBe("18446744073709551615");
    expect(wire.encodeNodeId(LOCAL_APPLY_THREAD, "to")).toBe("18446744073709551614");
    expect(wire.decodeNodeId("18446744073709551615", "to")).toBe(LOCAL_APPEND_THREAD);
    expect(wire.decodeNodeId("18446744073709551614", "to")).toBe(LOCAL_APPLY_THREAD);
  });

  it("that would collide with the local thread ids are refused", () => {
    expect(() => wire.decodeNodeId(String(MAX_U53), "from")).toThrow(/from: node id 9007199254740991 is reserved/);
    expect(() => wire.decodeNodeId("18446744073709551613", "from")).toThrow(/above 2\^53-1/);
    expect(wire.decodeNodeId(String(MAX_U53 - 2), "from")).toBe(MAX_U53 - 2);
  });
});

describe("size limits", () => {
  it("at or above 2^53-1 (Infinity included) mean no limit, etcd's MaxUint64", () => {
    expect(wire.encodeSize(Infinity, "x")).toBe("18446744073709551615");
    expect(wire.encodeSize(MAX_U53, "x")).toBe("18446744073709551615");
    expect(wire.decodeSize("18446744073709551615", "x")).toBe(MAX_U53);
    expect(wire.encodeSize(1024, "x")).toBe("1024");
  });
});

describe("bytes", () => {
  it("travel as padded base64, empty as the empty string", () => {
    expect(wire.encodeBytes(new TextEncoder().encode("foo!"))).toBe("Zm9vIQ==");
    expect(wire.decodeBytes("Zm9vIQ==")).toEqual(new TextEncoder().encode("foo!"));
    expect(wire.encodeBytes(new Uint8Array(0))).toBe("");
    expect(wire.decodeBytes(undefined)).toEqual(new Uint8Array(0));
  });
});

describe("messages", () => {
  it("decode omitted fields as their zero values", () => {
    expect(wire.decodeMessage({ type: "MsgHup", to: "1", from: "1" }, "msg")).toEqual({
      type: "MsgHup", to: 1, from: 1, term: 0, logTerm: 0, index: 0, entries: [], commit: 0, vote: 0,
      reject: false, rejectHint: 0, context: new Uint8Array(0), responses: [],
    });
  });
});

// ---- properties ----------------------------------------------------------------------------

const u53 = fc.integer({ min: 0, max: MAX_U53 });
const nodeId = fc.oneof(fc.integer({ min: 0, max: MAX_U53 - 2 }), fc.constant(LOCAL_APPEND_THREAD), fc.constant(LOCAL_APPLY_THREAD));
const bytes = fc.uint8Array({ maxLength: 12 }).map((b) => Uint8Array.from(b));
const entry: fc.Arbitrary<Entry> = fc.record({
  term: u53, index: u53, type: fc.constantFrom("EntryNormal", "EntryConfChange", "EntryConfChangeV2"), data: bytes,
});
const ids = fc.array(nodeId, { maxLength: 4 });
const confState = fc.record({ voters: ids, learners: ids, votersOutgoing: ids, learnersNext: ids, autoLeave: fc.boolean() });
const snapshot = fc.record({ data: bytes, metadata: fc.record({ confState, index: u53, term: u53 }) });
const baseMessage = fc.record({
  type: fc.constantFrom(...MESSAGE_TYPES), to: nodeId, from: nodeId, term: u53, logTerm: u53, index: u53,
  entries: fc.array(entry, { maxLength: 3 }), commit: u53, vote: nodeId, reject: fc.boolean(), rejectHint: u53, context: bytes,
  snapshot: fc.option(snapshot, { nil: undefined }),
});
const withoutUndefinedSnapshot = <T extends { snapshot?: unknown }>(m: T): T => {
  if (m.snapshot !== undefined) return m;
  const { snapshot: _, ...rest } = m;
  return rest as T;
};
const message: fc.Arbitrary<Message> = fc
  .tuple(baseMessage, fc.array(baseMessage, { maxLength: 2 }))
  .map(([m, rs]) => withoutUndefinedSnapshot({ ...m, responses: rs.map((r) => withoutUndefinedSnapshot({ ...r, responses: [] })) }));
const ready: fc.Arbitrary<Ready> = fc.record({
  softState: fc.option(fc.record({ lead: nodeId, raftState: fc.constantFrom("StateFollower", "StateCandidate", "StateLeader", "StatePreCandidate") }), { nil: undefined }),
  hardState: fc.option(fc.record({ term: u53, vote: nodeId, commit: u53 }), { nil: undefined }),
  readStates: fc.array(fc.record({ index: u53, requestCtx: bytes }), { maxLength: 2 }),
  entries: fc.array(entry, { maxLength: 3 }),
  snapshot: fc.option(snapshot, { nil: undefined }),
  committedEntries: fc.array(entry, { maxLength: 3 }),
  messages: fc.array(message, { maxLength: 3 }),
  mustSync: fc.boolean(),
});

const overJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe("every value", () => {
  it("a message survives the wire and is accepted by the schema", () => {
    const validate = protocolValidators().request("step");
    fc.assert(
      fc.property(message, (m) => {
        const w = overJson(wire.encodeMessage(m, "msg"));
        expect(validate({ id: 1, cmd: "step", node: "1", msg: w }), JSON.stringify(validate.errors)).toBe(true);
        expect(wire.decodeMessage(w, "msg")).toEqual(m);
      }),
    );
  });

  it("a Ready survives the wire and is accepted by the schema", () => {
    const validate = protocolValidators().response("ready");
    fc.assert(
      fc.property(ready, (r) => {
        const w = overJson(wire.encodeReady(r, "result.ready"));
        expect(validate({ id: 1, ok: true, result: { ready: w } }), JSON.stringify(validate.errors)).toBe(true);
        expect(wire.decodeReady(w, "result.ready")).toEqual(r);
      }),
      { numRuns: 50 },
    );
  });
});
