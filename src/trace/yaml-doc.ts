// Parsing a trace file with positions: every JSON pointer can be mapped back to file:line:column.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from "yaml";
import type { TraceError } from "./errors.js";
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
    return { ok: false, errors: [{ file, line: 1, column: 1, message: `file is larger than ${MAX_TRACE_BYTES} bytes` }] };
  }
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
  if (docs.length !== 1) {
    const second = docs[1];
    const off = second?.contents?.range?.[0] ?? 0;
    return { ok: false, errors: [{ ...at(off), message: "a trace file holds exactly one YAML document" }] };
  }
  const doc = docs[0] as Document.Parsed;
  let value: Yaml;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Yaml;
  } catch (e) {
    return { ok: false, errors: [{ file, line: 1, column: 1, message: `YAML: ${firstLine(e instanceof Error ? e.message : String(e))}` }] };
  }
  const root = doc.contents;
  const locate = (path: readonly (string | number)[], key = false): Loc => {
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
    const off = target?.range?.[0] ?? 0;
    return at(off);
  };
  return { ok: true, doc: { file, value, locate } };
}

function firstLine(s: string): string {
  return (s.split("\n")[0] ?? s).trim();
}
