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
}

export interface RunSummary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly errored: number;
}

export interface RunReport {
  readonly tool: { readonly name: string; readonly version: string };
  readonly seed: number;
  readonly level: "invariants" | "observable" | "exact";
  readonly driver: DriverInfo;
  readonly summary: RunSummary;
  readonly traces: readonly TraceResult[];
}
