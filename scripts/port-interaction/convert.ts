// One etcd interaction file → one trace: each datadriven block becomes a step (deliver-msgs that
// mixes delivering and dropping becomes one step per group), its output the step's `expect`, and
// observable `check` steps are derived from the state the output itself reveals.
import { keyedValues, type Block } from "./datadriven.js";
import type { Y, YMap } from "./describe.js";
import { blockEvents, withoutLogLines } from "./output.js";
import { renderBlock } from "./render.js";
import { NO_EVENT_STEPS, type StepKind } from "../../src/trace/types.js";

export const ETCD_COMMIT = "cdfbeed3149e6dd1c7881853d8ed5993ffcd6be2";

/** What review adds to a converted file: words, and checks the output cannot reveal. */
export interface Annotation {
  readonly description: string;
  readonly notes?: string;
  /** Checks to run after the step(s) of the block at this source line. */
  readonly checks?: readonly { readonly after: number; readonly check: YMap; readonly comment?: string }[];
  /**
   * Fields etcd's DescribeMessage never prints but our messages carry (Context): added to every
   * message of the expected output whose fields include all of `match`.
   */
  readonly messageFields?: readonly { readonly match: YMap; readonly add: YMap }[];
}

/** Every message inside an output event (ready, deliver, storage threads, sent), responses included. */
function eachMessage(ev: Y, f: (m: YMap) => void): void {
  if (Array.isArray(ev)) {
    for (const x of ev) eachMessage(x, f);
    return;
  }
  if (ev === null || typeof ev !== "object") return;
  if (typeof ev["type"] === "string" && (ev["type"] as string).startsWith("Msg")) f(ev);
  for (const [k, v] of Object.entries(ev)) if (k !== "type") eachMessage(v, f);
}

export interface Step {
  readonly fields: YMap;
  /** Source line of the block the step comes from. */
  readonly line: number;
}

export interface Converted {
  readonly trace: YMap;
  readonly blocks: number;
  readonly ported: number;
  readonly dropped: { readonly line: number; readonly cmd: string; readonly why: string }[];
  /** Source line of each step's block, by step index. */
  readonly lines: readonly number[];
}

type Role = "follower" | "precandidate" | "candidate" | "leader";
const ROLE: Record<string, Role> = { StateFollower: "follower", StatePreCandidate: "precandidate", StateCandidate: "candidate", StateLeader: "leader" };

/** What the output has shown of each node; a quiet block (log-level none) forgets everything. */
class Known {
  private readonly state = new Map<number, { role?: Role; leader?: number; term?: number; commit?: number }>();
  private readonly checked = new Map<number, string>();

  set(node: number, f: { role?: Role; leader?: number; term?: number; commit?: number }): void {
    this.state.set(node, { ...this.state.get(node), ...f });
  }

  forget(): void {
    this.state.clear();
    this.checked.clear();
  }

  observe(ev: YMap): void {
    const rd = ev["ready"] as YMap | undefined;
    if (rd !== undefined) {
      const node = rd["node"] as number;
      const ss = rd["soft_state"] as YMap | undefined;
      if (ss !== undefined) this.set(node, { role: ROLE[ss["state"] as string] as Role, leader: (ss["lead"] as number | undefined) ?? 0 });
      const hs = rd["hard_state"] as YMap | undefined;
      if (hs !== undefined) this.set(node, { term: (hs["term"] as number | undefined) ?? 0, commit: (hs["commit"] as number | undefined) ?? 0 });
    }
    const rows = ev["raft-state"] as YMap[] | undefined;
    for (const r of rows ?? []) this.set(r["node"] as number, { role: ROLE[r["state"] as string] as Role, term: r["term"] as number, leader: r["lead"] as number });
  }

