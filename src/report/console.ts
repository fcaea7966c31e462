// Console reporter: the seed first (a failure is reproduced from it), then the driver and the level
// its traces are actually checked at (an `exact` request runs at `observable` on a driver without
// etcd's message model, and the header says so), progress
// while traces run, every failure with its location and message, skips grouped by reason, and the
// summary line last. On a TTY progress is one line rewritten in place; elsewhere (CI logs, pipes)
// each finished trace gets a plain line of its own.
import type { DriverInfo } from "../driver/types.js";
import { describeLevel } from "./level.js";
import { byId, compareStrings, summarize, summaryLine, type Level } from "./summary.js";
import type { BaselineSummary, TraceResult } from "./types.js";

export interface ConsoleSink {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

export interface ConsoleOptions {
  /** Print durations (per trace and in total). */
  readonly timings: boolean;
  /** Overrides sink.isTTY (tests). */
  readonly tty?: boolean | undefined;
}

/** How many ids to list under one skip reason before abbreviating. */
const SKIP_IDS_SHOWN = 10;

export class ConsoleReporter {
  private readonly tty: boolean;
  private readonly results: TraceResult[] = [];
  private current = "";
  private total: number | null = null;
  private progressShown = false;
  /** Per-trace lines held back until the driver is named, so the driver line comes first. */
  private pending: string[] | null = [];
  private requested: Level = "exact";

  constructor(
    private readonly out: ConsoleSink,
    private readonly opts: ConsoleOptions,
  ) {
    this.tty = opts.tty ?? out.isTTY === true;
  }

  /** The seed; `level` is the level asked for, printed (as actually checked) once the driver is known. */
  header(seed: number, level: Level): void {
    this.requested = level;
    this.line(`seed: ${seed}`);
  }

  driver(info: DriverInfo): void {
    this.line(`driver: ${describeDriver(info)}`);
    this.line(`level: ${describeLevel(this.requested, info)}`);
    this.flushPending();
    if (this.tty && this.current !== "") this.progress();
  }

  traceStarted(id: string, _file: string): void {
    this.current = id;
    if (this.tty) this.progress();
  }

  traceFinished(r: TraceResult, done: number, total: number): void {
    this.results.push(r);
    this.total = total;
    if (this.tty) {
      this.progress();
    } else {
      const time = this.opts.timings ? ` (${Math.round(r.durationMs)} ms)` : "";
      const why = r.baseline?.kind === "known"
        ? `: known failure: ${r.baseline.reason}`
        : r.status === "skipped" || r.status === "errored" ? `: ${r.reason ?? "no reason given"}` : "";
      const text = `[${done}/${total}] ${r.status} ${r.id}${time}${firstLine(why)}`;
      if (this.pending !== null) this.pending.push(text);
      else this.line(text);
    }
  }

  /**
   * Failures, errors and skips, then the summary line. `results` defaults to what traceFinished
   * received; pass the runner's final list when progress callbacks were not wired.
   */
  finish(results: readonly TraceResult[] = this.results, baseline?: BaselineSummary): void {
    this.flushPending();
    this.clearProgress();
    const sorted = [...results].sort(byId);
    const known = sorted.filter((r) => r.baseline?.kind === "known");
    const failed = sorted.filter((r) => r.status === "failed" && r.baseline?.kind !== "known");
    const errored = sorted.filter((r) => r.status === "errored" && r.baseline?.kind !== "known");
    const skipped = sorted.filter((r) => r.status === "skipped");
    if (failed.length > 0) {
      this.line("");
      this.line(`Failures (${failed.length}):`);
      for (const r of failed) this.failure(r);
    }
    if (errored.length > 0) {
      this.line("");
      this.line(`Errors (${errored.length}):`);
      for (const r of errored) this.errored(r);
    }
    if (skipped.length > 0) {
      this.line("");
      this.line(`Skipped (${skipped.length}):`);
      this.skips(skipped);
    }
    if (known.length > 0) {
      this.line("");
      this.line(`Known failures (${known.length}, from the baseline):`);
      this.knownFailures(known);
    }
    if (baseline !== undefined && baseline.stale.length > 0) {
      this.line("");
      this.line(`Stale baseline entries (${baseline.stale.length}, remove them from ${baseline.file}):`);
      for (const s of baseline.stale) {
        this.line(`  ${s.id}: ${s.why === "passes" ? "now passes" : "no trace with this id ran"}`);
      }
    }
    if (this.opts.timings) {
      const ms = sorted.reduce((sum, r) => sum + r.durationMs, 0);
      this.line("");
      this.line(`time: ${Math.round(ms)} ms in traces`);
    }
    if (baseline !== undefined) {
      this.line("");
      this.line(`baseline: ${baseline.known} known failures, ${baseline.stale.length} stale (${baseline.file})`);
    }
    const summary = summarize(sorted);
    if (summary.assertionsSkipped > 0) {
      this.line("");
      this.line(`needs: ${summary.assertionsSkipped} assertions not checked in ${summary.tracesWithSkippedAssertions} traces that ran: their steps need a behaviour the driver lacks`);
    }
    this.line("");
    this.line(summaryLine(summary));
  }

