// The result of a run, as every reporter (console, JSON, JUnit, HTML) receives it.
// The JSON report (spec/report.schema.json) is this structure serialised deterministically.
import type { DriverInfo } from "../driver/types.js";

export type TraceStatus = "passed" | "failed" | "skipped" | "errored";

export interface TraceFailure {
  /** 0-based index of the failing step in the trace's `steps`, or null before any step ran. */
  readonly step: number | null;
  /** 1-based line in the trace file of that step (or of the problem), or null. */
  readonly line: number | null;
  /** Human-readable explanation: expected vs actual, or the invariant's message. */
  readonly message: string;
  /** Id of the invariant that fired, if one did. */
  readonly invariant?: string | undefined;
}

export interface TraceResult {
  readonly id: string;
  readonly file: string;
  readonly status: TraceStatus;
  /** Why it was skipped or errored. */
  readonly reason?: string | undefined;
  /**
   * For errored traces: "input" = the trace file itself is invalid (YAML, schema, semantics; the
   * CLI exits 2), "driver" = the driver crashed or exited, "protocol" = it broke the protocol,
   * "timeout" = it did not answer in time.
   */
  readonly errorKind?: "input" | "driver" | "protocol" | "timeout" | undefined;
  readonly source?: { readonly repo: string; readonly path: string; readonly commit: string; readonly test?: string | undefined } | undefined;
  readonly features: readonly string[];
  /** The level actually checked: invariants, observable or exact. */
  readonly level?: "invariants" | "observable" | "exact" | undefined;
  readonly durationMs: number;
  readonly failure?: TraceFailure | undefined;
  /**
   * Observable assertions of the trace (a check step, an `outcome`, a `sent` list) that were not
   * checked because the driver lacks a behaviour their step `needs:`; absent when none.
   */
  readonly assertionsSkipped?: number | undefined;
  /**
   * For failed traces only: what happened on the network and to the nodes up to the failure, for
   * the HTML report's message-sequence chart. Not part of the JSON report.
   */
  readonly timeline?: Timeline | undefined;
  /** Set when a --baseline lists this trace (see src/report/baseline.ts). */
  readonly baseline?: BaselineMark | undefined;
}

/**
 * What a baseline says about one result: `known` = it failed (or errored) as listed, which does
 * not fail the run; `stale` = it is listed but passed.
 */
export interface BaselineMark {
  readonly kind: "known" | "stale";
  readonly reason: string;
  /** Link to the upstream change that explains the difference. */
  readonly change: string;
}

export interface BaselineSummary {
  /** The baseline file as given on the command line. */
  readonly file: string;
  readonly entries: number;
  /** Results that ended as their entry says. */
  readonly known: number;
  /** Entries whose trace passed, or (in a run of the whole corpus) matched no trace; sorted by id. */
  readonly stale: readonly { readonly id: string; readonly why: "passes" | "missing" }[];
}

/** One thing the harness did to or between nodes, stamped with the 0-based step that did it. */
export type TimelineEvent =
  | {
      readonly kind: "send" | "deliver" | "drop";
      readonly step: number;
      /** Same number on a message's send and its delivery or drop (a duplicate shares it). */
      readonly msg: number;
      readonly from: number;
      readonly to: number;
      readonly type: string;
      readonly term: number;
      /** deliver: the node refused it (Step returned this error). drop: why it was lost. */
      readonly detail?: string | undefined;
    }
  | { readonly kind: "crash" | "restart"; readonly step: number; readonly node: number };

export interface Timeline {
  /** Node ids, ascending: the chart's lanes. */
  readonly nodes: readonly number[];
  /** The steps that ran, up to and including the failing one. */
  readonly steps: readonly { readonly index: number; readonly kind: string; readonly line: number }[];
  /** The most recent events, in the order they happened. */
  readonly events: readonly TimelineEvent[];
  /** Older events left out to bound the report's size. */
  readonly omitted: number;
}

export interface RunSummary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly errored: number;
  /** Assertions skipped for behaviours the driver lacks (`needs:`), summed over the traces that ran. */
  readonly assertionsSkipped: number;
  /** Traces that ran with at least one such assertion skipped. */
  readonly tracesWithSkippedAssertions: number;
}

export interface RunReport {
  readonly tool: { readonly name: string; readonly version: string };
  readonly seed: number;
  /** The level every trace that ran was checked at (the request, lowered to what the driver supports). */
  readonly level: "invariants" | "observable" | "exact";
  /** The level asked for with --level. */
  readonly requestedLevel: "invariants" | "observable" | "exact";
  readonly driver: DriverInfo;
  readonly summary: RunSummary;
  readonly traces: readonly TraceResult[];
  /** Present when the run was given --baseline. */
  readonly baseline?: BaselineSummary | undefined;
}
