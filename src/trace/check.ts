// Observable checks (`check:` steps): tolerant matchers over what any implementation can show —
// role, term, vote, leader, commit, applied, log, configuration, read states, and (with the
// progress_status capability) the leader's pending transfer and per-peer progress.
import { createHash } from "node:crypto";
import { bytesToYaml, canonical, deepEqual, toYamlText, yamlToBytes } from "./expect.js";
import type { Yaml, YamlMap } from "./types.js";

export type Role = "follower" | "precandidate" | "candidate" | "leader";

/** One peer's progress as the leader tracks it, in check terms (etcd's tracker.Progress). */
export interface ProgressView {
  readonly state: "StateProbe" | "StateReplicate" | "StateSnapshot";
  readonly match: number;
  readonly next: number;
  readonly paused: boolean;
  readonly pending_snapshot: number;
  readonly recent_active: boolean;
  readonly inflight: number;
}

/** One node as a check sees it. Entries are in trace form (term, index, type, data / conf_change). */
export interface NodeView {
  readonly id: number;
  /** False after a crash, or after the node halted. */
  readonly up: boolean;
  /** Why the node halted: it refused to apply a committed entry (undefined: it did not). */
  readonly halted?: string | undefined;
  readonly role: Role;
  readonly term: number;
  readonly vote: number;
  readonly leader: number;
  readonly commit: number;
  readonly applied: number;
  /** Last index the node handed out for persistence (Ready entries / MsgStorageAppend). */
  readonly lastIndex: number;
  /** Last index of the harness's durable store for the node. */
  readonly durableLastIndex: number;
  /** The application state: the appender's bytes after the last applied entry. */
  readonly appState: Uint8Array;
  readonly log: readonly YamlMap[];
  readonly config: { readonly voters: readonly number[]; readonly voters_outgoing: readonly number[]; readonly learners: readonly number[]; readonly learners_next: readonly number[] };
  readonly readStates: readonly { readonly index: number; readonly ctx: Uint8Array }[];
  /** The leader's pending transfer target; 0 when none (or not the leader). */
  readonly leadTransferee: number;
  /** Per-peer progress; undefined when the node tracks none (it is not the leader, or it is down). */
  readonly progress?: ReadonlyMap<number, ProgressView> | undefined;
}

/** The nodes a check names: `node`, `nodes`, or `all` (every node that is up). */
export function checkTargets(args: YamlMap, all: readonly number[]): number[] {
  if (typeof args["node"] === "number") return [args["node"]];
  if (Array.isArray(args["nodes"])) return args["nodes"] as number[];
  return [...all];
}

/** Mismatches of one node against a check, each a readable line; empty when it passes. */
/**
 * What a check compares beyond the fields it names. `confChangePayloads`: a conf-change entry's
 * payload (`conf_change`, `data`) is etcd's encoding only under the etcd message model; under
 * `generic` it is the implementation's own (spec/protocol.md §4, "Conf-change entries"), so a log
 * check compares such an entry's type, term and index only.
 */
export interface CheckOptions {
  readonly confChangePayloads: boolean;
}

