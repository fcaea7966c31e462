// Exact expectations: the ordered output events of a step, compared after putting both sides in
// one canonical form (absent field = etcd's zero value; bytes as UTF-8 text when printable, else
// base64; conf-change entries by their decoded text; snapshot data is not compared because etcd's
// output does not show it).
import { stringify } from "yaml";
import type { Yaml, YamlMap } from "./types.js";

/** Bytes as a trace shows them: `key: text` when printable UTF-8, else `key_b64: base64`. */
export function bytesToYaml(key: string, b: Uint8Array): YamlMap {
  if (b.length === 0) return {};
  const text = Buffer.from(b).toString("utf8");
  const printable = Buffer.from(text, "utf8").equals(Buffer.from(b)) && !/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/.test(text);
  return printable ? { [key]: text } : { [`${key}_b64`]: Buffer.from(b).toString("base64") };
}

export function yamlToBytes(m: YamlMap, key: string): Uint8Array {
  const b64 = m[`${key}_b64`];
  if (typeof b64 === "string") return new Uint8Array(Buffer.from(b64, "base64"));
  const text = m[key];
  return typeof text === "string" ? new Uint8Array(Buffer.from(text, "utf8")) : new Uint8Array();
}

const BYTES_KEYS = new Set(["data", "context", "request_ctx", "ctx"]);
const ENTRY_LISTS = new Set(["entries", "committed_entries"]);
/** Key order of the canonical form, so diffs of expected and actual line up. */
const ORDER = [
  "node", "no_work", "must_sync", "soft_state", "hard_state", "read_states", "type", "from", "to", "term",
  "log_term", "index", "commit", "vote", "reject", "reject_hint", "entries", "snapshot", "committed_entries",
  "messages", "processing", "responses", "lead", "state", "voter", "match", "next", "learner", "paused",
  "pending_snapshot", "inactive", "inflight", "full", "conf_state", "voters", "voters_outgoing", "learners",
  "learners_next", "auto_leave", "conf_change", "data", "data_b64", "context", "context_b64", "request_ctx",
  "request_ctx_b64", "first_index", "last_index", "progress", "dropped", "error",
];

function isZero(v: Yaml | undefined): boolean {
  if (v === undefined || v === null || v === 0 || v === false || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.keys(v).length === 0;
  return false;
}

function rank(k: string): number {
  const i = ORDER.indexOf(k);
  return i < 0 ? ORDER.length : i;
}

/** Canonical form of an event (expected or actual). */
export function canonical(v: Yaml, parentKey = ""): Yaml {
  if (Array.isArray(v)) {
    return v.map((x) => canonical(x as Yaml, ENTRY_LISTS.has(parentKey) ? "entry" : parentKey === "messages" || parentKey === "responses" ? "message" : ""));
  }
  if (v === null || typeof v !== "object") return v;
  const m = v as YamlMap;
  const out: Record<string, Yaml> = {};
  const isEntry = parentKey === "entry";
  const isConfEntry = isEntry && (m["type"] === "EntryConfChange" || m["type"] === "EntryConfChangeV2");
  for (const [k0, val] of Object.entries(m)) {
    let k = k0;
    let value: Yaml = val;
    const base = k.endsWith("_b64") ? k.slice(0, -4) : k;
    if (BYTES_KEYS.has(base)) {
      if (isConfEntry && base === "data") continue;
      if (parentKey === "snapshot" && base === "data") continue;
      const conv = bytesToYaml(base, yamlToBytes(m, base));
      const [ck, cv] = Object.entries(conv)[0] ?? [base, ""];
      k = ck;
      value = cv;
    } else if (isEntry && k === "type" && value === "EntryNormal") {
      continue;
    } else if (k === "progress" && value !== null && typeof value === "object" && !Array.isArray(value)) {
      const p = value as YamlMap;
      const sorted: Record<string, Yaml> = {};
      for (const id of Object.keys(p).sort((a, b) => Number(a) - Number(b))) sorted[id] = canonical(p[id] as Yaml, "progress_item");
      value = sorted;
    } else if (k === "processing") {
      value = canonical(value, "message");
    } else if (k === "sent") {
      value = canonical(value, "message");
    } else if (k === "snapshot") {
      value = canonical(value, "snapshot");
    } else if (k === "voters" || k === "learners" || k === "voters_outgoing" || k === "learners_next") {
      value = Array.isArray(value) ? [...(value as number[])].sort((a, b) => a - b) : value;
    } else {
      value = canonical(value, k);
    }
    if (isZero(value)) continue;
    out[k] = value;
  }
  const ordered: Record<string, Yaml> = {};
  for (const k of Object.keys(out).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))) ordered[k] = out[k] as Yaml;
  return ordered;
}

export function deepEqual(a: Yaml | undefined, b: Yaml | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as readonly Yaml[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x as Yaml, bb[i]));
  }
  const am = a as YamlMap;
  const bm = b as YamlMap;
  const ak = Object.keys(am);
  const bk = Object.keys(bm);
  return ak.length === bk.length && ak.every((k) => Object.hasOwn(bm, k) && deepEqual(am[k], bm[k]));
}

export function toYamlText(v: unknown): string {
  return stringify(v, { lineWidth: 0, flowCollectionPadding: false }).trimEnd();
}

/** Line diff (LCS) of two texts: "- " expected only, "+ " actual only, "  " both. */
export function lineDiff(expected: string, actual: string, context = 3): string {
  const a = expected.split("\n");
  const b = actual.split("\n");
  const n = a.length;
  const m = b.length;
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = dp[i] as number[];
      row[j] = a[i] === b[j] ? (dp[i + 1] as number[])[j + 1] as number + 1 : Math.max((dp[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  const lines: { tag: " " | "-" | "+"; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      lines.push({ tag: " ", text: a[i] as string });
      i++;
      j++;
    } else if (j < m && (i >= n || ((dp[i] as number[])[j + 1] as number) >= ((dp[i + 1] as number[])[j] as number))) {
      lines.push({ tag: "+", text: b[j] as string });
      j++;
    } else {
      lines.push({ tag: "-", text: a[i] as string });
      i++;
    }
  }
  const keep = lines.map((_, k) => lines.slice(Math.max(0, k - context), k + context + 1).some((x) => x.tag !== " "));
  const out: string[] = [];
  let skipped = false;
  lines.forEach((l, k) => {
    if (keep[k]) {
      out.push(`${l.tag} ${l.text}`);
      skipped = false;
    } else if (!skipped) {
      out.push("  ...");
      skipped = true;
    }
  });
  return out.join("\n");
}

/** Compares expected and actual events; returns a readable message, or undefined when equal. */
export function compareEvents(expected: readonly Yaml[], actual: readonly Yaml[]): string | undefined {
  const e = expected.map((x) => canonical(x));
  const a = actual.map((x) => canonical(x));
  if (deepEqual(e, a)) return undefined;
  const et = e.length === 0 ? "[]" : toYamlText(e);
  const at = a.length === 0 ? "[]" : toYamlText(a);
  return `output events differ (- expected, + actual):\n${lineDiff(et, at)}`;
}
