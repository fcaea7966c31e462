// Building a RunReport from the runner's results: counts, and the one order every reporter uses.
import type { DriverInfo } from "../driver/types.js";
import { effectiveLevel } from "./level.js";
import type { BaselineSummary, RunReport, RunSummary, TraceResult } from "./types.js";

export type Level = RunReport["level"];

export function summarize(results: readonly TraceResult[]): RunSummary {
  const count = (status: TraceResult["status"]): number => results.filter((r) => r.status === status).length;
  return {
    total: results.length,
    passed: count("passed"),
    failed: count("failed"),
    skipped: count("skipped"),
    errored: count("errored"),
    assertionsSkipped: results.reduce((n, r) => n + (r.assertionsSkipped ?? 0), 0),
    tracesWithSkippedAssertions: results.filter((r) => (r.assertionsSkipped ?? 0) > 0).length,
  };
}

/**
 * Traces ordered by id, then file: the order of the JSON and JUnit reports and of the console's
 * failure list, so a report does not depend on the order in which a runner finished the traces.
 * Plain code-unit comparison, not localeCompare, so the order is the same under every locale.
 */
export function byId(a: TraceResult, b: TraceResult): number {
  return compareStrings(a.id, b.id) || compareStrings(a.file, b.file);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface ReportInput {
  readonly tool: RunReport["tool"];
  readonly seed: number;
  /** The level asked for (--level); the report gives the level actually checked. */
  readonly level: Level;
  readonly driver: DriverInfo;
  readonly results: readonly TraceResult[];
  /** The baseline's verdict, when the run was given one (the results already carry its marks). */
  readonly baseline?: BaselineSummary | undefined;
}

export function buildReport(input: ReportInput): RunReport {
  return {
    tool: input.tool,
    seed: input.seed,
    level: effectiveLevel(input.level, input.driver),
    requestedLevel: input.level,
    driver: input.driver,
    summary: summarize(input.results),
    traces: input.results.map(withReason).sort(byId),
    ...(input.baseline !== undefined ? { baseline: input.baseline } : {}),
  };
}

/**
 * Every skip and error carries a reason in the report (the schema requires one). A runner that
 * left it out gets a placeholder here rather than an invalid report; the CLI still treats a skip
 * without a reason as a failure of the run.
 */
function withReason(r: TraceResult): TraceResult {
  if (r.reason !== undefined && r.reason !== "") return r;
  if (r.status === "skipped") return { ...r, reason: NO_REASON };
  if (r.status === "errored") return { ...r, reason: r.failure?.message || NO_REASON };
  return r;
}

export const NO_REASON = "no reason given";

/** The line CI tools read at the end of a console run; keep its shape. */
export function summaryLine(s: RunSummary): string {
  return `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ${s.errored} errored`;
}
