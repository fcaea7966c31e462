// A trace as YAML text for review: block style for the structure (steps, expect lists, long
// messages), flow style for anything that fits on a line (messages, entries, states, arguments).
import { Document, isMap, isScalar, isSeq, Scalar, type Node } from "yaml";
import type { YMap } from "./describe.js";

const FLOW_LIMIT = 110;
/** Lists whose items stay in block style, one per line. */
const BLOCK_LISTS = new Set(["steps", "expect", "messages", "responses", "entries", "committed_entries", "raft-state"]);

function mark(node: Node | null, key: string, depth: number): void {
  if (isMap(node)) {
    const fits = node.items.length === 0 || (depth > 1 && JSON.stringify(node.toJSON()).length <= FLOW_LIMIT && !BLOCK_LISTS.has(key) && key !== "steps-item" && key !== "expect-item");
    node.flow = fits;
    if (fits) return;
    for (const p of node.items) mark(p.value as Node | null, isScalar(p.key) ? String(p.key.value) : "", depth + 1);
  } else if (isSeq(node)) {
    const fits = node.items.length === 0 || (JSON.stringify(node.toJSON()).length <= FLOW_LIMIT && !BLOCK_LISTS.has(key));
    node.flow = fits;
    if (fits) return;
    for (const item of node.items) mark(item as Node, key === "steps" || key === "expect" ? `${key}-item` : "", depth + 1);
  }
}

export function traceToYaml(trace: YMap, header: string): string {
  const doc = new Document(trace);
  mark(doc.contents as Node, "", 0);
  for (const k of ["description", "notes"]) {
    const s = isMap(doc.contents) ? doc.contents.get(k, true) : undefined;
    if (s instanceof Scalar && typeof s.value === "string" && s.value.includes("\n")) s.type = Scalar.BLOCK_LITERAL;
  }
  doc.commentBefore = header;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** Wraps prose at about `width` columns. */
export function wrap(text: string, width = 100): string {
  const words = text.trim().split(/\s+/);
  const lines: string[] = [];
  let cur = "";
  for (const w of words) {
    if (cur !== "" && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur === "" ? w : `${cur} ${w}`;
  }
  if (cur !== "") lines.push(cur);
  return lines.join("\n") + "\n";
}
