// Driver outputs as trace events: the structured YAML counterpart of etcd's DescribeReady /
// DescribeMessage, field names in snake_case.
import type { ConfState, Entry, Message, NodeId, ProgressStatus, Ready, Snapshot, Status } from "../driver/types.js";
import { bytesToYaml, yamlToBytes } from "../trace/expect.js";
import type { Yaml, YamlMap } from "../trace/types.js";
import { confChangesToString, decodeConfChangeEntry } from "./confchange-text.js";
import { isEmptyHardState, isEmptySnapshot } from "./durable.js";
import { LOCAL_APPEND_THREAD, LOCAL_APPLY_THREAD } from "./network.js";

export function targetToYaml(id: NodeId): number | string {
  if (id === LOCAL_APPEND_THREAD) return "AppendThread";
  if (id === LOCAL_APPLY_THREAD) return "ApplyThread";
  return id;
}

export function entryToYaml(e: Entry): YamlMap {
  const base: Record<string, Yaml> = { term: e.term, index: e.index, type: e.type };
  if (e.type === "EntryNormal") return { ...base, ...bytesToYaml("data", e.data) };
  const cc = decodeConfChangeEntry(e.type, e.data);
  return { ...base, conf_change: cc === undefined ? "<undecodable>" : confChangesToString(cc.changes) };
}

export function confStateToYaml(cs: ConfState): YamlMap {
  return { voters: [...cs.voters], voters_outgoing: [...cs.votersOutgoing], learners: [...cs.learners], learners_next: [...cs.learnersNext], auto_leave: cs.autoLeave };
}

export function snapshotToYaml(s: Snapshot): YamlMap {
  return { index: s.metadata.index, term: s.metadata.term, conf_state: confStateToYaml(s.metadata.confState) };
}

export function messageToYaml(m: Message, withResponses = true): YamlMap {
  const out: Record<string, Yaml> = {
    type: m.type, from: targetToYaml(m.from), to: targetToYaml(m.to), term: m.term, log_term: m.logTerm, index: m.index,
    commit: m.commit, vote: m.vote, reject: m.reject, reject_hint: m.rejectHint,
    entries: m.entries.map(entryToYaml), ...bytesToYaml("context", m.context),
  };
  if (!isEmptySnapshot(m.snapshot) && m.snapshot !== undefined) out["snapshot"] = snapshotToYaml(m.snapshot);
  if (withResponses && m.responses.length > 0) out["responses"] = m.responses.map((r) => messageToYaml(r));
  return out;
}

export function readyToYaml(node: NodeId, rd: Ready | null): YamlMap {
  if (rd === null) return { ready: { node } };
  const out: Record<string, Yaml> = { node, must_sync: rd.mustSync };
  if (rd.softState !== undefined) out["soft_state"] = { lead: rd.softState.lead, state: rd.softState.raftState };
  if (!isEmptyHardState(rd.hardState) && rd.hardState !== undefined) out["hard_state"] = { term: rd.hardState.term, vote: rd.hardState.vote, commit: rd.hardState.commit };
  if (rd.readStates.length > 0) out["read_states"] = rd.readStates.map((r) => ({ index: r.index, ...bytesToYaml("request_ctx", r.requestCtx) }));
  if (rd.entries.length > 0) out["entries"] = rd.entries.map(entryToYaml);
  if (!isEmptySnapshot(rd.snapshot) && rd.snapshot !== undefined) out["snapshot"] = snapshotToYaml(rd.snapshot);
  if (rd.committedEntries.length > 0) out["committed_entries"] = rd.committedEntries.map(entryToYaml);
  if (rd.messages.length > 0) out["messages"] = rd.messages.map((m) => messageToYaml(m));
  return { ready: out };
}

/** etcd's Progress.IsPaused. */
export function isPaused(p: ProgressStatus): boolean {
  switch (p.state) {
    case "StateProbe":
      return p.msgAppFlowPaused;
    case "StateReplicate":
      return p.inflightFull;
    case "StateSnapshot":
      return true;
  }
}

export function statusToYaml(node: NodeId, st: Status): YamlMap {
  const progress: Record<string, Yaml> = {};
  for (const id of [...st.progress.keys()].sort((a, b) => a - b)) {
    const p = st.progress.get(id) as ProgressStatus;
    progress[String(id)] = {
      state: p.state, match: p.match, next: p.next, learner: p.isLearner, paused: isPaused(p),
      pending_snapshot: p.pendingSnapshot, inactive: !p.recentActive, inflight: p.inflightCount, full: p.inflightFull,
    };
  }
  return { status: { node, progress } };
}

function target(v: Yaml | undefined): NodeId {
  if (v === "AppendThread") return LOCAL_APPEND_THREAD;
  if (v === "ApplyThread") return LOCAL_APPLY_THREAD;
  return typeof v === "number" ? v : 0;
}

function num(v: Yaml | undefined): number {
  return typeof v === "number" ? v : 0;
}

function entryFromYaml(y: YamlMap, encodeConfChange: (e: YamlMap) => Uint8Array): Entry {
  const type = (y["type"] as Entry["type"] | undefined) ?? "EntryNormal";
  const data = type === "EntryNormal" || y["conf_change"] === undefined ? yamlToBytes(y, "data") : encodeConfChange(y);
  return { term: num(y["term"]), index: num(y["index"]), type, data };
}

/** A hand-built message from a trace's `step` input. */
export function messageFromYaml(y: YamlMap, encodeConfChange: (e: YamlMap) => Uint8Array = () => new Uint8Array()): Message {
  const snap = y["snapshot"] as YamlMap | undefined;
  const cs = (snap?.["conf_state"] as YamlMap | undefined) ?? {};
  const ids = (k: string): number[] => ((cs[k] as number[] | undefined) ?? []);
  return {
    type: y["type"] as Message["type"],
    from: target(y["from"]),
    to: target(y["to"]),
    term: num(y["term"]),
    logTerm: num(y["log_term"]),
    index: num(y["index"]),
    commit: num(y["commit"]),
    vote: num(y["vote"]),
    reject: y["reject"] === true,
    rejectHint: num(y["reject_hint"]),
    entries: ((y["entries"] as YamlMap[] | undefined) ?? []).map((e) => entryFromYaml(e, encodeConfChange)),
    context: yamlToBytes(y, "context"),
    snapshot: snap === undefined ? undefined : {
      data: yamlToBytes(snap, "data"),
      metadata: {
        index: num(snap["index"]),
        term: num(snap["term"]),
        confState: { voters: ids("voters"), learners: ids("learners"), votersOutgoing: ids("voters_outgoing"), learnersNext: ids("learners_next"), autoLeave: cs["auto_leave"] === true },
      },
    },
    responses: ((y["responses"] as YamlMap[] | undefined) ?? []).map((r) => messageFromYaml(r, encodeConfChange)),
  };
}
