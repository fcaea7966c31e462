// The JSON report (spec/report.schema.json). Deterministic bytes: every object is rebuilt with a
// fixed key order, traces are sorted by id, and durations appear only when timings are asked for,
// so two runs with the same inputs and seed produce identical files.
import type { DriverInfo } from "../driver/types.js";
import { buildReport, type ReportInput } from "./summary.js";
import type { RunReport, TraceFailure, TraceResult } from "./types.js";

export interface JsonOptions {
  /** Include each trace's durationMs (off by default: durations differ between runs). */
  readonly timings: boolean;
}

export function toJsonReport(input: ReportInput, opts: JsonOptions): string {
  return serializeReport(buildReport(input), opts);
}

export function serializeReport(report: RunReport, opts: JsonOptions): string {
  return `${JSON.stringify(orderedReport(report, opts), null, 2)}\n`;
}

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

function orderedReport(report: RunReport, opts: JsonOptions): Json {
  return {
    tool: { name: report.tool.name, version: report.tool.version },
    seed: report.seed,
    level: report.level,
    requestedLevel: report.requestedLevel,
    driver: orderedDriver(report.driver),
    summary: {
      total: report.summary.total,
      passed: report.summary.passed,
      failed: report.summary.failed,
      skipped: report.summary.skipped,
      errored: report.summary.errored,
      assertionsSkipped: report.summary.assertionsSkipped,
      tracesWithSkippedAssertions: report.summary.tracesWithSkippedAssertions,
    },
    traces: report.traces.map((t) => orderedTrace(t, opts)),
    ...(report.baseline !== undefined
      ? {
          baseline: {
            file: report.baseline.file,
            entries: report.baseline.entries,
            known: report.baseline.known,
            stale: report.baseline.stale.map((s) => ({ id: s.id, why: s.why })),
          },
        }
      : {}),
  };
}

function orderedDriver(d: DriverInfo): Json {
  const impl: Record<string, Json> = {
    name: d.implementation.name,
    version: d.implementation.version,
    language: d.implementation.language,
  };
  if (d.implementation.url !== undefined) impl["url"] = d.implementation.url;
  return {
    protocolVersion: d.protocolVersion,
    implementation: impl,
    messageModel: d.messageModel,
    capabilities: [...d.capabilities],
  };
}

function orderedTrace(t: TraceResult, opts: JsonOptions): Json {
  const out: Record<string, Json> = { id: t.id, file: t.file, status: t.status };
  if (t.reason !== undefined) out["reason"] = t.reason;
  if (t.errorKind !== undefined) out["errorKind"] = t.errorKind;
  if (t.level !== undefined) out["level"] = t.level;
  if (t.source !== undefined) {
    const source: Record<string, Json> = { repo: t.source.repo, path: t.source.path, commit: t.source.commit };
    if (t.source.test !== undefined) source["test"] = t.source.test;
    out["source"] = source;
  }
  out["features"] = [...t.features];
  if (opts.timings) out["durationMs"] = Math.round(t.durationMs);
  if (t.assertionsSkipped !== undefined) out["assertionsSkipped"] = t.assertionsSkipped;
  if (t.failure !== undefined) out["failure"] = orderedFailure(t.failure);
  if (t.baseline !== undefined) out["baseline"] = { kind: t.baseline.kind, reason: t.baseline.reason, change: t.baseline.change };
  return out;
}

function orderedFailure(f: TraceFailure): Json {
  const out: Record<string, Json> = { step: f.step, line: f.line, message: f.message };
  if (f.invariant !== undefined) out["invariant"] = f.invariant;
  return out;
}
