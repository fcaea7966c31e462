// The inverse of output.ts: renders output events back into etcd's text, so the converter can
// prove at porting time that every asserted line survived the translation (nothing dropped,
// nothing invented). Only the fields etcd prints are rendered.
import type { Block } from "./datadriven.js";
import type { Y, YMap } from "./describe.js";

function goQuote(m: YMap, key: string): string {
  const b64 = m[`${key}_b64`];
  const bytes = typeof b64 === "string" ? Buffer.from(b64, "base64") : Buffer.from((m[key] as string | undefined) ?? "", "utf8");
  let s = '"';
  const text = bytes.toString("utf8");
  const valid = Buffer.from(text, "utf8").equals(bytes);
  if (valid) {
    for (const ch of text) {
      const cp = ch.codePointAt(0) as number;
      if (ch === '"' || ch === "\\") s += `\\${ch}`;
      else if (ch === "\n") s += "\\n";
      else if (ch === "\t") s += "\\t";
      else if (ch === "\r") s += "\\r";
      else if (cp < 0x20 || cp === 0x7f) s += `\\x${cp.toString(16).padStart(2, "0")}`;
      else s += ch;
    }
  } else {
    for (const x of bytes) s += x >= 0x20 && x < 0x7f && x !== 34 && x !== 92 ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, "0")}`;
  }
  return `${s}"`;
}

const n = (m: YMap, k: string): number => (m[k] as number | undefined) ?? 0;
const target = (v: Y | undefined): string => (typeof v === "string" ? v : v === undefined || v === 0 ? "None" : (v as number).toString(16));

export function renderEntry(e: YMap): string {
  const type = (e["type"] as string | undefined) ?? "EntryNormal";
  const payload = type === "EntryNormal" ? ` ${goQuote(e, "data")}` : e["conf_change"] !== undefined ? ` ${e["conf_change"] as string}` : "";
  return `${n(e, "term")}/${n(e, "index")} ${type}${payload}`;
}

function renderConfState(c: YMap): string {
  const l = (k: string): string => `[${((c[k] as number[] | undefined) ?? []).join(" ")}]`;
  return `Voters:${l("voters")} VotersOutgoing:${l("voters_outgoing")} Learners:${l("learners")} LearnersNext:${l("learners_next")} AutoLeave:${c["auto_leave"] === true}`;
}

export function renderSnapshot(s: YMap): string {
  return `Index:${n(s, "index")} Term:${n(s, "term")} ConfState:${renderConfState((s["conf_state"] as YMap | undefined) ?? {})}`;
}

export function renderMessage(m: YMap, indent = ""): string {
  let s = `${indent}${target(m["from"])}->${target(m["to"])} ${m["type"] as string} Term:${n(m, "term")} Log:${n(m, "log_term")}/${n(m, "index")}`;
  if (m["reject"] === true) s += ` Rejected (Hint: ${n(m, "reject_hint")})`;
  if (n(m, "commit") !== 0) s += ` Commit:${n(m, "commit")}`;
  if (n(m, "vote") !== 0) s += ` Vote:${n(m, "vote")}`;
  const ents = (m["entries"] as YMap[] | undefined) ?? [];
  if (ents.length === 1) s += ` Entries:[${renderEntry(ents[0] as YMap)}]`;
  else if (ents.length > 1) s += ` Entries:[${ents.map((e) => `\n${indent}  ${renderEntry(e)}`).join("")}\n${indent}]`;
  if (m["snapshot"] !== undefined) s += `\n${indent}  Snapshot: ${renderSnapshot(m["snapshot"] as YMap)}`;
  const resps = (m["responses"] as YMap[] | undefined) ?? [];
  if (resps.length > 0) s += ` Responses:[${resps.map((r) => `\n${renderMessage(r, indent + "  ")}`).join("")}\n${indent}]`;
  return s;
}

export function renderReady(rd: YMap): string[] {
  const out: string[] = [];
  const ss = rd["soft_state"] as YMap | undefined;
  if (ss !== undefined) out.push(`Lead:${n(ss, "lead")} State:${ss["state"] as string}`);
  const hs = rd["hard_state"] as YMap | undefined;
  if (hs !== undefined) out.push(`HardState Term:${n(hs, "term")}${n(hs, "vote") !== 0 ? ` Vote:${n(hs, "vote")}` : ""} Commit:${n(hs, "commit")}`);
  const rs = rd["read_states"] as YMap[] | undefined;
  if (rs !== undefined) out.push(`ReadStates [${rs.map((r) => `{${n(r, "index")} [${[...Buffer.from((r["request_ctx"] as string | undefined) ?? "", "utf8")].join(" ")}]}`).join(" ")}]`);
  const ents = (k: string, title: string): void => {
    const es = rd[k] as YMap[] | undefined;
    if (es !== undefined) out.push(title, ...es.map(renderEntry));
  };
  ents("entries", "Entries:");
  if (rd["snapshot"] !== undefined) out.push(`Snapshot ${renderSnapshot(rd["snapshot"] as YMap)}`);
  ents("committed_entries", "CommittedEntries:");
  const msgs = rd["messages"] as YMap[] | undefined;
  if (msgs !== undefined) out.push("Messages:", ...msgs.flatMap((m) => renderMessage(m).split("\n")));
  return out.length === 0 ? ["<empty Ready>"] : [`Ready MustSync=${rd["must_sync"] === true}:`, ...out];
}

