// The HTML report as text: self-contained, pinned by its CSP, deterministic; the chart's timeline
// stays out of the JSON report.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, toHtmlReport } from "../../src/report/html.js";
import { renderChart } from "../../src/report/html-chart.js";
import { toJsonReport } from "../../src/report/json.js";
import type { Timeline, TraceResult } from "../../src/report/types.js";
import { input } from "../report/fixtures.js";

const timeline: Timeline = {
  nodes: [1, 2],
  steps: [
    { index: 0, kind: "add-nodes", line: 5 },
    { index: 1, kind: "campaign", line: 6 },
    { index: 2, kind: "stabilize", line: 7 },
  ],
  events: [
    { kind: "send", step: 1, msg: 1, from: 1, to: 2, type: "MsgVote", term: 1 },
    { kind: "drop", step: 2, msg: 1, from: 1, to: 2, type: "MsgVote", term: 1, detail: "link cut" },
    { kind: "crash", step: 2, node: 2 },
  ],
  omitted: 0,
};

const failedWithChart: TraceResult = {
  id: "core/x/<chart>",
  file: "traces/core/x/chart.yaml",
  status: "failed",
  features: [],
  level: "exact",
  durationMs: 3,
  failure: { step: 2, line: 7, message: "step 2 (stabilize, line 7): output events differ (- expected, + actual):\n- a: 1\n+ a: 2" },
  timeline,
};

const run = { ...input, results: [...input.results, failedWithChart] };

describe("HTML report", () => {
  const html = toHtmlReport(run);

  it("loads nothing from anywhere: no external references of any kind", () => {
    expect(html).not.toMatch(/\b(src|href)="(?!#)/);
    expect(html).not.toMatch(/<link\b|@import|url\((?!#)/);
    // The only URL is the SVG namespace, which is a name, not a request.
    expect([...html.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0])).toEqual(["http://www.w3.org/2000/svg"]);
  });

  it("allows exactly its inline style and script, by hash, and nothing else", () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? "";
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
    const hash = (s: string): string => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
    expect(contentSecurityPolicy()).toBe(
      `default-src 'none'; style-src ${hash(style)}; script-src ${hash(script)}; img-src 'none'; base-uri 'none'; form-action 'none'`,
    );
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy().replace(/'/g, "&apos;")}">`);
    expect(html.match(/<script\b/g)).toHaveLength(1);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/\son[a-z]+="/);
  });

  it("is the same bytes for the same results, in whatever order they finished", () => {
    expect(toHtmlReport({ ...run, results: [...run.results].reverse() })).toBe(html);
  });

  it("escapes ids and messages", () => {
    expect(html).toContain("core/x/&lt;chart&gt;");
    expect(html).not.toContain("<chart>");
  });

  it("draws a chart for the failed trace that has a timeline, and says why others have none", () => {
    expect(html.match(/<svg class="msc"/g)).toHaveLength(1);
    expect(html).toContain("No message-sequence chart: the trace did not fail at a step.");
  });
});

describe("message-sequence chart", () => {
  const svg = renderChart(timeline, 2, "c");

  it("draws one lane per node, the drop as a cross short of its recipient, the crash, the failing band", () => {
    expect(svg.match(/<g class="lane" data-node="\d+">/g)).toEqual(['<g class="lane" data-node="1">', '<g class="lane" data-node="2">']);
    expect(svg).toContain('<g class="arrow dropped" data-msg="1" data-step="2" data-from="1" data-to="2" data-type="MsgVote">');
    expect(svg).toContain("dropped: link cut");
    expect(svg).toContain('<g class="crash" data-node="2" data-step="2">');
    expect(svg).toContain('<rect class="failing-step" data-step="2"');
    // Lane 2 is dashed after the crash.
    expect(svg).toMatch(/<g class="lane" data-node="2">[\s\S]*?class="lane-line down"/);
  });

  it("says how many older events it leaves out", () => {
    expect(renderChart({ ...timeline, omitted: 7 }, 2, "c")).toContain("7 earlier events are not shown.");
  });
});

describe("JSON report", () => {
  it("leaves the timeline out (spec/report.schema.json does not carry it)", () => {
    const json = toJsonReport(run, { timings: false });
    expect(json).not.toContain("timeline");
    expect(json).not.toContain("MsgVote");
  });
});
