// The run's exit code from its results (the contract CI relies on):
// 2 when any trace file was invalid input, else 1 when anything failed or errored (or was skipped
// without saying why: a silent skip hides a gap), else 0. A failure the --baseline lists as known
// does not count; stale baseline entries are judged by the caller (--strict-baseline).
// A run that checked nothing is not a success either: when every trace was skipped (or none was
// selected), or fewer than --min-passed traces passed, the exit code is 1 and `shortfall` says why.
import type { TraceResult } from "../report/types.js";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function exitCodeFor(results: readonly TraceResult[], minPassed = 0): number {
  if (results.some((r) => r.status === "errored" && r.errorKind === "input")) return EXIT_USAGE;
  const bad = results.some(
    (r) =>
      ((r.status === "failed" || r.status === "errored") && r.baseline?.kind !== "known") ||
      (r.status === "skipped" && (r.reason ?? "") === ""),
  );
  return bad || shortfall(results, minPassed) !== undefined ? EXIT_FAILED : EXIT_OK;
}

/** Why a run without failures still does not count as a success, or undefined when it does. */
export function shortfall(results: readonly TraceResult[], minPassed: number): string | undefined {
  const ran = results.filter((r) => r.status !== "skipped").length;
  const passed = results.filter((r) => r.status === "passed").length;
  if (ran === 0) {
    return results.length === 0
      ? "no trace was selected: check the paths, --grep and --shard"
      : `nothing ran: all ${results.length} traces were skipped (see the reasons above)`;
  }
  if (passed < minPassed) return `only ${passed} traces passed, fewer than --min-passed ${minPassed}`;
  return undefined;
}
