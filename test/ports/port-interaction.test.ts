// The interaction-file converter reads etcd's describe text into trace events without loss.
import { describe, expect, it } from "vitest";
import { parseDatadriven } from "../../scripts/port-interaction/datadriven.js";
import { goUnquote } from "../../scripts/port-interaction/describe.js";
import { blockEvents } from "../../scripts/port-interaction/output.js";
import { renderBlock } from "../../scripts/port-interaction/render.js";
import { convertFile } from "../../scripts/port-interaction/convert.js";

const sample = [
  "log-level none",
  "----",
  "ok",
  "",
  "add-nodes 2 voters=(1,2) index=4",
  "----",
  "ok",
  "",
  "log-level info",
  "----",
  "ok",
  "",
  "stabilize 1",
  "----",
  "> 1 handling Ready",
  "  Ready MustSync=true:",
  "  Lead:1 State:StateLeader",
  "  HardState Term:2 Vote:1 Commit:4",
  "  Entries:",
  "  2/5 EntryNormal \"\"",
  "  2/6 EntryConfChangeV2 v3 l4",
  "  Messages:",
  "  1->2 MsgApp Term:2 Log:1/4 Commit:4 Entries:[",
  "    2/5 EntryNormal \"\"",
  "    2/6 EntryConfChangeV2 v3 l4",
  "  ]",
  "  INFO 1 logged something",
  "> 1 receiving messages",
  "  2->1 MsgAppResp Term:2 Log:1/4 Rejected (Hint: 3)",
  "  raft: cannot step as peer not found",
  "",
  "deliver-msgs 1 drop=(2)",
  "----",
  "1->1 MsgSnap Term:2 Log:0/0",
  "  Snapshot: Index:4 Term:1 ConfState:Voters:[1 2] VotersOutgoing:[1] Learners:[] LearnersNext:[] AutoLeave:true",
  "dropped: 1->2 MsgHeartbeat Term:2 Log:0/0",
  "",
  "propose 1 x",
  "----",
  "raft proposal dropped",
  "",
  "status 1",
  "----",
  "1: StateReplicate match=6 next=7",
  "2: StateSnapshot match=0 next=5 paused pendingSnap=6 inactive inflight=2[full]",
  "",
].join("\n");

describe("port-interaction", () => {
  const blocks = parseDatadriven(sample);

  it("reads each datadriven block with its arguments, input and output", () => {
    expect(blocks.map((b) => b.cmd)).toEqual(["log-level", "add-nodes", "log-level", "stabilize", "deliver-msgs", "propose", "status"]);
    expect(blocks[1]?.keyed).toEqual([{ key: "voters", values: ["1", "2"] }, { key: "index", values: ["4"] }]);
  });

  it("turns a stabilize dump into ready and deliver events, dropping logger lines", () => {
    const events = blockEvents(blocks[3] as never, "sample");
    expect(events).toEqual([
      {
        ready: {
          node: 1, must_sync: true, soft_state: { lead: 1, state: "StateLeader" }, hard_state: { term: 2, vote: 1, commit: 4 },
          entries: [{ term: 2, index: 5 }, { term: 2, index: 6, type: "EntryConfChangeV2", conf_change: "v3 l4" }],
          messages: [{ type: "MsgApp", from: 1, to: 2, term: 2, log_term: 1, index: 4, commit: 4, entries: [{ term: 2, index: 5 }, { term: 2, index: 6, type: "EntryConfChangeV2", conf_change: "v3 l4" }] }],
        },
      },
      { deliver: { node: 1, messages: [{ type: "MsgAppResp", from: 2, to: 1, term: 2, log_term: 1, index: 4, reject: true, reject_hint: 3, error: "ErrStepPeerNotFound" }] } },
    ]);
  });

  it("splits a deliver-msgs that both delivers and drops into one step per group", () => {
    const conv = convertFile("sample.txt", blocks, { description: "d" });
    const steps = conv.trace["steps"] as Record<string, unknown>[];
    const delivers = steps.filter((s) => "deliver-msgs" in s);
    expect(delivers.map((s) => s["deliver-msgs"])).toEqual([{ to: 1 }, { to: 2, drop: true }]);
    expect((delivers[1]?.["expect"] as unknown[])[0]).toEqual({ deliver: { node: 2, messages: [{ type: "MsgHeartbeat", from: 1, to: 2, term: 2, dropped: true }] } });
  });

  it("marks a refused proposal as rejected and expects the error", () => {
    const conv = convertFile("sample.txt", blocks, { description: "d" });
    const propose = (conv.trace["steps"] as Record<string, unknown>[]).find((s) => "propose" in s);
    expect(propose).toEqual({ propose: { node: 1, data: "x" }, outcome: "rejected", expect: [{ error: "ErrProposalDropped" }] });
  });

  it("drops log-level blocks and counts them as left out", () => {
    const conv = convertFile("sample.txt", blocks, { description: "d" });
    expect(conv.ported).toBe(5);
    expect(conv.dropped.map((d) => d.cmd)).toEqual(["log-level", "log-level"]);
  });

  it("derives observable checks from the states a stabilize revealed", () => {
    const conv = convertFile("sample.txt", blocks, { description: "d" });
    const checks = (conv.trace["steps"] as Record<string, unknown>[]).filter((s) => "check" in s);
    expect(checks).toEqual([{ check: { node: 1, role: "leader", term: 2, leader: 1, commit: 4 } }]);
  });

  it("renders every block's events back to exactly etcd's lines", () => {
    for (const b of blocks.filter((x) => x.cmd !== "log-level" && x.cmd !== "add-nodes")) {
      const want = b.output.filter((l) => !/^\s*INFO /.test(l));
      expect(renderBlock(b, blockEvents(b, "sample"))).toEqual(want);
    }
  });

  it("reads Go-quoted payloads, escapes included", () => {
    expect(Buffer.from(goUnquote('"a\\"b\\x00\\n"').bytes).toString("latin1")).toBe('a"b\u0000\n');
  });
});
