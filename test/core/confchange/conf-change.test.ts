import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConfChangeTransition, ConfChangeV1, ConfChangeV2 } from "../../../src/core/types.js";
import {
  asV2,
  confChangesFromString,
  confChangesToString,
  enterJoint,
  leaveJoint,
} from "../../../src/core/confchange/conf-change.js";

const empty = new Uint8Array(0);

function v2(transition: ConfChangeTransition, changes: string): ConfChangeV2 {
  return { version: 2, transition, changes: confChangesFromString(changes), context: empty };
}

describe("ConfChange V1 as V2", () => {
  it("is a single change with transition auto, keeping the context", () => {
    const ctx = Uint8Array.of(1, 2);
    const v1: ConfChangeV1 = { version: 1, id: 5, type: "ConfChangeAddLearnerNode", nodeId: 3, context: ctx };
    expect(asV2(v1)).toEqual({
      version: 2,
      transition: "auto",
      changes: [{ type: "ConfChangeAddLearnerNode", nodeId: 3 }],
      context: ctx,
    });
  });

  it("a V2 is returned as is", () => {
    const cc = v2("explicit", "v1");
    expect(asV2(cc)).toBe(cc);
  });
});

describe("joint consensus decisions of a conf change", () => {
  it.each<{ transition: ConfChangeTransition; changes: string; autoLeave: boolean; ok: boolean; leave: boolean }>([
    // An empty auto change leaves the joint config.
    { transition: "auto", changes: "", autoLeave: false, ok: false, leave: true },
    // One change in auto mode uses the simple protocol.
    { transition: "auto", changes: "v2", autoLeave: false, ok: false, leave: false },
    // More than one change forces joint consensus, left automatically.
    { transition: "auto", changes: "v2 v3", autoLeave: true, ok: true, leave: false },
    // Asking for joint consensus explicitly enters it even for zero or one change.
    { transition: "implicit", changes: "", autoLeave: true, ok: true, leave: false },
    { transition: "implicit", changes: "v2", autoLeave: true, ok: true, leave: false },
    { transition: "explicit", changes: "", autoLeave: false, ok: true, leave: false },
    { transition: "explicit", changes: "v2 l3", autoLeave: false, ok: true, leave: false },
  ])("$transition with [$changes]: enter joint $ok (auto-leave $autoLeave), leave joint $leave", (t) => {
    const cc = v2(t.transition, t.changes);
    expect(enterJoint(cc)).toEqual({ autoLeave: t.autoLeave, ok: t.ok });
    expect(leaveJoint(cc)).toBe(t.leave);
  });

  it("a V1 change never enters nor leaves a joint config", () => {
    const v1: ConfChangeV1 = { version: 1, id: 0, type: "ConfChangeRemoveNode", nodeId: 0, context: empty };
    expect(enterJoint(v1)).toEqual({ autoLeave: false, ok: false });
    expect(leaveJoint(v1)).toBe(false);
  });
});

describe("conf change notation", () => {
  it("parses voters, learners, removals and updates", () => {
    expect(confChangesFromString(" v2 l3  r4\tu5 ")).toEqual([
      { type: "ConfChangeAddNode", nodeId: 2 },
      { type: "ConfChangeAddLearnerNode", nodeId: 3 },
      { type: "ConfChangeRemoveNode", nodeId: 4 },
      { type: "ConfChangeUpdateNode", nodeId: 5 },
    ]);
    expect(confChangesFromString("")).toEqual([]);
    expect(confChangesFromString("   ")).toEqual([]);
  });

  it.each([
    ["v", "unknown token v"],
    ["x3", "unknown input: x3"],
    ["v-3", "invalid node id in v-3"],
    ["v3a", "invalid node id in v3a"],
    ["v9007199254740992", "node id in v9007199254740992 exceeds 9007199254740991"],
  ])("rejects %s", (input, message) => {
    expect(() => confChangesFromString(input)).toThrow(message);
  });

  it("prints what it parses (property)", () => {
    const token = fc
      .tuple(fc.constantFrom("v", "l", "r", "u"), fc.nat({ max: Number.MAX_SAFE_INTEGER }))
      .map(([letter, id]) => `${letter}${id}`);
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (tokens) => {
        const s = tokens.join(" ");
        expect(confChangesToString(confChangesFromString(s))).toBe(s);
      }),
    );
  });
});
