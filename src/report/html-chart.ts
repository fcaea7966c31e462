// The message-sequence chart of a failed trace, as inline SVG: one vertical lane per node, one row
// per event, each message an arrow from the row that sent it to the row that delivered (or dropped)
// it. Crashes, restarts and drops are marked on the lanes and the failing step is a highlighted band.
// Drawn here rather than in the browser so the page needs no script to show it.
import type { Timeline, TimelineEvent } from "./types.js";
import { escapeAttr, escapeText } from "./xml.js";

/** Rows drawn at most; earlier events are summarised in a note above the chart. */
export const MAX_CHART_EVENTS = 400;

const ROW = 18;
const LANE_GAP = 150;
const LEFT = 230;
const TOP = 44;
const RIGHT = 230;

type Row =
  | { readonly kind: "step"; readonly index: number; readonly label: string; readonly failing: boolean }
  | { readonly kind: "event"; readonly event: TimelineEvent };

type MessageEvent = Extract<TimelineEvent, { msg: number }>;

/** `id` makes the chart's marker ids unique on a page with several charts. */
export function renderChart(t: Timeline, failingStep: number | null, id: string): string {
  const shown = t.events.slice(Math.max(0, t.events.length - MAX_CHART_EVENTS));
  const hidden = t.omitted + (t.events.length - shown.length);
  const rows = layoutRows(t, shown, failingStep);
  const lanes = lanesOf(t, shown);
  const laneX = new Map(lanes.map((n, i) => [n, LEFT + i * LANE_GAP] as const));
  const xOf = (node: number): number => laneX.get(node) ?? LEFT;
  const yOf = (row: number): number => TOP + row * ROW + ROW / 2;
  const width = LEFT + Math.max(0, lanes.length - 1) * LANE_GAP + RIGHT;
  const height = TOP + rows.length * ROW + 12;

  const out: string[] = [];
  out.push(
    `<svg class="msc" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="message-sequence chart">`,
    `<defs><marker id="${id}-head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="head"/></marker></defs>`,
  );
  out.push(...failingBand(rows, yOf, width));
  out.push(...laneLines(lanes, rows, xOf, yOf, height));
  out.push(...stepLabels(rows, yOf));

  const sentAt = new Map<number, { x: number; y: number }>();
  rows.forEach((r, i) => {
    if (r.kind !== "event") return;
    const e = r.event;
    const y = yOf(i);
    switch (e.kind) {
      case "send":
        sentAt.set(e.msg, { x: xOf(e.from), y });
        out.push(sendMark(e, xOf(e.from), xOf(e.to), y));
        break;
      case "deliver":
      case "drop":
        out.push(...arrival(e, sentAt.get(e.msg), xOf(e.from), xOf(e.to), y, id));
        break;
      case "crash":
        out.push(
          `<g class="crash" data-node="${e.node}" data-step="${e.step}"><path d="M${xOf(e.node) - 6},${y - 6} L${xOf(e.node) + 6},${y + 6} M${xOf(e.node) + 6},${y - 6} L${xOf(e.node) - 6},${y + 6}"/>` +
            `<text x="${xOf(e.node) + 10}" y="${y + 4}">crash ${e.node}</text></g>`,
        );
        break;
      case "restart":
        out.push(
          `<g class="restart" data-node="${e.node}" data-step="${e.step}"><circle cx="${xOf(e.node)}" cy="${y}" r="5"/>` +
            `<text x="${xOf(e.node) + 10}" y="${y + 4}">restart ${e.node}</text></g>`,
        );
        break;
    }
  });
  out.push("</svg>");
  const note = hidden > 0 ? `<p class="note">${hidden} earlier events are not shown.</p>` : "";
  return `${note}<div class="chart">${out.join("\n")}</div>`;
}

function lanesOf(t: Timeline, events: readonly TimelineEvent[]): number[] {
  const ids = new Set(t.nodes);
  for (const e of events) {
    if ("node" in e) ids.add(e.node);
    else {
      ids.add(e.from);
      ids.add(e.to);
    }
  }
  return [...ids].sort((a, b) => a - b);
}

/** A header row for every step that did something on the chart, and always for the failing one. */
function layoutRows(t: Timeline, events: readonly TimelineEvent[], failingStep: number | null): Row[] {
  const byStep = new Map<number, TimelineEvent[]>();
  for (const e of events) byStep.set(e.step, [...(byStep.get(e.step) ?? []), e]);
  const first = events[0]?.step ?? failingStep ?? 0;
  const rows: Row[] = [];
  for (const s of t.steps) {
    if (s.index < first) continue;
    const mine = byStep.get(s.index) ?? [];
    const failing = s.index === failingStep;
    if (mine.length === 0 && !failing) continue;
    rows.push({ kind: "step", index: s.index, label: `step ${s.index}: ${s.kind} (line ${s.line})`, failing });
    for (const e of mine) rows.push({ kind: "event", event: e });
  }
  return rows;
}