const ERROR_TEXT: Record<string, string> = {
  ErrProposalDropped: "raft proposal dropped",
  ErrStepLocalMsg: "raft: cannot step raft local message",
  ErrStepPeerNotFound: "raft: cannot step as peer not found",
};

function renderDelivered(d: YMap): string[] {
  return ((d["messages"] as YMap[] | undefined) ?? []).flatMap((m) => [
    ...((m["dropped"] === true ? "dropped: " : "") + renderMessage(m)).split("\n"),
    ...(m["error"] !== undefined ? [ERROR_TEXT[m["error"] as string] ?? (m["error"] as string)] : []),
  ]);
}

function renderThread(t: YMap, kind: string): string[] {
  if (t["no_work"] === true) return [`no ${kind} work to perform`];
  return ["Processing:", ...renderMessage(t["processing"] as YMap).split("\n"), "Responses:", ...((t["responses"] as YMap[] | undefined) ?? []).flatMap((r) => renderMessage(r).split("\n"))];
}

/** etcd's output lines (logger lines aside) for a block's events. */
export function renderBlock(b: Block, events: readonly YMap[]): string[] {
  const out: string[] = [];
  const sections = b.cmd === "stabilize" || (["process-ready", "process-append-thread", "process-apply-thread"].includes(b.cmd) && b.positional.length > 1);
  let lastHeader = "";
  const section = (header: string, body: string[]): void => {
    if (!sections) {
      out.push(...body);
      return;
    }
    // Storage-thread work of one node in one round shares a header.
    if (header !== lastHeader || !header.includes("thread")) out.push(header);
    lastHeader = header;
    out.push(...body.map((l) => `  ${l}`));
  };
  for (const ev of events) {
    const [kind, v] = Object.entries(ev)[0] as [string, Y];
    const m = v as YMap;
    switch (kind) {
      case "ready":
        section(`> ${n(m, "node")} handling Ready`, renderReady(m));
        break;
      case "deliver":
        section(`> ${n(m, "node")} receiving messages`, renderDelivered(m));
        break;
      case "append-thread":
        section(`> ${n(m, "node")} processing append thread`, renderThread(m, "append"));
        break;
      case "apply-thread":
        section(`> ${n(m, "node")} processing apply thread`, renderThread(m, "apply"));
        break;
      case "sent":
        out.push(...renderMessage(m).split("\n"));
        break;
      case "raft-state":
        for (const r of v as YMap[]) out.push(`${n(r, "node")}: ${r["state"] as string} (${r["voter"] === true ? "Voter" : "Non-Voter"}) Term:${n(r, "term")} Lead:${n(r, "lead")}`);
        break;
      case "status":
        for (const [id, p0] of Object.entries((m["progress"] as YMap | undefined) ?? {})) {
          const p = p0 as YMap;
          let l = `${id}: ${p["state"] as string} match=${n(p, "match")} next=${n(p, "next")}`;
          if (p["learner"] === true) l += " learner";
          if (p["paused"] === true) l += " paused";
          if (n(p, "pending_snapshot") > 0) l += ` pendingSnap=${n(p, "pending_snapshot")}`;
          if (p["inactive"] === true) l += " inactive";
          if (n(p, "inflight") > 0) l += ` inflight=${n(p, "inflight")}${p["full"] === true ? "[full]" : ""}`;
          out.push(l);
        }
        break;
      case "raft-log":
        if (m["entries"] === undefined) out.push(`log is empty: first index=${n(m, "first_index")}, last index=${n(m, "last_index")}`);
        else out.push(...(m["entries"] as YMap[]).map(renderEntry));
        break;
      case "error":
        out.push(ERROR_TEXT[v as string] ?? (v as string));
        break;
      default:
        throw new Error(`cannot render event ${kind}`);
    }
  }
  if (out.length === 0 && b.cmd === "deliver-msgs") return ["no messages"];
  return out;
}