  /** Checks for the given nodes of what changed since the last check, grouped by equal values. */
  checks(nodes: readonly number[]): YMap[] {
    const groups = new Map<string, number[]>();
    for (const n of nodes) {
      const s = this.state.get(n);
      if (s === undefined) continue;
      const c: YMap = {};
      if (s.role !== undefined) c["role"] = s.role;
      if (s.term !== undefined) c["term"] = s.term;
      if (s.leader !== undefined) c["leader"] = s.leader;
      if (s.commit !== undefined) c["commit"] = s.commit;
      const key = JSON.stringify(c);
      if (Object.keys(c).length === 0 || this.checked.get(n) === key) continue;
      this.checked.set(n, key);
      groups.set(key, [...(groups.get(key) ?? []), n]);
    }
    return [...groups].map(([key, ns]) => ({ ...(ns.length === 1 ? { node: ns[0] as number } : { nodes: ns }), ...(JSON.parse(key) as YMap) }));
  }
}

const CONFIG_FLAGS: Record<string, (v: string) => [string, Y]> = {
  inflight: (v) => ["max_inflight_msgs", Number(v)],
  "async-storage-writes": (v) => ["async_storage_writes", v === "true"],
  prevote: (v) => ["pre_vote", v === "true"],
  checkquorum: (v) => ["check_quorum", v === "true"],
  "max-committed-size-per-ready": (v) => ["max_committed_size_per_ready", Number(v)],
  "disable-conf-change-validation": (v) => ["disable_conf_change_validation", v === "true"],
  "step-down-on-removal": (v) => ["step_down_on_removal", v === "true"],
  "read-only": (v) => ["read_only_option", v === "lease-based" ? "lease_based" : "safe"],
};

function one(values: readonly string[] | undefined, what: string): string {
  if (values?.length !== 1) throw new Error(`expected one value for ${what}`);
  return values[0] as string;
}

