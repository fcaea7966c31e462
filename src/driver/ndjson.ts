// NDJSON framing: split a byte stream into lines without ever holding more than one bounded line.

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** What a splitter reports: a complete line (without its "\n" or a trailing "\r"), or an overflow. */
export type LineEvent =
  | { readonly kind: "line"; readonly text: string }
  | { readonly kind: "overflow"; readonly head: string; readonly bytes: number };

/**
 * Accumulates chunks and emits complete lines. A line longer than `maxLineBytes` is reported once
 * as an overflow carrying its first bytes; the splitter then stops (the stream is unusable, since
 * the peer is no longer in step with us).
 */
export class LineSplitter {
  private chunks: Buffer[] = [];
  private pending = 0;
  private overflowed = false;

  constructor(private readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {}

  push(chunk: Buffer): LineEvent[] {
    if (this.overflowed) return [];
    const events: LineEvent[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      if (this.pending + (end - start) > this.maxLineBytes) {
        this.overflowed = true;
        const head = Buffer.concat([...this.chunks, chunk.subarray(start, Math.min(end, start + 256))]);
        events.push({ kind: "overflow", head: head.subarray(0, 256).toString("utf8"), bytes: this.pending + (end - start) });
        this.chunks = [];
        this.pending = 0;
        return events;
      }
      if (nl === -1) {
        if (end > start) {
          this.chunks.push(chunk.subarray(start));
          this.pending += end - start;
        }
        return events;
      }
      const line = this.chunks.length === 0 ? chunk.subarray(start, nl) : Buffer.concat([...this.chunks, chunk.subarray(start, nl)]);
      this.chunks = [];
      this.pending = 0;
      let text = line.toString("utf8");
      if (text.endsWith("\r")) text = text.slice(0, -1);
      events.push({ kind: "line", text });
      start = nl + 1;
    }
  }

  /** Bytes received after the last newline (a line the peer never finished). */
  rest(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

/** The start of a line, for error messages: at most `max` characters, JSON-quoted. */
export function quoteStart(text: string, max = 200): string {
  return text.length <= max ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, max))}… (${text.length} characters)`;
}