function failingBand(rows: readonly Row[], yOf: (row: number) => number, width: number): string[] {
  const start = rows.findIndex((r) => r.kind === "step" && r.failing);
  if (start < 0) return [];
  let end = start + 1;
  while (end < rows.length && rows[end]?.kind === "event") end++;
  const y = yOf(start) - ROW / 2;
  const index = (rows[start] as Extract<Row, { kind: "step" }>).index;
  return [
    `<rect class="failing-step" data-step="${index}" x="0" y="${y}" width="${width}" height="${(end - start) * ROW}"/>`,
    `<text class="failing-note" x="${width - 8}" y="${yOf(start) + 4}" text-anchor="end">✗ the trace failed at this step</text>`,
  ];
}

/** Lane lines, dashed while the node is down. */
function laneLines(lanes: readonly number[], rows: readonly Row[], xOf: (n: number) => number, yOf: (r: number) => number, height: number): string[] {
  const out: string[] = [];
  for (const node of lanes) {
    const x = xOf(node);
    out.push(`<g class="lane" data-node="${node}">`, `<text class="lane-label" x="${x}" y="${TOP - 18}">node ${node}</text>`);
    let from = TOP - 10;
    let down = false;
    rows.forEach((r, i) => {
      if (r.kind !== "event" || (r.event.kind !== "crash" && r.event.kind !== "restart") || r.event.node !== node) return;
      const y = yOf(i);
      out.push(`<line class="${down ? "lane-line down" : "lane-line"}" x1="${x}" y1="${from}" x2="${x}" y2="${y}"/>`);
      from = y;
      down = r.event.kind === "crash";
    });
    out.push(`<line class="${down ? "lane-line down" : "lane-line"}" x1="${x}" y1="${from}" x2="${x}" y2="${height - 6}"/>`, "</g>");
  }
  return out;
}

function stepLabels(rows: readonly Row[], yOf: (r: number) => number): string[] {
  return rows.flatMap((r, i) =>
    r.kind === "step"
      ? [`<text class="${r.failing ? "step-label failing" : "step-label"}" data-step="${r.index}" x="8" y="${yOf(i) + 4}">${escapeText(r.label)}</text>`]
      : [],
  );
}

function label(e: MessageEvent): string {
  return `${e.type} t${e.term} → ${e.to}`;
}

function sendMark(e: MessageEvent, x: number, toX: number, y: number): string {
  // The label goes on the side away from the recipient so the arrow does not run through it.
  const right = toX < x;
  const tx = right ? x + 8 : x - 8;
  return (
    `<g class="send" data-msg="${e.msg}" data-step="${e.step}"><circle cx="${x}" cy="${y}" r="3"/>` +
    `<text x="${tx}" y="${y + 4}" text-anchor="${right ? "start" : "end"}">${escapeText(label(e))}</text></g>`
  );
}

function arrival(e: MessageEvent, from: { x: number; y: number } | undefined, fromX: number, toX: number, y: number, id: string): string[] {
  // A message whose send is older than the chart starts one row above its arrival.
  const start = from ?? { x: fromX, y: y - ROW };
  const title = `<title>${escapeText(`${e.type} ${e.from}→${e.to} term ${e.term}${e.detail !== undefined ? ` (${e.detail})` : ""}`)}</title>`;
  if (e.kind === "deliver") {
    const cls = e.detail !== undefined ? "arrow rejected" : "arrow";
    const note = e.detail !== undefined ? `<text class="arrow-note" x="${toX + 8}" y="${y + 4}">${escapeText(e.detail)}</text>` : "";
    return [
      `<g class="${cls}" data-msg="${e.msg}" data-step="${e.step}" data-from="${e.from}" data-to="${e.to}" data-type="${escapeAttr(e.type)}">${title}` +
        `<line x1="${start.x}" y1="${start.y}" x2="${toX}" y2="${y}" marker-end="url(#${id}-head)"/>${note}</g>`,
    ];
  }
  // A dropped message stops short of its recipient at a cross.
  const stopX = toX + (start.x < toX ? -14 : start.x > toX ? 14 : 0);
  return [
    `<g class="arrow dropped" data-msg="${e.msg}" data-step="${e.step}" data-from="${e.from}" data-to="${e.to}" data-type="${escapeAttr(e.type)}">${title}` +
      `<line x1="${start.x}" y1="${start.y}" x2="${stopX}" y2="${y}"/>` +
      `<path class="drop-mark" d="M${stopX - 5},${y - 5} L${stopX + 5},${y + 5} M${stopX + 5},${y - 5} L${stopX - 5},${y + 5}"/>` +
      `<text class="arrow-note" x="${toX + 8}" y="${y + 4}">dropped: ${escapeText(e.detail ?? "")}</text></g>`,
  ];
}
