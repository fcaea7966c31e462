// Parsing a trace file with positions: every JSON pointer can be mapped back to file:line:column.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from "yaml";
import type { TraceError } from "./errors.js";
import { textProblem } from "./text-guard.js";
import type { Loc, Yaml } from "./types.js";

/** Traces are small; anything larger is a mistake or an attack on the loader. */
export const MAX_TRACE_BYTES = 4 * 1024 * 1024;
/** Aliases are legal YAML but a billion-laughs vector; a trace needs few if any. */
export const MAX_ALIAS_COUNT = 100;

export interface ParsedYaml {
  readonly file: string;
  readonly value: Yaml;
  /** Location of the value (or, with `key`, of the map key) at a JSON-pointer path. */
  locate(path: readonly (string | number)[], key?: boolean): Loc;
}

export function parseYaml(file: string, text: string): { ok: true; doc: ParsedYaml } | { ok: false; errors: TraceError[] } {
  const lc = new LineCounter();
  const at = (offset: number): Loc => {
    const p = lc.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  if (Buffer.byteLength(text, "utf8") > MAX_TRACE_BYTES) {
    return { ok: false, errors: [tooLarge(file)] };
  }
  const guard = textProblem(file, text);
  if (guard !== undefined) return { ok: false, errors: [guard] };
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs)) {
    return { ok: false, errors: [{ file, line: 1, column: 1, message: "empty file: a trace is one YAML document" }] };
  }
  const errors: TraceError[] = [];
  for (const d of docs) {
    for (const e of [...d.errors, ...d.warnings]) {
      const loc = at(e.pos[0]);
      errors.push({ ...loc, message: `YAML: ${firstLine(e.message)}` });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  if (docs.length === 0 || (docs.length === 1 && docs[0]?.contents == null)) {
    return { ok: false, errors: [{ file, line: 1, column: 1, message: EMPTY }] };
  }
  if (docs.length !== 1) {
    const second = docs[1];
    const off = second?.contents?.range?.[0] ?? 0;
    return { ok: false, errors: [{ ...at(off), message: "a trace file holds exactly one YAML document" }] };
  }
  const doc = docs[0] as Document.Parsed;
  const cycle = aliasCycle(doc);
  if (cycle !== undefined) {
    return { ok: false, errors: [{ ...at(cycle.offset), message: `YAML: alias *${cycle.name} refers to a node that contains it (a cycle); write the value out instead` }] };
  }
  let value: Yaml;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Yaml;
  } catch (e) {
    const text = firstLine(e instanceof Error ? e.message : String(e));
    const message = /alias/i.test(text)
      ? `YAML: aliases would expand to more than ${MAX_ALIAS_COUNT} copies (a "billion laughs" file?); write the values out instead of aliasing them`
      : `YAML: ${text}`;
    return { ok: false, errors: [{ file, line: 1, column: 1, message }] };
  }
  const root = doc.contents;
  const locate = (path: readonly (string | number)[], key = false): Loc => at(offsetOf(root, path, key));
  return { ok: true, doc: { file, value, locate } };
}

/**
 * Offset in the source of the node at a JSON-pointer path (or, with `key`, of its map key); the
 * deepest existing ancestor when the path goes further than the document.
 */
export function offsetOf(root: unknown, path: readonly (string | number)[], key = false): number {
  let node: unknown = root;
  let keyNode: unknown;
  for (const seg of path) {
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value ?? pair.key;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) break;
      node = item;
    } else {
      break;
    }
  }
  const target = (key && keyNode !== undefined ? keyNode : node) as Node | null | undefined;
  return target?.range?.[0] ?? 0;
}

const EMPTY = "empty file: a trace is one YAML document with id, description, features and steps (see spec/trace-format.md)";

export function tooLarge(file: string): TraceError {
  return { file, line: 1, column: 1, message: `file is larger than ${MAX_TRACE_BYTES} bytes: traces are small scenarios; split it, or check that this is the right file` };
}

/**
 * An alias inside the node it names (`&a [*a]`) builds a value that contains itself; every later
 * walk (schema, matching, reports) would go round forever, so it is refused here.
 */
function aliasCycle(doc: Document.Parsed): { name: string; offset: number } | undefined {
  let found: { name: string; offset: number } | undefined;
  visit(doc, {
    Alias(_, alias) {
      const target = alias.resolve(doc);
      const [start, end] = [target?.range?.[0], target?.range?.[1]];
      const here = alias.range?.[0];
      if (start !== undefined && end !== undefined && here !== undefined && here >= start && here < end) {
        found = { name: alias.source, offset: here };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function firstLine(s: string): string {
  return (s.split("\n")[0] ?? s).trim();
}
