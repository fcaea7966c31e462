import { describe, expect, it } from "vitest";
import { inputProblems } from "../../src/cli/run.js";
import type { TraceResult } from "../../src/report/types.js";

const input = (extra: Partial<TraceResult>): TraceResult => ({
  id: "cli/bad",
  file: "traces/cli/bad.yaml",
  status: "errored",
  errorKind: "input",
  features: [],
  durationMs: 0,
  ...extra,
});

describe("invalid trace files on stderr", () => {
  it("passes through problems that already name file:line:col, one per line", () => {
    const reason = "traces/cli/bad.yaml:3:1: unknown key\ntraces/cli/bad.yaml:9:5: node 9 does not exist";
    expect(inputProblems([input({ reason })])).toEqual(reason.split("\n"));
  });

  it("prefixes a bare reason with the file and the failure's line", () => {
    expect(inputProblems([input({ reason: "bad YAML\nmore", failure: { step: null, line: 4, message: "x" } })])).toEqual([
      "traces/cli/bad.yaml:4: bad YAML",
    ]);
  });

  it("ignores traces that ran, however they ended", () => {
    expect(inputProblems([input({ errorKind: "driver", reason: "exited" }), input({ status: "failed", errorKind: undefined })])).toEqual([]);
  });
});
