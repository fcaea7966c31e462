// The HTML report (`run --html FILE`): one self-contained page with the run's summary, a table of
// every trace with status and text filters, and for each failed trace its failure message (the
// expected/actual diff coloured) and a message-sequence chart of what led to it. Nothing is
// fetched: styles and the filter script are inline and pinned by hash in a strict
// Content-Security-Policy (default-src 'none'), so the page makes no request of any kind.
// Deterministic like the other reports: same results, same bytes.
import { createHash } from "node:crypto";
import { HTML_SCRIPT, HTML_STYLE } from "./html-assets.js";
import { renderChart } from "./html-chart.js";
import { buildReport, summaryLine, type ReportInput } from "./summary.js";
import type { RunReport, TraceResult, TraceStatus } from "./types.js";
import { escapeAttr, escapeText } from "./xml.js";

const STATUSES: readonly TraceStatus[] = ["failed", "errored", "skipped", "passed"];

export function toHtmlReport(input: ReportInput): string {
  return renderHtml(buildReport(input));
}

/** The policy the page runs under: only its own style element and script, by hash. */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    `style-src '${sha256(HTML_STYLE)}'`,
    `script-src '${sha256(HTML_SCRIPT)}'`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

export function renderHtml(report: RunReport): string {
  const s = report.summary;
  const d = report.driver.implementation;
  const failures = report.traces.filter((t) => t.status === "failed" || (t.status === "errored" && t.failure !== undefined));
  const title = `${report.tool.name}: ${summaryLine(s)}`;
  // Anchors are by position among the failures, so odd characters in ids cannot break them.
  const anchors = new Map(failures.map((t, i) => [t, `failure-${i + 1}`] as const));
  return [
    "<!DOCTYPE html>",
    `<html lang="en">`,
    "<head>",
    `<meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy())}">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${escapeText(title)}</title>`,
    `<style>${HTML_STYLE}</style>`,
    "</head>",
    "<body>",
    `<h1>${escapeText(report.tool.name)} report</h1>`,
    `<p class="meta">seed ${report.seed} · level ${escapeText(report.level)} · driver ${escapeText(`${d.name} ${d.version}`)} (${escapeText(d.language)}, message model ${escapeText(report.driver.messageModel)}) · ${escapeText(`${report.tool.name} ${report.tool.version}`)}</p>`,
    `<div class="counts" id="summary">`,
    `<span class="count total">${s.total} traces</span>`,
    ...STATUSES.map((st) => `<span class="count ${st}" data-count="${st}">${s[st]} ${st}</span>`),
    "</div>",
    filters(report),
    `<h2>Traces (<span id="shown">${report.traces.length}</span> shown)</h2>`,
    traceTable(report.traces, anchors),
    failures.length > 0 ? `<h2>Failures</h2>` : "",
    ...failures.map((t, i) => failureSection(t, i, anchors.get(t) ?? "")),
    `<script>${HTML_SCRIPT}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function filters(report: RunReport): string {
  const boxes = STATUSES.map(
    (st) => `<label><input type="checkbox" name="status" value="${st}" checked> ${st} (${report.summary[st]})</label>`,
  );
  return [
    `<form class="filters" id="filters" role="search">`,
    ...boxes,
    `<input type="search" id="filter-text" placeholder="filter by id, file, message…" aria-label="filter text">`,
    "</form>",
  ].join("\n");
}

function traceTable(traces: readonly TraceResult[], anchors: ReadonlyMap<TraceResult, string>): string {
  const rows = traces.map((t) => {
    const why = t.failure !== undefined ? headline(t) : (t.reason ?? "");
    const link = anchors.get(t);
    const id = link !== undefined ? `<a href="#${link}">${escapeText(t.id)}</a>` : escapeText(t.id);
    return (
      `<tr data-status="${t.status}" data-search="${escapeAttr(searchText(t))}">` +
      `<td class="status ${t.status}">${t.status}</td><td class="id">${id}</td>` +
      `<td>${escapeText(t.level ?? "")}</td><td class="why">${escapeText(firstLine(why))}</td></tr>`
    );
  });
  return [`<table id="traces">`, "<thead><tr><th>status</th><th>trace</th><th>level</th><th>reason</th></tr></thead>", "<tbody>", ...rows, "</tbody>", "</table>"].join("\n");
}

function failureSection(t: TraceResult, i: number, anchor: string): string {
  const f = t.failure;
  const where = [t.file + (f?.line != null ? `:${f.line}` : ""), f?.step != null ? `step ${f.step}` : "", f?.invariant !== undefined ? `invariant ${f.invariant}` : "", t.level !== undefined ? `level ${t.level}` : ""]
    .filter((x) => x !== "")
    .join(" · ");
  const message = f?.message ?? t.reason ?? "";
  const chart = t.timeline !== undefined ? renderChart(t.timeline, f?.step ?? null, `msc${i + 1}`) : `<p class="note">No message-sequence chart: the trace did not fail at a step.</p>`;
  return [
    `<section class="failure ${t.status}" id="${anchor}" data-status="${t.status}" data-search="${escapeAttr(searchText(t))}">`,
    `<h3>${escapeText(t.id)}</h3>`,
    `<p class="where">${escapeText(where)}</p>`,
    `<pre class="message">${diffLines(message)}</pre>`,
    chart,
    "</section>",
  ].join("\n");
}

/** The runner's "- expected / + actual" diff lines, coloured; other lines as they are. */
function diffLines(message: string): string {
  return message
    .split("\n")
    .map((l) => {
      const text = escapeText(l);
      if (l.startsWith("- ")) return `<span class="del">${text}</span>`;
      if (l.startsWith("+ ")) return `<span class="add">${text}</span>`;
      return `${text}\n`;
    })
    .join("");
}

function searchText(t: TraceResult): string {
  return [t.id, t.file, t.status, t.reason ?? "", t.failure?.message ?? "", t.failure?.invariant ?? ""].join(" ").toLowerCase();
}

/** The runner's messages already name the step (and the invariant), so the first line says it all. */
function headline(t: TraceResult): string {
  return t.failure !== undefined ? firstLine(t.failure.message) : (t.reason ?? "");
}

function firstLine(s: string): string {
  const nl = s.indexOf("\n");
  return nl < 0 ? s : s.slice(0, nl);
}

function sha256(text: string): string {
  return `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;
}
