// Applying a baseline to a run's results. A baseline never changes what ran or how: it only says
// which failures are already known (with a reason and the upstream change behind them) and which
// entries no longer describe anything (the trace passes, or no trace has the id any more).
import type { Baseline, BaselineEntry } from "./baseline-file.js";
import type { BaselineSummary, TraceResult } from "./types.js";

export interface BaselineOutcome {
  readonly results: readonly TraceResult[];
  readonly summary: BaselineSummary;
}

export class BaselineMatcher {
  private readonly byId: ReadonlyMap<string, BaselineEntry>;

  constructor(readonly baseline: Baseline) {
    this.byId = new Map(baseline.entries.map((e) => [e.id, e]));
  }

  /**
   * The result with its baseline mark: `known` when it ended as its entry says, `stale` when it
   * passed. A listed trace that was skipped, or ended otherwise than listed (errored instead of
   * failed), gets no mark: a skip says nothing about the difference, and a new kind of outcome is
   * not the known one.
   */
  mark(r: TraceResult): TraceResult {
    const e = this.byId.get(r.id);
    if (e === undefined) return r;
    const expected = r.status === e.status && !(r.status === "errored" && r.errorKind === "input");
    if (expected) return { ...r, baseline: { kind: "known", reason: e.reason, change: e.change } };
    if (r.status === "passed") return { ...r, baseline: { kind: "stale", reason: e.reason, change: e.change } };
    return r;
  }

  /**
   * Marks every result and summarises. `complete` says the run covered the whole corpus the
   * baseline is about (no --grep or --shard), so an entry whose id matched no trace is stale too.
   */
  apply(results: readonly TraceResult[], complete: boolean): BaselineOutcome {
    const marked = results.map((r) => (r.baseline === undefined ? this.mark(r) : r));
    const seen = new Set(results.map((r) => r.id));
    const stale = marked.filter((r) => r.baseline?.kind === "stale").map((r) => ({ id: r.id, why: "passes" as const }));
    const missing = complete
      ? this.baseline.entries.filter((e) => !seen.has(e.id)).map((e) => ({ id: e.id, why: "missing" as const }))
      : [];
    return {
      results: marked,
      summary: {
        file: this.baseline.file,
        entries: this.baseline.entries.length,
        known: marked.filter((r) => r.baseline?.kind === "known").length,
        stale: [...stale, ...missing].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      },
    };
  }
}
