// Exact expectations as YAML text, in the style of the ported traces: block style for the event
// list and the long lists inside events (messages, entries…), flow style for anything that fits
// on a line (a message, an entry, a hard state, a short event).
import { Document, isMap, isScalar, isSeq, type Node } from "yaml";
import { canonical } from "./expect.js";
import type { Yaml } from "./types.js";

/** Longest JSON rendering that is still written on one line. */
const FLOW_LIMIT = 110;
/** Lists whose items go one per line whenever the list does not fit on one. */
const BLOCK_LISTS = new Set(["messages", "responses", "entries", "committed_entries", "raft-state"]);

/**
 * The value of an `expect:` key for these events, to follow "expect:" at the given indentation:
 * " []" for no events, else a newline and the block list indented by `indent` spaces.
 */
export function renderExpectValue(events: readonly Yaml[], indent: number): string {
  if (events.length === 0) return " []";
  const doc = new Document(events.map((e) => canonical(e)));
  const root = doc.contents as Node;
  if (isSeq(root)) {
    root.flow = false;
    // Each event is a one-key map ({ready: …}) kept in block style; its value may be flow.
    for (const item of root.items) {
      if (!isMap(item)) continue;
      item.flow = false;
      for (const p of item.items) mark(p.value as Node | null, isScalar(p.key) ? String(p.key.value) : "");
    }
  }
  const text = doc.toString({ lineWidth: 0, flowCollectionPadding: false }).trimEnd();
  const pad = " ".repeat(indent);
  return `\n${text.split("\n").map((l) => (l === "" ? l : pad + l)).join("\n")}`;
}

function fits(node: Node): boolean {
  return JSON.stringify(node.toJSON()).length <= FLOW_LIMIT;
}

function mark(node: Node | null, key: string): void {
  if (isMap(node)) {
    node.flow = node.items.length === 0 || fits(node);
    if (node.flow) return;
    for (const p of node.items) mark(p.value as Node | null, isScalar(p.key) ? String(p.key.value) : "");
  } else if (isSeq(node)) {
    node.flow = node.items.length === 0 || (!BLOCK_LISTS.has(key) && fits(node));
    if (node.flow) return;
    for (const item of node.items) mark(item as Node, "");
  }
}
