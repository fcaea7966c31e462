// Parsers for the text etcd's DescribeReady / DescribeMessage / DescribeEntry / Progress.String
// print, producing the structured values of our trace format (spec/trace-format.md): snake_case
// fields, zero values omitted, entries' bytes as UTF-8 text (or base64), conf changes decoded.

export type Y = null | boolean | number | string | Y[] | { [k: string]: Y };
export type YMap = { [k: string]: Y };

/** A cursor over output lines that have already lost their logger lines. */
export class Lines {
  i = 0;
  constructor(readonly lines: readonly string[], readonly where: string) {}
  get done(): boolean {
    return this.i >= this.lines.length;
  }
  peek(): string | undefined {
    return this.lines[this.i];
  }
  next(): string {
    const l = this.lines[this.i++];
    if (l === undefined) throw this.error("unexpected end of output");
    return l;
  }
  error(msg: string): Error {
    return new Error(`${this.where}: ${msg} (output line ${this.i + 1}: ${JSON.stringify(this.lines[this.i] ?? "")})`);
  }
}

// --- Go's %q -------------------------------------------------------------------------------

/** Reads a Go double-quoted literal at the start of `s`; returns its bytes and the rest of `s`. */
export function goUnquote(s: string): { bytes: Uint8Array; rest: string } {
  if (!s.startsWith('"')) throw new Error(`expected a quoted string: ${s}`);
  const out: number[] = [];
  const enc = new TextEncoder();
  let i = 1;
  for (;;) {
    const c = s[i];
    if (c === undefined) throw new Error(`unterminated string: ${s}`);
    if (c === '"') return { bytes: new Uint8Array(out), rest: s.slice(i + 1) };
    if (c !== "\\") {
      const cp = s.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      out.push(...enc.encode(ch));
      i += ch.length;
      continue;
    }
    const e = s[i + 1];
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92, '"': 34, "'": 39 };
    if (e !== undefined && simple[e] !== undefined) {
      out.push(simple[e]);
      i += 2;
    } else if (e === "x") {
      out.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 4;
    } else if (e === "u" || e === "U") {
      const n = e === "u" ? 4 : 8;
      out.push(...enc.encode(String.fromCodePoint(parseInt(s.slice(i + 2, i + 2 + n), 16))));
      i += 2 + n;
    } else if (e !== undefined && /[0-7]/.test(e)) {
      out.push(parseInt(s.slice(i + 1, i + 4), 8));
      i += 4;
    } else {
      throw new Error(`bad escape in ${s}`);
    }
  }
}

/** Bytes as a trace field: `key: text` when printable UTF-8, `key_b64` otherwise; nothing when empty. */
export function bytesField(key: string, b: Uint8Array): YMap {
  if (b.length === 0) return {};
  const text = Buffer.from(b).toString("utf8");
  const printable = Buffer.from(text, "utf8").equals(Buffer.from(b)) && !/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/.test(text);
  return printable ? { [key]: text } : { [`${key}_b64`]: Buffer.from(b).toString("base64") };
}

// --- entries, snapshots ---------------------------------------------------------------------

const ENTRY = /^(\d+)\/(\d+) (EntryNormal|EntryConfChangeV2|EntryConfChange)(?: (.*))?$/;

/**
 * Parses `term/index Type payload` where the payload of a normal entry is a Go-quoted string and
 * that of a conf change its decoded text ("v2 l3"). `inline` entries end at the first `]` after
 * the payload; returns the rest of the line.
 */
export function parseEntry(text: string, inline: boolean): { entry: YMap; rest: string } {
  const head = /^(\d+)\/(\d+) (EntryNormal|EntryConfChangeV2|EntryConfChange)/.exec(text);
  if (head === null) throw new Error(`not an entry: ${text}`);
  const [, term, index, type] = head;
  const entry: YMap = { term: Number(term), index: Number(index) };
  let tail = text.slice(head[0].length);
  if (type === "EntryNormal") {
    if (tail.startsWith(" ")) {
      const q = goUnquote(tail.slice(1));
      Object.assign(entry, bytesField("data", q.bytes));
      tail = q.rest;
    }
  } else {
    entry["type"] = type as string;
    const end = inline ? tail.indexOf("]") : tail.length;
    const cc = tail.slice(0, end < 0 ? tail.length : end).trim();
    if (cc !== "") entry["conf_change"] = cc;
    tail = tail.slice(end < 0 ? tail.length : end);
  }
  if (!inline && tail !== "") throw new Error(`trailing text after entry: ${text}`);
  return { entry, rest: tail };
}

const ids = (s: string): number[] => (s.trim() === "" ? [] : s.trim().split(/\s+/).map(Number));

