// Fixed run results for the reporter tests: one of each status, with the awkward bits (a
// multi-line diff, XML metacharacters, control characters, an id without a directory).
import type { DriverInfo } from "../../src/driver/types.js";
import type { ReportInput } from "../../src/report/summary.js";
import type { TraceResult } from "../../src/report/types.js";

export const driver: DriverInfo = {
  protocolVersion: 1,
  implementation: { name: "raft-conformance-reference", version: "0.1.0", language: "typescript" },
  messageModel: "etcd",
  capabilities: ["election", "replication", "prevote"],
};

const passed: TraceResult = {
  id: "etcd/interaction/campaign",
  file: "traces/etcd/interaction/campaign.yaml",
  status: "passed",
  source: { repo: "etcd-io/raft", path: "testdata/campaign.txt", commit: "cdfbeed3149e6dd1c7881853d8ed5993ffcd6be2" },
  features: ["election"],
  level: "exact",
  durationMs: 12.6,
};

const failed: TraceResult = {
  id: "core/replication/append-<rejected>",
  file: "traces/core/replication/append-rejected.yaml",
  status: "failed",
  features: ["replication"],
  level: "observable",
  durationMs: 30,
  failure: {
    step: 4,
    line: 23,
    message: 'expected term 2\n- term: 2\n+ term: 3 & "more" \u0001 end',
  },
};

const invariantFailure: TraceResult = {
  id: "regressions/two-leaders",
  file: "traces/regressions/two-leaders.yaml",
  status: "failed",
  features: [],
  level: "invariants",
  durationMs: 5,
  failure: { step: 7, line: 40, message: "nodes 1 and 2 are both leader in term 3", invariant: "ElectionSafety" },
};

const skipped: TraceResult = {
  id: "etcd/interaction/snapshot-succeed-via-app-resp",
  file: "traces/etcd/interaction/snapshot-succeed-via-app-resp.yaml",
  status: "skipped",
  reason: "capability:snapshots",
  features: ["snapshots"],
  durationMs: 0,
};

const errored: TraceResult = {
  id: "toplevel",
  file: "traces/toplevel.yaml",
  status: "errored",
  reason: "driver did not answer within 10000 ms",
  errorKind: "timeout",
  features: ["election"],
  durationMs: 10_000,
  failure: { step: 0, line: 5, message: "request tick timed out" },
};

/** In the order a runner might finish them — deliberately not sorted by id. */
export const results: readonly TraceResult[] = [passed, failed, skipped, errored, invariantFailure];

export const input: ReportInput = {
  tool: { name: "raft-conformance", version: "0.1.0" },
  seed: 7,
  level: "exact",
  driver,
  results,
};
