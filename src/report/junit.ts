// JUnit XML: one <testsuite> with one <testcase> per trace, for CI systems that render test results.
// classname is the directory part of the trace id (etcd/interaction for etcd/interaction/campaign),
// name the full id. Same determinism rules as the JSON report: sorted by id, times only with timings.
import { buildReport, type ReportInput } from "./summary.js";
import type { RunReport, TraceFailure, TraceResult } from "./types.js";
import { escapeAttr, escapeText } from "./xml.js";

export interface JunitOptions {
  readonly timings: boolean;
}

export function toJunitReport(input: ReportInput, opts: JunitOptions): string {
  return serializeJunit(buildReport(input), opts);
}

export function serializeJunit(report: RunReport, opts: JunitOptions): string {
  const s = report.summary;
  const seconds = (ms: number): string => (opts.timings ? (ms / 1000).toFixed(3) : "0");
  const totalMs = report.traces.reduce((sum, t) => sum + t.durationMs, 0);
  const counts =
    `tests="${s.total}" failures="${s.failed}" errors="${s.errored}" skipped="${s.skipped}" ` +
    `time="${seconds(totalMs)}"`;
  const d = report.driver;
  const properties: [string, string][] = [
    ["seed", String(report.seed)],
    ["level", report.level],
    ["driver", `${d.implementation.name} ${d.implementation.version}`],
    ["driver.language", d.implementation.language],
    ["driver.messageModel", d.messageModel],
    ["tool", `${report.tool.name} ${report.tool.version}`],
  ];
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${escapeAttr(report.tool.name)}" ${counts}>`,
    `  <testsuite name="${escapeAttr(report.tool.name)}" ${counts}>`,
    `    <properties>`,
    ...properties.map(([k, v]) => `      <property name="${escapeAttr(k)}" value="${escapeAttr(v)}"/>`),
    `    </properties>`,
    ...report.traces.flatMap((t) => testcase(t, seconds(t.durationMs))),
    `  </testsuite>`,
    `</testsuites>`,
  ];
  return `${lines.join("\n")}\n`;
}

/** Directory part of a trace id; empty for an id without one. */
export function classnameOf(id: string): string {
  const slash = id.lastIndexOf("/");
  return slash < 0 ? "" : id.slice(0, slash);
}

function testcase(t: TraceResult, time: string): string[] {
  const open =
    `    <testcase classname="${escapeAttr(classnameOf(t.id))}" name="${escapeAttr(t.id)}" ` +
    `file="${escapeAttr(t.file)}" time="${time}"`;
  switch (t.status) {
    case "passed":
      return [`${open}/>`];
    case "skipped":
      return [`${open}>`, `      <skipped message="${escapeAttr(t.reason ?? "")}"/>`, `    </testcase>`];
    case "failed": {
      const f = t.failure;
      const type = f?.invariant !== undefined ? "invariant" : "expectation";
      const message = f !== undefined ? headline(f) : (t.reason ?? "failed");
      const body = f !== undefined ? details(f) : message;
      return [
        `${open}>`,
        `      <failure message="${escapeAttr(message)}" type="${type}">${escapeText(body)}</failure>`,
        `    </testcase>`,
      ];
    }
    case "errored": {
      const reason = t.reason ?? t.failure?.message ?? "errored";
      const body = t.failure !== undefined ? `${reason}\n\n${details(t.failure)}` : reason;
      return [
        `${open}>`,
        `      <error message="${escapeAttr(firstLine(reason))}" type="${escapeAttr(t.errorKind ?? "error")}">` +
          `${escapeText(body)}</error>`,
        `    </testcase>`,
      ];
    }
  }
}

/** "step 3, line 12: invariant X: first line of the message". */
function headline(f: TraceFailure): string {
  const where = location(f);
  const what = f.invariant !== undefined ? `invariant ${f.invariant}: ` : "";
  return `${where}${what}${firstLine(f.message)}`;
}

function details(f: TraceFailure): string {
  const lines = [];
  if (f.step !== null) lines.push(`step: ${f.step}`);
  if (f.line !== null) lines.push(`line: ${f.line}`);
  if (f.invariant !== undefined) lines.push(`invariant: ${f.invariant}`);
  lines.push("", f.message);
  return lines.join("\n");
}

function location(f: TraceFailure): string {
  const parts = [];
  if (f.step !== null) parts.push(`step ${f.step}`);
  if (f.line !== null) parts.push(`line ${f.line}`);
  return parts.length > 0 ? `${parts.join(", ")}: ` : "";
}

function firstLine(s: string): string {
  const nl = s.indexOf("\n");
  return nl < 0 ? s : s.slice(0, nl);
}