export function evaluateCheck(args: YamlMap, n: NodeView, opts: CheckOptions = { confChangePayloads: true }): string[] {
  const out: string[] = [];
  const num = (field: string, actual: number, meaning = ""): void => {
    const m = args[field];
    if (m === undefined) return;
    const r = matchNumber(m, actual);
    if (r !== undefined) out.push(`node ${n.id} ${field}${meaning}: expected ${r}, got ${actual}`);
  };
  if (args["up"] !== undefined && args["up"] !== n.up) {
    out.push(`node ${n.id} up: expected ${args["up"] ? "running" : "down"}, but it is ${n.up ? "running" : n.halted !== undefined ? `down (halted: ${n.halted})` : "down (crashed)"}`);
  }
  if (args["halted"] !== undefined) {
    const h = args["halted"];
    const ok = h === false ? n.halted === undefined : n.halted !== undefined && (h === true || n.halted.includes(String(h)));
    if (!ok) out.push(`node ${n.id} halted: expected ${h === false ? "not halted" : h === true ? "halted" : `halted with a reason containing ${JSON.stringify(h)}`}, got ${n.halted === undefined ? "not halted" : `halted: ${n.halted}`}`);
  }
  if (args["role"] !== undefined && !n.up) {
    out.push(`node ${n.id} role: a down node has no role (it is ${n.halted !== undefined ? "halted" : "crashed"}); check 'up: false' instead`);
  } else if (args["role"] !== undefined) {
    const m = args["role"];
    const ok = typeof m === "string" ? m === n.role : ((m as YamlMap)["one_of"] as string[]).includes(n.role);
    if (!ok) out.push(`node ${n.id} role: expected ${typeof m === "string" ? m : `one of ${((m as YamlMap)["one_of"] as string[]).join(", ")}`}, got ${n.role}`);
  }
  num("term", n.term);
  num("vote", n.vote);
  num("leader", n.leader);
  num("commit", n.commit);
  num("applied", n.applied);
  num("last_index", n.lastIndex, " (handed out for persistence)");
  num("durable_last_index", n.durableLastIndex, " (in the harness's durable store)");
  if (args["app_state"] !== undefined) out.push(...appStateMismatches(args["app_state"] as YamlMap, n));
  num("lead_transferee", n.leadTransferee);
  if (args["progress"] !== undefined) out.push(...progressMismatches(args["progress"] as YamlMap, n));
  if (args["config"] !== undefined) {
    const c = args["config"] as YamlMap;
    for (const k of ["voters", "voters_outgoing", "learners", "learners_next"] as const) {
      if (c[k] === undefined) continue;
      const want = [...(c[k] as number[])].sort((a, b) => a - b);
      const got = [...n.config[k]].sort((a, b) => a - b);
      if (!deepEqual(want, got)) out.push(`node ${n.id} config.${k}: expected [${want.join(", ")}], got [${got.join(", ")}]`);
    }
  }
  if (args["log"] !== undefined) {
    const m = args["log"];
    const form = Array.isArray(m) ? "exact" : (m as YamlMap)["prefix"] !== undefined ? "prefix" : "ignore_empty";
    const want = (form === "exact" ? m : (m as YamlMap)[form]) as YamlMap[];
    // `ignore_empty` compares the log without its empty normal entries (a new leader's empty entry
    // in etcd), so it holds whether or not the Raft appends one.
    const got = form === "ignore_empty" ? n.log.filter((e) => !isEmptyEntry(e)) : n.log;
    const bad = want.length > got.length || (form !== "prefix" && want.length !== got.length) || want.some((w, i) => !entryMatches(w, got[i], opts));
    if (bad) {
      const shown = got.map((e) => canonical(e, "entry"));
      const expected = form === "exact" ? "exactly" : form === "prefix" ? "a log starting with" : "(leaving out empty entries) exactly";
      out.push(`node ${n.id} log: expected ${expected}\n${indent(toYamlText(want.map((e) => canonical(e, "entry"))))}\ngot${form === "ignore_empty" ? " (without its empty entries)" : ""}\n${indent(shown.length ? toYamlText(shown) : "[]")}`);
    }
  }
  if (args["committed"] !== undefined) {
    // The entries up to the commit index, without empty ones: "exactly these are committed",
    // wherever an etcd leader's empty entry would shift the commit index.
    const want = (args["committed"] as YamlMap)["ignore_empty"] as YamlMap[];
    const got = n.log.filter((e) => (e["index"] as number) <= n.commit && !isEmptyEntry(e));
    if (want.length !== got.length || want.some((w, i) => !entryMatches(w, got[i], opts))) {
      const shown = got.map((e) => canonical(e, "entry"));
      out.push(`node ${n.id} committed: expected (leaving out empty entries) exactly\n${indent(toYamlText(want.map((e) => canonical(e, "entry"))))}\ngot (commit ${n.commit})\n${indent(shown.length ? toYamlText(shown) : "[]")}`);
    }
  }
  if (args["read_states"] !== undefined) {
    const want = args["read_states"] as YamlMap[];
    const got = n.readStates;
    const same = want.length === got.length && want.every((w, i) => {
      const g = got[i];
      return g !== undefined && matchNumber(w["index"] ?? 0, g.index) === undefined && Buffer.from(yamlToBytes(w, "ctx")).equals(g.ctx);
    });
    if (!same) {
      const shown = got.map((r) => canonical({ index: r.index, ...bytesToYaml("ctx", r.ctx) }));
      out.push(`node ${n.id} read_states: expected ${toYamlText(want)}, got ${shown.length ? toYamlText(shown) : "[]"}`);
    }
  }
  return out;
}

/** `app_state: {data | data_b64, sha256}`: the application's bytes, or their SHA-256 in hex. */
function appStateMismatches(want: YamlMap, n: NodeView): string[] {
  const out: string[] = [];
  const shown = (b: Uint8Array): string => (b.length === 0 ? "an empty state" : JSON.stringify(bytesToYaml("data", b)));
  if (want["data"] !== undefined || want["data_b64"] !== undefined) {
    const w = yamlToBytes(want, "data");
    if (!Buffer.from(w).equals(n.appState)) out.push(`node ${n.id} app_state: expected ${shown(w)}, got ${shown(n.appState)}`);
  }
  if (typeof want["sha256"] === "string") {
    const got = appStateDigest(n.appState);
    if (got !== want["sha256"].toLowerCase()) out.push(`node ${n.id} app_state.sha256: expected ${want["sha256"]}, got ${got} (state ${shown(n.appState)})`);
  }
  return out;
}

