// Line framing: lines may arrive split across chunks or several per chunk; a line longer than the
// limit is reported once, with its start.
import { describe, expect, it } from "vitest";
import { LineSplitter, quoteStart } from "../../src/driver/ndjson.js";

const b = (s: string): Buffer => Buffer.from(s, "utf8");

describe("LineSplitter", () => {
  it("joins a line split across chunks and splits several lines in one chunk", () => {
    const s = new LineSplitter(100);
    expect(s.push(b('{"id":1,'))).toEqual([]);
    expect(s.push(b('"ok":true}\n{"id":2}\n{"id"'))).toEqual([
      { kind: "line", text: '{"id":1,"ok":true}' },
      { kind: "line", text: '{"id":2}' },
    ]);
    expect(s.rest()).toBe('{"id"');
  });

  it("drops the carriage return of a CRLF line ending", () => {
    expect(new LineSplitter(100).push(b("{}\r\n"))).toEqual([{ kind: "line", text: "{}" }]);
  });

  it("keeps a multi-byte character split across chunks intact", () => {
    const s = new LineSplitter(100);
    const bytes = b('"é"\n');
    expect(s.push(bytes.subarray(0, 2))).toEqual([]);
    expect(s.push(bytes.subarray(2))).toEqual([{ kind: "line", text: '"é"' }]);
  });

  it("reports a line longer than the limit once, with its first bytes, and then stops", () => {
    const s = new LineSplitter(10);
    expect(s.push(b("0123456"))).toEqual([]);
    expect(s.push(b("789abcdef\n{}\n"))).toEqual([{ kind: "overflow", head: "0123456789abcdef", bytes: 16 }]);
    expect(s.push(b("{}\n"))).toEqual([]);
  });

  it("accepts a line of exactly the limit", () => {
    expect(new LineSplitter(4).push(b("1234\n"))).toEqual([{ kind: "line", text: "1234" }]);
  });
});

describe("quoteStart", () => {
  it("quotes short text whole and long text by its start and length", () => {
    expect(quoteStart("a\"b")).toBe('"a\\"b"');
    expect(quoteStart("x".repeat(300), 5)).toBe('"xxxxx"… (300 characters)');
  });
});
