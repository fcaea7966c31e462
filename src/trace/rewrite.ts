// Refreshing a trace's exact expectations in place. The file is edited as text at the byte ranges
// the `yaml` Document API reports for each `expect:` pair, so comments, blank lines, key order and
// the formatting of everything else survive exactly; an `expect:` whose events already equal the
// actual ones (after canonicalisation, as the runner compares them) is left untouched.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from "yaml";
import { canonical, deepEqual } from "./expect.js";
import { renderExpectValue } from "./rewrite-render.js";
import type { Yaml } from "./types.js";

export interface RewriteOptions {
  /** Also add `expect:` to steps without one that produced output events. */
  readonly fill: boolean;
}

export interface RewriteResult {
  readonly text: string;
  /** 0-based indices of the steps whose `expect:` was replaced or added. */
  readonly changed: readonly number[];
  /** Steps that needed a change this cannot make (e.g. a step written as a flow map). */
  readonly problems: readonly string[];
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * `actual` maps a step index to the events the reference produced; steps absent from it did not
 * run and keep their expectations.
 */
export function rewriteExpectations(text: string, actual: ReadonlyMap<number, readonly Yaml[]>, opts: RewriteOptions): RewriteResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length > 0) throw new Error(`YAML: ${doc.errors[0]?.message ?? "parse error"}`);
  const steps = isMap(doc.contents) ? doc.contents.get("steps", true) : undefined;
  if (!isSeq(steps)) return { text, changed: [], problems: [] };
  // Resolved through the whole document, so aliases (`*a`) in expectations compare by value.
  const stepValues = ((doc.toJS({ maxAliasCount: -1 }) as { steps?: unknown } | null)?.steps ?? []) as readonly ({ expect?: Yaml } | null)[];
  const edits: Edit[] = [];
  const changed: number[] = [];
  const problems: string[] = [];
  steps.items.forEach((item, index) => {
    const events = actual.get(index);
    if (events === undefined || !isMap(item)) return;
    const pair = item.items.find((p): p is Pair<Node, Node> => isPair(p) && isScalar(p.key) && p.key.value === "expect");
    if (pair !== undefined) {
      const expected = stepValues[index]?.expect ?? [];
      if (Array.isArray(expected) && sameEvents(expected, events)) return;
      const edit = replaceExpect(text, pair, lc, events);
      if (edit === undefined) {
        problems.push(`step ${index}: cannot locate its expect: block`);
        return;
      }
      edits.push(edit);
      changed.push(index);
    } else if (opts.fill && events.length > 0) {
      const edit = insertExpect(text, item, lc, events);
      if (edit === undefined) {
        problems.push(`step ${index} (line ${lc.linePos(item.range?.[0] ?? 0).line}): written as a flow map; add an expect: key by hand to fill it`);
        return;
      }
      edits.push(edit);
      changed.push(index);
    }
  });
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { text: out, changed, problems };
}

export function sameEvents(expected: readonly Yaml[], actual: readonly Yaml[]): boolean {
  return deepEqual(expected.map((e) => canonical(e)), actual.map((e) => canonical(e)));
}

function column(lc: LineCounter, offset: number): number {
  return lc.linePos(offset).col - 1;
}

function replaceExpect(text: string, pair: Pair<Node, Node>, lc: LineCounter, events: readonly Yaml[]): Edit | undefined {
  const keyRange = pair.key.range;
  const valueRange = pair.value?.range;
  if (keyRange == null || valueRange == null) return undefined;
  let end = valueRange[1];
  // A block list's range includes its final newline; the text after it stays as it is.
  if (text[end - 1] === "\n") end--;
  const indent = column(lc, keyRange[0]) + 2;
  return { start: keyRange[0], end, text: `expect:${renderExpectValue(events, indent)}` };
}

function insertExpect(text: string, step: YAMLMap, lc: LineCounter, events: readonly Yaml[]): Edit | undefined {
  if (step.flow === true) return undefined;
  const first = step.items[0];
  const last = step.items.at(-1);
  const firstKey = first !== undefined && isScalar(first.key) ? first.key : undefined;
  const lastNode = (last?.value ?? last?.key) as Node | null | undefined;
  if (firstKey?.range == null || lastNode?.range == null) return undefined;
  // After the step's last line, including any comment at its end.
  let at = lastNode.range[1];
  if (text[at - 1] === "\n") at--;
  else {
    const nl = text.indexOf("\n", at);
    at = nl < 0 ? text.length : nl;
  }
  const col = column(lc, firstKey.range[0]);
  return { start: at, end: at, text: `\n${" ".repeat(col)}expect:${renderExpectValue(events, col + 2)}` };
}
