// A block's expected output (logger lines removed) as the ordered output events of our trace
// format: ready, deliver, append-thread, apply-thread, sent, raft-state, raft-log, status, error.
import type { Block } from "./datadriven.js";
import { ERRORS, isMessageLine, Lines, parseEntry, parseMessage, parseProgress, parseRaftStateLine, parseReady, type Y, type YMap } from "./describe.js";

/** etcd's logger lines; they are not part of the contract. */
const LOG_LINE = /^\s*(DEBUG|INFO|WARN|WARNING|ERROR|FATAL|PANIC) /;

export function withoutLogLines(output: readonly string[]): string[] {
  return output.filter((l) => !LOG_LINE.test(l));
}

const HEADER = /^> (\d+) (handling Ready|receiving messages|processing append thread|processing apply thread)$/;

function errorEvent(line: string | undefined): YMap | undefined {
  const code = line === undefined ? undefined : ERRORS[line];
  return code === undefined ? undefined : { error: code };
}

/** `Processing:` one storage-thread message, `Responses:` its responses. */
function threadEvent(c: Lines, node: number, kind: "append-thread" | "apply-thread"): YMap {
  const l = c.peek();
  if (l === `no ${kind === "append-thread" ? "append" : "apply"} work to perform`) {
    c.next();
    return { [kind]: { node, no_work: true } };
  }
  if (c.next() !== "Processing:") throw c.error("expected Processing:");
  const processing = parseMessage(c, "");
  if (c.next() !== "Responses:") throw c.error("expected Responses:");
  const responses: Y[] = [];
  while (!c.done && isMessageLine(c.peek() ?? "")) responses.push(parseMessage(c, ""));
  const ev: YMap = { node, processing };
  if (responses.length > 0) ev["responses"] = responses;
  return { [kind]: ev };
}

/**
 * Messages handed to recipients, each optionally `dropped: ` and followed by the error Step
 * returned. Consecutive messages to one recipient form one `deliver` event.
 */
function deliverEvents(c: Lines): YMap[] {
  const events: YMap[] = [];
  let current: { node: number; messages: Y[] } | undefined;
  while (!c.done) {
    const l = c.peek() ?? "";
    const dropped = l.startsWith("dropped: ");
    if (!dropped && !isMessageLine(l)) break;
    // Parse the message on a copy of the lines with the prefix removed.
    const copy = [...c.lines];
    copy[c.i] = dropped ? l.slice("dropped: ".length) : l;
    const sub = new Lines(copy, c.where);
    sub.i = c.i;
    const msg = parseMessage(sub, "");
    c.i = sub.i;
    if (dropped) msg["dropped"] = true;
    const err = errorEvent(c.peek());
    if (err !== undefined) {
      c.next();
      msg["error"] = err["error"] as string;
    }
    const to = msg["to"] as number;
    if (current === undefined || current.node !== to) {
      current = { node: to, messages: [] };
      events.push({ deliver: current as unknown as YMap });
    }
    current.messages.push(msg);
  }
  return events;
}

/** Sections introduced by `> N …` headers, their lines indented by two spaces. */
function sectionEvents(c: Lines): YMap[] {
  const events: YMap[] = [];
  while (!c.done) {
    const h = HEADER.exec(c.peek() ?? "");
    if (h === null) break;
    c.next();
    const node = Number(h[1]);
    const body: string[] = [];
    while (!c.done && !HEADER.test(c.peek() ?? "")) {
      const l = c.peek() ?? "";
      if (!l.startsWith("  ")) break;
      body.push(l.slice(2));
      c.next();
    }
    const s = new Lines(body, `${c.where} (> ${node} ${h[2]})`);
    switch (h[2]) {
      case "handling Ready":
        events.push({ ready: parseReady(s, node) });
        break;
      case "receiving messages":
        events.push(...deliverEvents(s));
        break;
      case "processing append thread":
        while (!s.done) events.push(threadEvent(s, node, "append-thread"));
        break;
      case "processing apply thread":
        while (!s.done) events.push(threadEvent(s, node, "apply-thread"));
        break;
    }
    if (!s.done) throw s.error("unparsed section output");
  }
  return events;
}

function raftLogEvent(c: Lines, node: number): YMap {
  const empty = /^log is empty: first index=(\d+), last index=(\d+)$/.exec(c.peek() ?? "");
  if (empty !== null) {
    c.next();
    return { "raft-log": { node, first_index: Number(empty[1]), last_index: Number(empty[2]) } };
  }
  const entries: Y[] = [];
  while (!c.done && /^\d+\/\d+ Entry/.test(c.peek() ?? "")) entries.push(parseEntry(c.next(), false).entry);
  return { "raft-log": { node, entries } };
}

/** The output events a block asserts, in order. */
export function blockEvents(b: Block, where: string): YMap[] {
  const lines = withoutLogLines(b.output);
  if (lines.length === 1 && lines[0] === "ok") return [];
  const c = new Lines(lines, where);
  const nodes = b.positional.map(Number);
  const first = nodes[0] as number;
  const events: YMap[] = [];
  switch (b.cmd) {
    case "process-ready":
      if (nodes.length > 1) events.push(...sectionEvents(c));
      else events.push({ ready: parseReady(c, first) });
      break;
    case "process-append-thread":
    case "process-apply-thread": {
      const kind = b.cmd === "process-append-thread" ? "append-thread" : "apply-thread";
      if (nodes.length > 1) events.push(...sectionEvents(c));
      else events.push(threadEvent(c, first, kind));
      break;
    }
    case "stabilize":
      events.push(...sectionEvents(c));
      break;
    case "deliver-msgs":
      if (c.peek() === "no messages") c.next();
      else events.push(...deliverEvents(c));
      break;
    case "raft-state": {
      const rows: Y[] = [];
      while (!c.done && /^\d+: State/.test(c.peek() ?? "")) rows.push(parseRaftStateLine(c.next()));
      events.push({ "raft-state": rows });
      break;
    }
    case "status": {
      const progress: YMap = {};
      while (!c.done && /^\d+: State/.test(c.peek() ?? "")) {
        const [id, p] = parseProgress(c.next());
        progress[id] = p;
      }
      events.push({ status: { node: first, progress } });
      break;
    }
    case "raft-log":
    case "compact":
      if (!c.done && errorEvent(c.peek()) === undefined) events.push(raftLogEvent(c, first));
      break;
    case "send-snapshot":
      events.push({ sent: parseMessage(c, "") });
      break;
    default:
      break;
  }
  const err = errorEvent(c.peek());
  if (err !== undefined) {
    c.next();
    events.push(err);
  }
  if (!c.done) throw c.error(`unparsed output of ${b.cmd}`);
  return events;
}
