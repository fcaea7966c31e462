// The HTML report's stylesheet and its one script, inlined into the page (it must work offline
// and from a CI artifact store). The page's Content-Security-Policy allows exactly these two by
// their SHA-256 hashes, so nothing else can run or load.

export const HTML_STYLE = `
:root { color-scheme: light; --pass: #1a7f37; --fail: #cf222e; --skip: #9a6700; --err: #8250df; --line: #d0d7de; }
[hidden] { display: none !important; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1280px; padding: 16px 24px 48px; color: #1f2328; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 6px; font-family: ui-monospace, monospace; }
.meta { color: #59636e; margin: 0 0 12px; }
.counts { display: flex; gap: 10px; flex-wrap: wrap; margin: 8px 0 16px; }
.count { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; font-weight: 600; }
.count.passed { color: var(--pass); } .count.failed { color: var(--fail); }
.count.skipped { color: var(--skip); } .count.errored { color: var(--err); }
.filters { display: flex; gap: 14px; align-items: center; flex-wrap: wrap; background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; position: sticky; top: 0; z-index: 1; }
.filters input[type=search] { flex: 1; min-width: 200px; padding: 4px 8px; font: inherit; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.id { font-family: ui-monospace, monospace; font-size: 13px; }
td.why { color: #59636e; max-width: 520px; overflow-wrap: anywhere; }
.status { font-weight: 600; }
.status.passed { color: var(--pass); } .status.failed { color: var(--fail); }
.status.skipped { color: var(--skip); } .status.errored { color: var(--err); }
section.failure { border: 1px solid var(--line); border-left: 4px solid var(--fail); border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
section.failure.errored { border-left-color: var(--err); }
.where { color: #59636e; margin: 0 0 8px; }
pre.message { background: #f6f8fa; border-radius: 6px; padding: 8px 12px; overflow-x: auto; font-size: 12.5px; margin: 8px 0; }
pre.message .del { background: #ffebe9; color: #82071e; display: block; }
pre.message .add { background: #dafbe1; color: #116329; display: block; }
.chart { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; margin-top: 8px; }
.note { color: #59636e; font-style: italic; }
svg.msc { font: 11.5px ui-monospace, monospace; display: block; }
svg.msc .lane-label { font-weight: 700; text-anchor: middle; font-size: 13px; fill: #1f2328; }
svg.msc .lane-line { stroke: #8c959f; stroke-width: 1.5; }
svg.msc .lane-line.down { stroke: #cf222e; stroke-dasharray: 4 4; }
svg.msc .step-label { fill: #59636e; }
svg.msc .step-label.failing { fill: #cf222e; font-weight: 700; }
svg.msc .failing-step { fill: #ffebe9; stroke: #cf222e; stroke-width: 1; }
svg.msc .failing-note { fill: #cf222e; font-weight: 700; }
svg.msc .send circle { fill: #0969da; }
svg.msc .send text { fill: #0969da; }
svg.msc .arrow line { stroke: #0969da; stroke-width: 1.3; }
svg.msc .head { fill: #0969da; }
svg.msc .arrow.rejected line { stroke: #9a6700; }
svg.msc .arrow.dropped line { stroke: #cf222e; stroke-dasharray: 3 3; }
svg.msc .drop-mark, svg.msc .crash path { stroke: #cf222e; stroke-width: 2.5; fill: none; }
svg.msc .arrow-note, svg.msc .crash text { fill: #cf222e; }
svg.msc .restart circle { fill: #dafbe1; stroke: #1a7f37; stroke-width: 2; }
svg.msc .restart text { fill: #1a7f37; }
`;

/** Status checkboxes and free text filter the trace table and the failure sections together. */
export const HTML_SCRIPT = `
(() => {
  const boxes = [...document.querySelectorAll("input[name=status]")];
  const text = document.getElementById("filter-text");
  const shown = document.getElementById("shown");
  const items = [...document.querySelectorAll("[data-status]")];
  const apply = () => {
    const on = new Set(boxes.filter((b) => b.checked).map((b) => b.value));
    const words = text.value.toLowerCase().split(/\\s+/).filter((w) => w !== "");
    let rows = 0;
    for (const el of items) {
      const hay = el.dataset.search || "";
      const ok = on.has(el.dataset.status) && words.every((w) => hay.includes(w));
      el.hidden = !ok;
      if (ok && el.tagName === "TR") rows++;
    }
    shown.textContent = String(rows);
  };
  for (const b of boxes) b.addEventListener("change", apply);
  text.addEventListener("input", apply);
  apply();
  document.documentElement.dataset.filters = "ready";
})();
`;
