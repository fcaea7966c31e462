import { describe, expect, it } from "vitest";
import { exitCodeFor, shortfall } from "../../src/cli/exit-code.js";
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
  it("is 0 when everything passed or was skipped with a reason", () => {
    expect(exitCodeFor([trace("passed"), trace("skipped", { reason: "capability:snapshots" })])).toBe(0);
  });

  it("is 1 when nothing ran: no trace selected, or every trace skipped with a reason", () => {
    expect(exitCodeFor([])).toBe(1);
    expect(shortfall([], 0)).toMatch(/no trace was selected/);
    const allSkipped = [trace("skipped", { reason: "driver lacks feature: check_quorum_off" })];
    expect(exitCodeFor(allSkipped)).toBe(1);
    expect(shortfall(allSkipped, 0)).toBe("nothing ran: all 1 traces were skipped (see the reasons above)");
  });

  it("is 1 when fewer traces passed than --min-passed asks, a known failure not counting as a pass", () => {
    const known = trace("failed", { baseline: { kind: "known", reason: "r", change: "c" } });
    expect(exitCodeFor([trace("passed"), known], 1)).toBe(0);
    expect(exitCodeFor([trace("passed"), known], 2)).toBe(1);
    expect(shortfall([trace("passed"), known], 2)).toBe("only 1 traces passed, fewer than --min-passed 2");
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