/** The step(s) of a block, without expectations. */
function stepsOf(b: Block, features: Set<string>): YMap[] {
  const ids = b.positional.map(Number);
  const first = ids[0] as number;
  const nodeOrList = (): Y => (ids.length === 1 ? first : ids);
  switch (b.cmd) {
    case "add-nodes": {
      const a: YMap = { count: first };
      const config: YMap = {};
      for (const { key, values } of b.keyed) {
        if (key === "voters" || key === "learners") {
          a[key] = values.map(Number);
          if (key === "learners") features.add("learners");
        } else if (key === "index") a["index"] = Number(one(values, key));
        else if (key === "content") a["content"] = one(values, key);
        else {
          const f = CONFIG_FLAGS[key];
          if (f === undefined) throw new Error(`line ${b.line}: unknown add-nodes argument ${key}`);
          const [k, v] = f(one(values, key));
          config[k] = v;
        }
      }
      if (Object.keys(config).length > 0) a["config"] = config;
      const flagFeature: Record<string, string> = {
        pre_vote: "prevote", check_quorum: "check_quorum", async_storage_writes: "async_storage_writes", step_down_on_removal: "step_down_on_removal",
        disable_conf_change_validation: "disable_conf_change_validation", max_inflight_msgs: "flow_control", max_committed_size_per_ready: "committed_size_per_ready",
      };
      for (const [k, v] of Object.entries(config)) if (v !== false && flagFeature[k] !== undefined) features.add(flagFeature[k]);
      if (config["read_only_option"] === "lease_based") features.add("read_index_lease");
      return [{ "add-nodes": a }];
    }
    case "campaign":
      features.add("election");
      return [{ campaign: first }];
    case "propose":
      features.add("replication");
      if (b.positional.length !== 2) throw new Error(`line ${b.line}: propose needs a node and data`);
      return [{ propose: { node: first, data: b.positional[1] as string } }];
    case "propose-conf-change": {
      const a: YMap = { node: first, changes: b.input.join(" ").trim() };
      const v1 = keyedValues(b, "v1");
      const tr = keyedValues(b, "transition");
      if (v1 !== undefined) a["v1"] = one(v1, "v1") === "true";
      if (tr !== undefined) a["transition"] = one(tr, "transition");
      const changes = (a["changes"] as string).split(/\s+/).filter((x) => x !== "");
      features.add(a["v1"] === true ? "conf_change_v1" : "conf_change_v2");
      if (changes.some((c) => c.startsWith("l"))) features.add("learners");
      const voterChanges = changes.filter((c) => !c.startsWith("u")).length;
      if (a["v1"] !== true && (changes.length === 0 || (tr !== undefined && a["transition"] !== "auto") || voterChanges > 1)) features.add("joint_consensus");
      return [{ "propose-conf-change": a }];
    }
    case "tick-heartbeat":
    case "tick-election":
      return [{ [b.cmd]: first }];
    case "set-randomized-election-timeout":
      features.add("pin_election_timeout");
      return [{ "set-randomized-election-timeout": { node: first, timeout: Number(one(keyedValues(b, "timeout"), "timeout")) } }];
    case "transfer-leadership":
      features.add("leader_transfer");
      return [{ "transfer-leadership": { from: Number(one(keyedValues(b, "from"), "from")), to: Number(one(keyedValues(b, "to"), "to")) } }];
    case "forget-leader":
      features.add("forget_leader");
      return [{ "forget-leader": first }];
    case "report-unreachable":
      features.add("report_unreachable");
      return [{ "report-unreachable": { node: first, peer: ids[1] as number } }];
    case "send-snapshot":
      features.add("snapshots");
      return [{ "send-snapshot": { from: first, to: ids[1] as number } }];
    case "compact":
      features.add("compaction");
      return [{ compact: { node: first, index: ids[1] as number } }];
    case "process-ready":
    case "process-append-thread":
    case "process-apply-thread":
      return [{ [b.cmd]: nodeOrList() }];
    case "stabilize":
      return [{ stabilize: ids.length === 0 ? {} : ids }];
    case "deliver-msgs": {
      // etcd handles the recipients in argument order; consecutive deliver / drop recipients
      // become one step each.
      const type = keyedValues(b, "type");
      const groups: { drop: boolean; to: number[] }[] = [];
      const push = (drop: boolean, id: number): void => {
        const last = groups[groups.length - 1];
        if (last !== undefined && last.drop === drop) last.to.push(id);
        else groups.push({ drop, to: [id] });
      };
      // CmdArgs order: positional and keyed arguments interleave; recover it from the raw tokens.
      for (const tok of b.tokens) {
        if (/^\d+$/.test(tok)) push(false, Number(tok));
        else if (tok.startsWith("drop=")) for (const v of tok.slice(5).replace(/[()]/g, "").split(/[,\s]+/).filter((x) => x !== "")) push(true, Number(v));
      }
      return groups.map((g) => {
        const a: YMap = { to: g.to.length === 1 ? (g.to[0] as number) : g.to };
        if (type !== undefined) a["type"] = one(type, "type");
        if (g.drop) a["drop"] = true;
        return { "deliver-msgs": a };
      });
    }
    case "raft-state":
      return [{ "raft-state": {} }];
    case "raft-log":
      return [{ "raft-log": first }];
    case "status":
      features.add("progress_status");
      return [{ status: first }];
    default:
      throw new Error(`line ${b.line}: unsupported command ${b.cmd}`);
  }
}

const INPUT_CMDS = new Set(["propose", "propose-conf-change"]);

