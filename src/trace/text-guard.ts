// Cheap checks before the YAML parser sees a file: things that are not text at all, and nesting
// deep enough to exhaust the parser's stack. Each names the line and says what to do.
import type { TraceError } from "./errors.js";

/** Flow collections (`[`/`{`) nested deeper than this are refused; real traces nest a few levels. */
export const MAX_FLOW_DEPTH = 64;
/** Block nesting is indentation; a line indented further than this is refused. */
export const MAX_INDENT = 256;

const NOT_A_TRACE = "this does not look like a YAML trace; check that the path names the right file";

/** The bytes of a file: a NUL byte or invalid UTF-8 means it is not a text file. */
export function binaryProblem(file: string, bytes: Uint8Array): TraceError | undefined {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { ...at(file, bytes, nul), message: `binary file (NUL byte at offset ${nul}): ${NOT_A_TRACE}` };
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) return { ...at(file, bytes, bad), message: `not valid UTF-8 (offset ${bad}): traces are UTF-8 text; re-save the file as UTF-8` };
  return undefined;
}

/** Text-level limits checked before parsing (the parser recurses once per nesting level). */
export function textProblem(file: string, text: string): TraceError | undefined {
  if (text.includes("\u0000")) {
    const i = text.indexOf("\u0000");
    return { file, ...lineCol(text, i), message: `binary file (NUL character at offset ${i}): ${NOT_A_TRACE}` };
  }
  let depth = 0;
  let quote: string | undefined;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      lineStart = true;
      indent = 0;
      continue; // quoted scalars and flow collections may span lines
    }
    if (lineStart) {
      if (c === " ") {
        if (++indent > MAX_INDENT) return { file, ...lineCol(text, i), message: `nesting too deep (indented more than ${MAX_INDENT} columns): flatten the structure` };
        continue;
      }
      lineStart = false;
    }
    if (quote !== undefined) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "#" && (i === 0 || /\s/.test(text[i - 1] ?? ""))) {
      const nl = text.indexOf("\n", i);
      i = (nl < 0 ? text.length : nl) - 1;
    } else if ((c === "'" || c === '"') && (i === 0 || /[\s[{,:]/.test(text[i - 1] ?? ""))) {
      // A quote opens a quoted scalar only where one may start (not the apostrophe in "it's").
      quote = c;
    } else if (c === "[" || c === "{") {
      if (++depth > MAX_FLOW_DEPTH) return { file, ...lineCol(text, i), message: `nesting too deep (more than ${MAX_FLOW_DEPTH} levels of [ or {): flatten the structure` };
    } else if ((c === "]" || c === "}") && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}

function at(file: string, bytes: Uint8Array, offset: number): TraceError {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      last = i;
    }
  }
  return { file, line, column: offset - last, message: "" };
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] ?? 0;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
    }
    // Overlong three/four-byte forms, surrogates and code points above U+10FFFF.
    const d1 = b[i + 1] ?? 0;
    if ((c === 0xe0 && d1 < 0xa0) || (c === 0xed && d1 > 0x9f) || (c === 0xf0 && d1 < 0x90) || (c === 0xf4 && d1 > 0x8f)) return i;
    i += n + 1;
  }
  return -1;
}