/** `Index:4 Term:1 ConfState:Voters:[1 2] VotersOutgoing:[] Learners:[] LearnersNext:[] AutoLeave:false`. */
export function parseSnapshot(text: string): { snapshot: YMap; rest: string } {
  const m = /^Index:(\d+) Term:(\d+) ConfState:Voters:\[([^\]]*)\] VotersOutgoing:\[([^\]]*)\] Learners:\[([^\]]*)\] LearnersNext:\[([^\]]*)\] AutoLeave:(true|false)/.exec(text);
  if (m === null) throw new Error(`not a snapshot: ${text}`);
  const conf: YMap = {};
  const put = (k: string, v: number[]): void => {
    if (v.length > 0) conf[k] = v;
  };
  put("voters", ids(m[3] ?? ""));
  put("voters_outgoing", ids(m[4] ?? ""));
  put("learners", ids(m[5] ?? ""));
  put("learners_next", ids(m[6] ?? ""));
  if (m[7] === "true") conf["auto_leave"] = true;
  return { snapshot: { index: Number(m[1]), term: Number(m[2]), conf_state: conf }, rest: text.slice(m[0].length) };
}

// --- messages -------------------------------------------------------------------------------

function target(s: string): number | string {
  if (s === "AppendThread" || s === "ApplyThread") return s;
  if (s === "None") return 0;
  return parseInt(s, 16);
}

const MSG = /^(\S+)->(\S+) (Msg\w+) Term:(\d+) Log:(\d+)\/(\d+)/;

export function isMessageLine(line: string): boolean {
  return MSG.test(line);
}

/**
 * Reads one message starting at the cursor, whose lines carry `indent`: the header, the entries of
 * a multi-entry message (one per line, closed by `]`), a `Snapshot:` line, and nested responses
 * (`Responses:[` at the end of the last line, closed by `]`).
 */
export function parseMessage(c: Lines, indent: string): YMap {
  const first = c.next();
  if (!first.startsWith(indent)) throw c.error("message line is not indented as expected");
  const header = first.slice(indent.length);
  const m = MSG.exec(header);
  if (m === null) throw c.error("not a message");
  const msg: YMap = { type: m[3] as string, from: target(m[1] as string), to: target(m[2] as string) };
  const num = (k: string, v: string | undefined): void => {
    if (v !== undefined && Number(v) !== 0) msg[k] = Number(v);
  };
  num("term", m[4]);
  num("log_term", m[5]);
  num("index", m[6]);
  let rest = header.slice(m[0].length);
  const rej = /^ Rejected \(Hint: (\d+)\)/.exec(rest);
  if (rej !== null) {
    msg["reject"] = true;
    num("reject_hint", rej[1]);
    rest = rest.slice(rej[0].length);
  }
  const commit = /^ Commit:(\d+)/.exec(rest);
  if (commit !== null) {
    num("commit", commit[1]);
    rest = rest.slice(commit[0].length);
  }
  const vote = /^ Vote:(\d+)/.exec(rest);
  if (vote !== null) {
    num("vote", vote[1]);
    rest = rest.slice(vote[0].length);
  }
  if (rest.startsWith(" Entries:[")) {
    rest = rest.slice(" Entries:[".length);
    if (rest === "") {
      // One entry per line, then `]` (possibly followed by ` Responses:[`).
      const entries: Y[] = [];
      for (;;) {
        const l = c.next();
        if (l.startsWith(indent + "]")) {
          rest = l.slice(indent.length + 1);
          break;
        }
        if (!l.startsWith(indent + "  ")) throw c.error("entry line is not indented as expected");
        entries.push(parseEntry(l.slice(indent.length + 2), false).entry);
      }
      msg["entries"] = entries;
    } else {
      const e = parseEntry(rest, true);
      if (!e.rest.startsWith("]")) throw c.error("inline entry is not closed");
      msg["entries"] = [e.entry];
      rest = e.rest.slice(1);
    }
  }
  const snapLine = c.peek();
  if (rest === "" || rest === " Responses:[") {
    if (snapLine !== undefined && snapLine.startsWith(indent + "  Snapshot: ")) {
      if (rest !== "") throw c.error("responses before a snapshot");
      c.next();
      const s = parseSnapshot(snapLine.slice(indent.length + "  Snapshot: ".length));
      msg["snapshot"] = s.snapshot;
      rest = s.rest;
    }
  }
  if (rest === " Responses:[") {
    const responses: Y[] = [];
    while (c.peek() !== indent + "]") responses.push(parseMessage(c, indent + "  "));
    c.next();
    msg["responses"] = responses;
    rest = "";
  }
  if (rest !== "") throw c.error(`unparsed message text ${JSON.stringify(rest)}`);
  return msg;
}

// --- Ready ----------------------------------------------------------------------------------

