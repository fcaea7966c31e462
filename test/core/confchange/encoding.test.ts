import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConfChange, ConfChangeType, ConfChangeV1, ConfChangeV2 } from "../../../src/core/types.js";
import { confChangesFromString } from "../../../src/core/confchange/conf-change.js";
import { decodeConfChange, encodeConfChange, marshalConfChange } from "../../../src/core/confchange/encoding.js";

const empty = new Uint8Array(0);
const text = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));

function v1(type: ConfChangeType, nodeId: number, id = 0, context = empty): ConfChangeV1 {
  return { version: 1, id, type, nodeId, context };
}

function v2(transition: ConfChangeV2["transition"], changes: string, context = empty): ConfChangeV2 {
  return { version: 2, transition, changes: confChangesFromString(changes), context };
}

// Expected bytes produced with `protoc --encode` from etcd's raftpb/raft.proto, setting the fields
// etcd's propose-conf-change sets (see the header of encoding.ts).
describe("conf change wire format matches etcd's", () => {
  it.each<[string, ConfChange, string]>([
    ["V1 add node 2", v1("ConfChangeAddNode", 2), "10001802"],
    ["V1 remove node 0 (zero values still written)", v1("ConfChangeRemoveNode", 0), "10011800"],
    ["V1 with id and context", v1("ConfChangeAddLearnerNode", 300, 7, text("ctx")), "0807100318ac022203637478"],
    ["V2 explicit leave-joint", v2("auto", ""), "0800"],
    ["V2 explicit joint, two changes, context", v2("explicit", "v2 r3", text("hi")), "08021204080010021204080110031a026869"],
    ["V2 update of the largest id", v2("auto", "u9007199254740991"), "0800120b080210ffffffffffffff0f"],
  ])("%s", (_, cc, expected) => {
    expect(hex(encodeConfChange(cc))).toBe(expected);
    expect(decodeConfChange(cc.version === 1 ? "EntryConfChange" : "EntryConfChangeV2", bytes(expected))).toEqual(cc);
  });

  it("the leader's automatic leave-joint proposal is an EntryConfChangeV2 with no data", () => {
    const { type, data } = marshalConfChange(null);
    expect(type).toBe("EntryConfChangeV2");
    expect(data.length).toBe(0);
    expect(decodeConfChange(type, data)).toEqual(v2("auto", ""));
  });

  it("marshalConfChange picks the entry type from the version", () => {
    expect(marshalConfChange(v1("ConfChangeAddNode", 2)).type).toBe("EntryConfChange");
    expect(marshalConfChange(v2("implicit", "v2")).type).toBe("EntryConfChangeV2");
  });
});

describe("conf change decoding", () => {
  it("reads absent fields as zero values", () => {
    expect(decodeConfChange("EntryConfChange", empty)).toEqual(v1("ConfChangeAddNode", 0));
  });

  it("accepts fields in any order, the last scalar winning, and skips unknown fields", () => {
    // node_id=5, type=RemoveNode, unknown fixed64 field 9, unknown fixed32 field 10,
    // unknown varint field 11, unknown bytes field 12, node_id=6.
    const data = bytes("1805" + "1001" + "49" + "0102030405060708" + "55" + "01020304" + "58ffffffffffffffffff01" + "6202aaaa" + "1806");
    expect(decodeConfChange("EntryConfChange", data)).toEqual(v1("ConfChangeRemoveNode", 6));
  });

  it("skips a known field sent with an unexpected wire type, as protobuf does", () => {
    // transition as a length-delimited field, then a real change.
    expect(decodeConfChange("EntryConfChangeV2", bytes("0a0101" + "120408001003"))).toEqual(v2("auto", "v3"));
  });

  it.each([
    ["a truncated varint", "EntryConfChange", "1880", "truncated input"],
    ["a truncated length-delimited field", "EntryConfChange", "2205aa", "truncated input"],
    ["a truncated fixed64 field", "EntryConfChange", "4901", "truncated input"],
    ["a varint longer than 10 bytes", "EntryConfChange", "18ffffffffffffffffffff01", "varint longer than 10 bytes"],
    ["an unknown field with an over-long varint", "EntryConfChange", "58ffffffffffffffffffff01", "varint longer than 10 bytes"],
    ["an id above MAX_U53", "EntryConfChange", "188080808080808010", "9007199254740992 exceeds 9007199254740991"],
    ["an unknown ConfChangeType", "EntryConfChange", "1004", "unknown ConfChangeType 4"],
    ["an unknown transition", "EntryConfChangeV2", "0803", "unknown ConfChangeTransition 3"],
    ["field number 0", "EntryConfChangeV2", "0001", "field number 0"],
    ["a group wire type", "EntryConfChangeV2", "0b", "unsupported wire type 3"],
  ] as const)("rejects %s", (_, type, data, message) => {
    expect(() => decodeConfChange(type, bytes(data))).toThrow(`decodeConfChange: ${message}`);
  });

  it("refuses a normal entry", () => {
    expect(() => decodeConfChange("EntryNormal", empty)).toThrow("EntryNormal");
  });

  it("refuses to encode ids that are not unsigned safe integers", () => {
    expect(() => encodeConfChange(v1("ConfChangeAddNode", -1))).toThrow("not an integer");
    expect(() => encodeConfChange(v1("ConfChangeAddNode", 1.5))).toThrow("not an integer");
  });
});

describe("conf change round trip", () => {
  const id = fc.oneof(fc.nat(300), fc.nat({ max: Number.MAX_SAFE_INTEGER }));
  const type = fc.constantFrom<ConfChangeType>(
    "ConfChangeAddNode",
    "ConfChangeRemoveNode",
    "ConfChangeUpdateNode",
    "ConfChangeAddLearnerNode",
  );
  const context = fc.uint8Array({ maxLength: 200 });
  const anyV1 = fc.record({ version: fc.constant(1 as const), id, type, nodeId: id, context });
  const anyV2 = fc.record({
    version: fc.constant(2 as const),
    transition: fc.constantFrom("auto" as const, "implicit" as const, "explicit" as const),
    changes: fc.array(fc.record({ type, nodeId: id }), { maxLength: 6 }),
    context,
  });

  it("decode(encode(cc)) is cc, and encoding is canonical (property)", () => {
    fc.assert(
      fc.property(fc.oneof(anyV1, anyV2), (cc) => {
        const { type: entryType, data } = marshalConfChange(cc);
        const back = decodeConfChange(entryType, data);
        expect(back).toEqual(cc);
        expect(encodeConfChange(back)).toEqual(data);
      }),
    );
  });
});
