// The run's exit code from its results (the contract CI relies on):
// 2 when any trace file was invalid input, else 1 when anything failed or errored (or was skipped
// without saying why: a silent skip hides a gap), else 0. A failure the --baseline lists as known
// does not count; stale baseline entries are judged by the caller (--strict-baseline).
import type { TraceResult } from "../report/types.js";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function exitCodeFor(results: readonly TraceResult[]): number {
  if (results.some((r) => r.status === "errored" && r.errorKind === "input")) return EXIT_USAGE;
  const bad = results.some(
    (r) =>
      ((r.status === "failed" || r.status === "errored") && r.baseline?.kind !== "known") ||
      (r.status === "skipped" && (r.reason ?? "") === ""),
  );
  return bad ? EXIT_FAILED : EXIT_OK;
}