const SECTION = /^(Lead:|HardState |ReadStates |Entries:$|Snapshot |CommittedEntries:$|Messages:$)/;

/** DescribeReady's text (the cursor at `Ready MustSync=…:` or `<empty Ready>`) for `node`. */
export function parseReady(c: Lines, node: number): YMap {
  const head = c.next();
  if (head === "<empty Ready>") return { node };
  const m = /^Ready MustSync=(true|false):$/.exec(head);
  if (m === null) throw c.error("not a Ready");
  const rd: YMap = { node };
  if (m[1] === "true") rd["must_sync"] = true;
  const entries = (): Y[] => {
    const out: Y[] = [];
    while (!c.done && !SECTION.test(c.peek() ?? "") && ENTRY.test(c.peek() ?? "")) out.push(parseEntry(c.next(), false).entry);
    return out;
  };
  while (!c.done) {
    const l = c.peek() ?? "";
    let s: RegExpExecArray | null;
    if ((s = /^Lead:(\d+) State:(\w+)$/.exec(l)) !== null) {
      c.next();
      rd["soft_state"] = { lead: Number(s[1]), state: s[2] as string };
    } else if ((s = /^HardState Term:(\d+)(?: Vote:(\d+))? Commit:(\d+)$/.exec(l)) !== null) {
      c.next();
      const hs: YMap = { term: Number(s[1]) };
      if (s[2] !== undefined) hs["vote"] = Number(s[2]);
      hs["commit"] = Number(s[3]);
      rd["hard_state"] = hs;
    } else if (l.startsWith("ReadStates ")) {
      c.next();
      const rs: Y[] = [];
      for (const x of l.matchAll(/\{(\d+) \[([^\]]*)\]\}/g)) {
        rs.push({ index: Number(x[1]), ...bytesField("request_ctx", new Uint8Array(ids(x[2] ?? ""))) });
      }
      rd["read_states"] = rs;
    } else if (l === "Entries:") {
      c.next();
      rd["entries"] = entries();
    } else if (l.startsWith("Snapshot ")) {
      c.next();
      rd["snapshot"] = parseSnapshot(l.slice("Snapshot ".length)).snapshot;
    } else if (l === "CommittedEntries:") {
      c.next();
      rd["committed_entries"] = entries();
    } else if (l === "Messages:") {
      c.next();
      const msgs: Y[] = [];
      while (!c.done && isMessageLine(c.peek() ?? "")) msgs.push(parseMessage(c, ""));
      rd["messages"] = msgs;
    } else {
      break;
    }
  }
  return rd;
}

// --- dumps ----------------------------------------------------------------------------------

/** `2: StateReplicate match=11 next=12 paused inactive inflight=2[full]`. */
export function parseProgress(line: string): [string, YMap] {
  const m = /^(\d+): (StateProbe|StateReplicate|StateSnapshot) match=(\d+) next=(\d+)((?: \S+)*)$/.exec(line);
  if (m === null) throw new Error(`not a progress line: ${line}`);
  const p: YMap = { state: m[2] as string, match: Number(m[3]), next: Number(m[4]) };
  for (const flag of (m[5] ?? "").trim().split(/\s+/).filter((x) => x !== "")) {
    let f: RegExpExecArray | null;
    if (flag === "learner") p["learner"] = true;
    else if (flag === "paused") p["paused"] = true;
    else if (flag === "inactive") p["inactive"] = true;
    else if ((f = /^pendingSnap=(\d+)$/.exec(flag)) !== null) p["pending_snapshot"] = Number(f[1]);
    else if ((f = /^inflight=(\d+)(\[full\])?$/.exec(flag)) !== null) {
      p["inflight"] = Number(f[1]);
      if (f[2] !== undefined) p["full"] = true;
    } else throw new Error(`unknown progress flag ${flag} in ${line}`);
  }
  return [m[1] as string, p];
}

/** `1: StateLeader (Voter) Term:1 Lead:1`. */
export function parseRaftStateLine(line: string): YMap {
  const m = /^(\d+): (State\w+) \((Voter|Non-Voter)\) Term:(\d+) Lead:(\d+)$/.exec(line);
  if (m === null) throw new Error(`not a raft-state line: ${line}`);
  return { node: Number(m[1]), state: m[2] as string, voter: m[3] === "Voter", term: Number(m[4]), lead: Number(m[5]) };
}

/** The errors etcd prints as text, by our error codes. */
export const ERRORS: Readonly<Record<string, string>> = {
  "raft proposal dropped": "ErrProposalDropped",
  "raft: cannot step raft local message": "ErrStepLocalMsg",
  "raft: cannot step as peer not found": "ErrStepPeerNotFound",
  "requested index is unavailable due to compaction": "ErrCompacted",
};