  /** Grouped by reason: a baseline often explains many traces with one upstream change. */
  private knownFailures(known: readonly TraceResult[]): void {
    const groups = new Map<string, { reason: string; change: string; ids: string[] }>();
    for (const r of known) {
      const reason = r.baseline?.reason ?? "";
      const change = r.baseline?.change ?? "";
      const key = `${reason}\u0000${change}`;
      const group = groups.get(key) ?? { reason, change, ids: [] };
      group.ids.push(r.id);
      groups.set(key, group);
    }
    for (const key of [...groups.keys()].sort(compareStrings)) {
      const { reason, change, ids } = groups.get(key) ?? { reason: "", change: "", ids: [] };
      this.line(`  known failure: ${reason} (${ids.length}):`);
      this.line(`    change: ${change}`);
      for (const id of ids.slice(0, SKIP_IDS_SHOWN)) this.line(`    ${id}`);
      if (ids.length > SKIP_IDS_SHOWN) this.line(`    … and ${ids.length - SKIP_IDS_SHOWN} more`);
    }
  }

  private failure(r: TraceResult): void {
    const f = r.failure;
    this.line("");
    this.line(`FAIL ${r.id}`);
    this.line(`  at ${where(r)}${f?.step != null ? ` (step ${f.step})` : ""}`);
    if (f?.invariant !== undefined) this.line(`  invariant: ${f.invariant}`);
    this.block(f?.message ?? r.reason ?? "failed without a message");
  }

  private errored(r: TraceResult): void {
    const f = r.failure;
    this.line("");
    this.line(`ERROR ${r.id}${r.errorKind !== undefined ? ` (${r.errorKind})` : ""}`);
    this.line(`  at ${where(r)}${f?.step != null ? ` (step ${f.step})` : ""}`);
    this.block(r.reason ?? f?.message ?? "errored without a message");
    if (r.reason !== undefined && f !== undefined && f.message !== r.reason) this.block(f.message);
  }

  private skips(skipped: readonly TraceResult[]): void {
    const byReason = new Map<string, string[]>();
    for (const r of skipped) {
      const reason = r.reason ?? "(no reason given)";
      const ids = byReason.get(reason) ?? [];
      ids.push(r.id);
      byReason.set(reason, ids);
    }
    for (const reason of [...byReason.keys()].sort(compareStrings)) {
      const ids = byReason.get(reason) ?? [];
      this.line(`  ${reason} (${ids.length}):`);
      for (const id of ids.slice(0, SKIP_IDS_SHOWN)) this.line(`    ${id}`);
      if (ids.length > SKIP_IDS_SHOWN) this.line(`    … and ${ids.length - SKIP_IDS_SHOWN} more`);
    }
  }

  private flushPending(): void {
    const pending = this.pending ?? [];
    this.pending = null;
    for (const text of pending) this.line(text);
  }

  private block(text: string): void {
    for (const l of text.split("\n")) this.line(l === "" ? "" : `    ${l}`);
  }

  private progress(): void {
    const s = summarize(this.results);
    const total = this.total === null ? "?" : String(this.total);
    const text =
      `[${this.results.length}/${total}] ok ${s.passed}, fail ${s.failed}, skip ${s.skipped}, ` +
      `err ${s.errored} | ${this.current}`;
    // Never wrap: a wrapped line cannot be rewritten with \r.
    const columns = this.out.columns !== undefined && this.out.columns > 0 ? this.out.columns : 80;
    const width = Math.max(20, columns - 1);
    const shown = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    this.out.write(`\r\u001B[K${shown}`);
    this.progressShown = true;
  }

  private clearProgress(): void {
    if (this.progressShown) this.out.write("\r\u001B[K");
    this.progressShown = false;
  }

  private line(text: string): void {
    this.clearProgress();
    this.out.write(`${text}\n`);
  }
}

export function describeDriver(info: DriverInfo): string {
  const impl = info.implementation;
  return (
    `${impl.name} ${impl.version} (${impl.language}, message model ${info.messageModel}, ` +
    `protocol ${info.protocolVersion}, ${info.capabilities.length} capabilities)`
  );
}

function where(r: TraceResult): string {
  const line = r.failure?.line;
  return line != null ? `${r.file}:${line}` : r.file;
}

function firstLine(s: string): string {
  const nl = s.indexOf("\n");
  return nl < 0 ? s : s.slice(0, nl);
}