/** SHA-256 of the application state, lower-case hex (what `app_state.sha256` compares). */
export function appStateDigest(state: Uint8Array): string {
  return createHash("sha256").update(state).digest("hex");
}

const PROGRESS_NUMBERS = ["match", "next", "pending_snapshot", "inflight"] as const;
const PROGRESS_FLAGS = ["paused", "recent_active"] as const;

/** Compares the peers a check names with the node's progress map; other peers are not looked at. */
function progressMismatches(want: YamlMap, n: NodeView): string[] {
  if (n.progress === undefined || n.progress.size === 0) {
    return [`node ${n.id} progress: expected progress for peer(s) ${Object.keys(want).join(", ")}, but the node tracks none (it is ${n.up ? `a ${n.role}` : "down"}; only the leader tracks progress)`];
  }
  const out: string[] = [];
  for (const [peer, m] of Object.entries(want)) {
    const p = n.progress.get(Number(peer));
    if (p === undefined) {
      out.push(`node ${n.id} progress.${peer}: the leader tracks no progress for peer ${peer} (tracked: ${[...n.progress.keys()].sort((a, b) => a - b).join(", ")})`);
      continue;
    }
    const w = m as YamlMap;
    if (w["state"] !== undefined) {
      const s = w["state"];
      const allowed = typeof s === "string" ? [s] : ((s as YamlMap)["one_of"] as string[]);
      if (!allowed.includes(p.state)) out.push(`node ${n.id} progress.${peer}.state: expected ${allowed.length === 1 ? allowed[0] : `one of ${allowed.join(", ")}`}, got ${p.state}`);
    }
    for (const f of PROGRESS_NUMBERS) {
      if (w[f] === undefined) continue;
      const r = matchNumber(w[f], p[f]);
      if (r !== undefined) out.push(`node ${n.id} progress.${peer}.${f}: expected ${r}, got ${p[f]}`);
    }
    for (const f of PROGRESS_FLAGS) {
      if (w[f] !== undefined && w[f] !== p[f]) out.push(`node ${n.id} progress.${peer}.${f}: expected ${String(w[f])}, got ${String(p[f])}`);
    }
  }
  return out;
}

function indent(s: string): string {
  return s.split("\n").map((l) => `    ${l}`).join("\n");
}

/** A normal entry without data: what etcd's new leader appends, and what `log: {ignore_empty}` leaves out. */
function isEmptyEntry(e: YamlMap): boolean {
  const type = e["type"] ?? "EntryNormal";
  const data = e["data"] ?? e["data_b64"] ?? "";
  return type === "EntryNormal" && data === "";
}

/** A check entry compares only the fields it names. */
function entryMatches(want: YamlMap, got: YamlMap | undefined, opts: CheckOptions): boolean {
  if (got === undefined) return false;
  const w = canonical(want, "entry") as YamlMap;
  const g = canonical(got, "entry") as YamlMap;
  const opaque = !opts.confChangePayloads && (want["type"] === "EntryConfChange" || want["type"] === "EntryConfChangeV2");
  for (const k of Object.keys(want)) {
    const base = k.replace(/_b64$/, "");
    if (opaque && (base === "conf_change" || base === "data")) continue;
    if (k === "type") {
      if ((want[k] ?? "EntryNormal") !== (got["type"] ?? "EntryNormal")) return false;
      continue;
    }
    const key = Object.keys(w).find((x) => x.replace(/_b64$/, "") === base);
    const gkey = Object.keys(g).find((x) => x.replace(/_b64$/, "") === base);
    if (!deepEqual(key === undefined ? undefined : w[key], gkey === undefined ? undefined : g[gkey])) {
      // An empty payload is the zero value on both sides.
      if (!(key === undefined && gkey === undefined)) return false;
    }
  }
  return true;
}

/** Undefined when the value matches; otherwise what was expected, in words. */
export function matchNumber(m: Yaml, actual: number): string | undefined {
  if (typeof m === "number") return m === actual ? undefined : String(m);
  const o = m as YamlMap;
  if (o["absent"] === true) return actual === 0 ? undefined : "none (0)";
  if (Array.isArray(o["one_of"])) return (o["one_of"] as number[]).includes(actual) ? undefined : `one of ${(o["one_of"] as number[]).join(", ")}`;
  const parts: string[] = [];
  let ok = true;
  if (typeof o["gte"] === "number") {
    parts.push(`>= ${o["gte"]}`);
    ok &&= actual >= o["gte"];
  }
  if (typeof o["lte"] === "number") {
    parts.push(`<= ${o["lte"]}`);
    ok &&= actual <= o["lte"];
  }
  return ok ? undefined : parts.join(" and ");
}
