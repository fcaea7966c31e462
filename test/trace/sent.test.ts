// `sent:` — observable assertions on the messages a step sent (src/trace/sent.ts).
import { describe, expect, it } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { runCorpus } from "../../src/harness/run.js";
import { sentMessages, sentProblems } from "../../src/trace/sent.js";
import type { Yaml } from "../../src/trace/types.js";
import { MUTANTS } from "../mutants/catalogue.js";
import { buildMutant } from "../mutants/load.js";

const ready = (node: number, messages: Yaml[]): Yaml => ({ ready: { node, messages } });
const events: Yaml[] = [
  ready(1, [
    { type: "MsgVoteResp", from: 1, to: 2, term: 3, reject: true },
    { type: "MsgAppResp", from: 1, to: 3, term: 3, reject: true, reject_hint: 4, index: 6 },
  ]),
  { deliver: { node: 2, messages: [] } },
];

describe("sent: matchers", () => {
  it("match a message of the step by the fields they name, numbers by value or range", () => {
    expect(sentProblems([{ type: "MsgVoteResp", from: 1, to: 2, reject: true }], events)).toEqual([]);
    expect(sentProblems([{ type: { one_of: ["MsgAppResp", "MsgHeartbeatResp"] }, to: 3, reject_hint: { lte: 4 } }], events)).toEqual([]);
    expect(sentProblems([{ type: "MsgAppResp", term: { gte: 3 }, index: 6 }], events)).toEqual([]);
  });

  it("a grant does not match a rejection, and a missing reject means granted", () => {
    const [problem] = sentProblems([{ type: "MsgVoteResp", from: 1, to: 2, reject: false }], events);
    expect(problem).toMatch(/^no message matched sent: \{"type":"MsgVoteResp","from":1,"to":2,"reject":false\}; the step sent:\n/);
    expect(problem).toContain("type: MsgVoteResp");
    expect(sentProblems([{ type: "MsgVoteResp", reject: false }], [ready(1, [{ type: "MsgVoteResp", from: 1, to: 2, term: 3 }])])).toEqual([]);
  });

  it("a hint above the bound, or a step that sent nothing, fails", () => {
    expect(sentProblems([{ type: "MsgAppResp", reject_hint: { lte: 3 } }], events)).toHaveLength(1);
    expect(sentProblems([{ type: "MsgVoteResp" }], [])).toEqual(['no message matched sent: {"type":"MsgVoteResp"}; no message was sent in this step']);
  });

  it("counts the answers a storage write carries, not messages to the local storage threads", () => {
    const asyncEvents: Yaml[] = [ready(1, [{ type: "MsgStorageAppend", from: 1, to: "AppendThread", responses: [{ type: "MsgVoteResp", from: 1, to: 2, term: 2 }] }])];
    expect(sentMessages(asyncEvents).map((m) => m["type"])).toEqual(["MsgVoteResp"]);
  });
});

describe("sent: on the TestRecvMsgVote / TestRecvMsgPreVote traces", () => {
  it("hold on the reference and catch a voter that ignores the candidate's last term, at the observable level", async () => {
    const paths = ["traces/etcd/raft_test/TestRecvMsgVote", "traces/etcd/raft_test/TestRecvMsgPreVote"];
    const ok = await runCorpus({ paths, driverFactory: createInProcessDriver, level: "observable", seed: 1 });
    expect(ok.results.filter((r) => r.status !== "passed")).toEqual([]);
    const mutant = MUTANTS.find((m) => m.id === "up-to-date-index-only");
    if (mutant === undefined) throw new Error("mutant up-to-date-index-only is missing");
    const built = buildMutant(mutant);
    try {
      const driver = await built.createDriver();
      const bad = await runCorpus({ paths, driverFactory: () => driver, level: "observable", seed: 1 });
      const bySent = bad.results.filter((r) => r.failure?.message.includes("no message matched sent:") === true);
      expect(bySent.length).toBeGreaterThan(0);
    } finally {
      built.dispose();
    }
  }, 60_000);
});
