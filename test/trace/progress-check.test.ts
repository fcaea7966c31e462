import { describe, expect, test } from "vitest";
import { loadTraceText, type LoadResult } from "../../src/trace/load.js";
import { formatTraceError } from "../../src/trace/errors.js";
import { evaluateCheck, type NodeView, type ProgressView } from "../../src/trace/check.js";

function head(features: string): string {
  return `id: test/x\ndescription: d\nfeatures: [${features}]\nsteps:\n  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}\n`;
}

function errors(r: LoadResult): string[] {
  return r.ok ? [] : r.errors.map(formatTraceError);
}

const replicate: ProgressView = { state: "StateReplicate", match: 5, next: 6, paused: false, pending_snapshot: 0, recent_active: true, inflight: 1 };

function leader(overrides: Partial<NodeView> = {}): NodeView {
  return {
    id: 1, up: true, role: "leader", term: 1, vote: 1, leader: 1, commit: 5, applied: 5, lastIndex: 5, durableLastIndex: 5, appState: new Uint8Array(), log: [],
    config: { voters: [1, 2], voters_outgoing: [], learners: [], learners_next: [] }, readStates: [],
    leadTransferee: 0, progress: new Map([[1, replicate], [2, { ...replicate, state: "StateProbe", match: 0, next: 3, paused: true, inflight: 0 }]]),
    ...overrides,
  };
}

describe("check: lead_transferee and progress", () => {
  test("lead_transferee compares the leader's pending transfer target, 0 meaning none", () => {
    expect(evaluateCheck({ node: 1, lead_transferee: { absent: true } }, leader())).toEqual([]);
    expect(evaluateCheck({ node: 1, lead_transferee: 3 }, leader({ leadTransferee: 3 }))).toEqual([]);
    expect(evaluateCheck({ node: 1, lead_transferee: 3 }, leader())).toEqual(["node 1 lead_transferee: expected 3, got 0"]);
  });

  test("a progress check compares only the peers and fields it names", () => {
    expect(evaluateCheck({ node: 1, progress: { 2: { state: "StateProbe", next: 3, paused: true } } }, leader())).toEqual([]);
    expect(evaluateCheck({ node: 1, progress: { 1: { match: { gte: 5 }, inflight: { lte: 1 }, recent_active: true } } }, leader())).toEqual([]);
    expect(evaluateCheck({ node: 1, progress: { 2: { state: { one_of: ["StateReplicate", "StateProbe"] } } } }, leader())).toEqual([]);
  });

  test("a progress mismatch names the peer, the field, expected and actual", () => {
    expect(evaluateCheck({ node: 1, progress: { 2: { state: "StateReplicate", match: 3, paused: false } } }, leader())).toEqual([
      "node 1 progress.2.state: expected StateReplicate, got StateProbe",
      "node 1 progress.2.match: expected 3, got 0",
      "node 1 progress.2.paused: expected false, got true",
    ]);
  });

  test("a peer the leader does not track fails the check", () => {
    expect(evaluateCheck({ node: 1, progress: { 4: { match: 0 } } }, leader())).toEqual([
      "node 1 progress.4: the leader tracks no progress for peer 4 (tracked: 1, 2)",
    ]);
  });

  test("a node without a progress map (not the leader) fails a progress check and says why", () => {
    const follower = leader({ role: "follower", progress: undefined });
    const out = evaluateCheck({ node: 1, progress: { 2: { match: 0 } } }, follower);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/node 1 progress: expected progress for peer\(s\) 2, but the node tracks none \(it is a follower; only the leader tracks progress\)/);
  });
});

describe("validation of the check and transfer extensions", () => {
  test("a check using progress needs the progress_status feature, reported at the step's line", () => {
    const e = errors(loadTraceText("p.yaml", head("election") + "  - check: {node: 1, progress: {2: {state: StateProbe}}}\n"));
    expect(e).toEqual(["p.yaml:6:5: step 1 (check): a check of 'progress' needs the progress_status feature; add it to the trace's features"]);
    expect(loadTraceText("p.yaml", head("election, progress_status") + "  - check: {node: 1, progress: {2: {state: StateProbe}}}\n").ok).toBe(true);
  });

  test("lead_transferee needs no feature", () => {
    expect(loadTraceText("l.yaml", head("election") + "  - check: {node: 1, lead_transferee: {absent: true}}\n").ok).toBe(true);
  });

  test("the schema rejects unknown progress fields and non-numeric peer keys", () => {
    expect(errors(loadTraceText("s.yaml", head("progress_status") + "  - check: {node: 1, progress: {2: {colour: red}}}\n"))[0]).toMatch(/unknown key 'colour'/);
    expect(loadTraceText("s.yaml", head("progress_status") + "  - check: {node: 1, progress: {two: {match: 1}}}\n").ok).toBe(false);
    expect(loadTraceText("s.yaml", head("progress_status") + "  - check: {node: 1, progress: {2: {state: StateFast}}}\n").ok).toBe(false);
  });

  test("transfer-leadership may target a node that is not a member, but its 'from' must exist", () => {
    expect(loadTraceText("t.yaml", head("leader_transfer") + "  - transfer-leadership: {from: 1, to: 4}\n").ok).toBe(true);
    expect(errors(loadTraceText("t.yaml", head("leader_transfer") + "  - transfer-leadership: {from: 4, to: 1}\n"))).toEqual([
      "t.yaml:6:5: step 1 (transfer-leadership) refers to node 4, but only nodes 1..3 exist at this point",
    ]);
  });
});

describe("check: conf-change payloads", () => {
  const log = [{ term: 1, index: 3 }, { term: 1, index: 4, type: "EntryConfChange", conf_change: "<undecodable>" }];
  const want = { node: 1, log: [{ index: 3 }, { index: 4, type: "EntryConfChange", conf_change: "v3" }] };

  test("under the etcd model a conf-change entry's payload is compared", () => {
    expect(evaluateCheck(want, leader({ log }))).toHaveLength(1);
  });

  test("under the generic model only its type, term and index are", () => {
    expect(evaluateCheck(want, leader({ log }), { confChangePayloads: false })).toEqual([]);
    expect(evaluateCheck({ node: 1, log: [{ index: 3 }, { index: 4, type: "EntryConfChangeV2", conf_change: "v3" }] }, leader({ log }), { confChangePayloads: false })).toHaveLength(1);
    expect(evaluateCheck({ node: 1, log: [{ index: 3 }, { index: 5, type: "EntryConfChange", conf_change: "v3" }] }, leader({ log }), { confChangePayloads: false })).toHaveLength(1);
  });
});