export function convertFile(name: string, blocks: readonly Block[], ann: Annotation): Converted {
  const features = new Set<string>();
  const known = new Known();
  const steps: Step[] = [];
  const dropped: Converted["dropped"] = [];
  let level = "info";
  let nodes = 0;
  let ported = 0;
  const where = (b: Block): string => `testdata/${name}:${b.line}`;
  for (const b of blocks) {
    if (b.cmd === "log-level") {
      level = (b.positional[0] ?? "").toLowerCase();
      dropped.push({ line: b.line, cmd: "log-level", why: "log-level changes only what etcd's logger prints" });
      continue;
    }
    const stabilizeLevel = b.cmd === "stabilize" ? keyedValues(b, "log-level") : undefined;
    const quiet = (stabilizeLevel === undefined ? level : one(stabilizeLevel, "log-level").toLowerCase()) === "none";
    ported++;
    const made = stepsOf(b, features);
    const events = quiet ? [] : blockEvents(b, where(b));
    if (!quiet) {
      // Lossless or nothing: the events must render back to exactly the lines etcd asserts.
      const want = withoutLogLines(b.output).filter((l) => l !== "ok" && l.trim() !== "");
      const got = renderBlock(b, events);
      if (JSON.stringify(want) !== JSON.stringify(got)) {
        throw new Error(`${where(b)}: events do not render back to etcd's output\n--- etcd\n${want.join("\n")}\n--- rendered\n${got.join("\n")}`);
      }
    }
    for (const { match, add } of ann.messageFields ?? []) {
      for (const ev of events) {
        eachMessage(ev, (m) => {
          if (Object.entries(match).every(([k, v]) => m[k] === v)) Object.assign(m, add);
        });
      }
    }
    // An error etcd returns is printed even when quiet.
    const errLine = b.output.find((l) => /^(raft proposal dropped|raft: )/.test(l));
    const rejected = errLine !== undefined && INPUT_CMDS.has(b.cmd);
    for (const ev of events) {
      known.observe(ev);
      const rd = ev["ready"] as YMap | undefined;
      if (rd?.["snapshot"] !== undefined || JSON.stringify(ev).includes('"type":"MsgSnap"')) features.add("snapshots");
    }
    if (quiet) known.forget();
    if (b.cmd === "add-nodes") {
      const count = Number(b.positional[0]);
      const index = Number(keyedValues(b, "index")?.[0] ?? 0);
      for (let k = 0; k < count; k++) known.set(++nodes, { role: "follower", term: 0, leader: 0, commit: index });
    }
    // Distribute the events over the steps the block became (only deliver-msgs makes several).
    const parts: YMap[][] = made.map(() => []);
    if (made.length === 1) parts[0] = events;
    else {
      for (const ev of events) {
        const d = ev["deliver"] as YMap | undefined;
        const msgs = (d?.["messages"] ?? []) as YMap[];
        const isDrop = msgs.some((m) => m["dropped"] === true);
        const k = made.findIndex((s) => {
          const a = s["deliver-msgs"] as YMap;
          const to = typeof a["to"] === "number" ? [a["to"]] : (a["to"] as number[]);
          return to.includes(d?.["node"] as number) && (a["drop"] === true) === isDrop;
        });
        if (k < 0) throw new Error(`${where(b)}: output event matches no deliver-msgs group`);
        (parts[k] as YMap[]).push(ev);
      }
    }
    made.forEach((s, k) => {
      const step: YMap = { ...s };
      if (INPUT_CMDS.has(b.cmd)) step["outcome"] = rejected ? "rejected" : "accepted";
      // Steps that never produce events take no `expect` (a validation error).
      const kind = Object.keys(s).find((key) => key !== "comment") as StepKind | undefined;
      if (!quiet && (kind === undefined || !NO_EVENT_STEPS.has(kind))) step["expect"] = parts[k] as Y;
      steps.push({ fields: step, line: b.line });
    });
    if (!quiet && (b.cmd === "stabilize" || b.cmd === "raft-state")) {
      const ids = b.cmd === "stabilize" && b.positional.length > 0 ? b.positional.map(Number) : Array.from({ length: nodes }, (_, i) => i + 1);
      for (const c of known.checks(ids)) steps.push({ fields: { check: c }, line: b.line });
    }
    for (const extra of ann.checks ?? []) {
      if (extra.after !== b.line) continue;
      steps.push({ fields: { check: extra.check, ...(extra.comment !== undefined ? { comment: extra.comment } : {}) }, line: b.line });
    }
  }
  for (const extra of ann.checks ?? []) {
    if (!blocks.some((b) => b.line === extra.after && b.cmd !== "log-level")) throw new Error(`${name}: annotation after line ${extra.after} names no ported block`);
  }
  const id = `etcd/interaction/${name.replace(/\.txt$/, "").replaceAll("_", "-")}`;
  const trace: YMap = {
    id,
    description: ann.description,
    source: { repo: "etcd-io/raft", path: `testdata/${name}`, commit: ETCD_COMMIT },
    features: [...features].sort(),
    ...(ann.notes !== undefined ? { notes: ann.notes } : {}),
    steps: steps.map((s) => s.fields),
  };
  return { trace, blocks: blocks.length, ported, dropped, lines: steps.map((s) => s.line) };
}
