import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../../src/cli/exit-code.js";
import type { TraceResult } from "../../src/report/types.js";

const trace = (status: TraceResult["status"], extra: Partial<TraceResult> = {}): TraceResult => ({
  id: `t/${status}`,
  file: `t/${status}.yaml`,
  status,
  features: [],
  durationMs: 0,
  ...extra,
});

describe("run exit code", () => {
  it("is 0 when everything passed or was skipped with a reason, and for an empty run", () => {
    expect(exitCodeFor([trace("passed"), trace("skipped", { reason: "capability:snapshots" })])).toBe(0);
    expect(exitCodeFor([])).toBe(0);
  });

  it("is 1 for a failure, a driver, protocol or timeout error, or a skip without a reason", () => {
    expect(exitCodeFor([trace("passed"), trace("failed")])).toBe(1);
    for (const errorKind of ["driver", "protocol", "timeout"] as const) {
      expect(exitCodeFor([trace("errored", { errorKind, reason: "x" })])).toBe(1);
    }
    expect(exitCodeFor([trace("skipped")])).toBe(1);
  });

  it("is 2 when any trace file was invalid input, even alongside failures", () => {
    expect(exitCodeFor([trace("failed"), trace("errored", { errorKind: "input", reason: "bad YAML" })])).toBe(2);
  });
});
