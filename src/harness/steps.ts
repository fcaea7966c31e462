// Executes one trace step against the Env. Returns the input's outcome for input steps.
import type { ConfChange, MessageType, NodeId } from "../driver/types.js";
import type { NodeConfigYaml, Step, Yaml, YamlMap } from "../trace/types.js";
import { yamlToBytes } from "../trace/expect.js";
import { encodeConfChangeEntry, parseConfChanges } from "./confchange-text.js";
import { messageFromYaml } from "./describe.js";
import { Env, HarnessError } from "./env.js";
import type { MsgFilter } from "./network.js";

function ids(v: Yaml | undefined): NodeId[] | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === "number" ? [v] : (v as number[]);
}

function filterOf(a: YamlMap): MsgFilter {
  const t = a["type"];
  return {
    to: ids(a["to"]),
    from: ids(a["from"]),
    types: t === undefined ? undefined : typeof t === "string" ? [t as MessageType] : (t as MessageType[]),
  };
}

/**
 * Runs a step. For an input step it returns a function telling whether the node accepted the
 * input, which may be called once the step's calls ran (after `env.refreshStatus()`, which ends
 * every step, or `env.settle()`).
 */
export async function executeStep(env: Env, step: Step, check: () => Promise<void>): Promise<(() => boolean) | undefined> {
  const a = step.args;
  const m = (a !== null && typeof a === "object" && !Array.isArray(a) ? a : {}) as YamlMap;
  const one = a as number;
  const list = (): NodeId[] => (typeof a === "number" ? [a] : Array.isArray(a) ? (a as number[]) : (ids(m["nodes"]) ?? []));
  const node = m["node"] as number;
  switch (step.kind) {
    case "add-nodes":
      await env.addNodes(m);
      return undefined;
    case "campaign":
      return env.input(one, "campaign", (d) => d.campaign(one));
    case "propose":
      return env.input(node, "propose", (d) => d.propose(node, yamlToBytes(m, "data")));
    case "propose-conf-change": {
      const changes = parseConfChanges(m["changes"] as string);
      const context = new Uint8Array(Buffer.from((m["context"] as string | undefined) ?? "", "utf8"));
      let cc: ConfChange;
      if (m["v1"] === true) {
        const c = changes[0];
        if (c === undefined) throw new HarnessError("a v1 conf change needs one change");
        cc = { version: 1, id: 0, type: c.type, nodeId: c.nodeId, context };
      } else {
        cc = { version: 2, transition: (m["transition"] as "auto" | "implicit" | "explicit" | undefined) ?? "auto", changes, context };
      }
      return env.input(node, "propose-conf-change", (d) => d.proposeConfChange(node, cc));
    }
    case "tick": {
      const count = (m["count"] as number | undefined) ?? 1;
      await env.tickNodes(ids(m["node"]) ?? ids(m["nodes"]) ?? [], count);
      return undefined;
    }
    case "tick-heartbeat":
    case "tick-election": {
      // `tick-election: N` names node N; `{node | nodes, times}` repeats the interval `times` times.
      const targets = typeof a === "number" ? [a] : (ids(m["node"]) ?? ids(m["nodes"]) ?? []);
      const times = (m["times"] as number | undefined) ?? 1;
      for (const id of targets) {
        const c = env.node(id).config;
        await env.tick(id, times * (step.kind === "tick-election" ? c.electionTick : c.heartbeatTick));
      }
      return undefined;
    }
    case "set-randomized-election-timeout":
      await env.setRandomizedElectionTimeout(node, m["timeout"] as number);
      return undefined;
    case "transfer-leadership": {
      const from = m["from"] as number;
      return env.input(from, "transfer-leadership", (d) => d.transferLeader(from, m["to"] as number));
    }
    case "forget-leader":
      return env.input(one, "forget-leader", (d) => d.forgetLeader(one));
    case "report-unreachable":
      return env.input(node, "report-unreachable", (d) => d.reportUnreachable(node, m["peer"] as number));
    case "report-snapshot":
      return env.input(node, "report-snapshot", (d) => d.reportSnapshot(node, m["peer"] as number, m["failed"] === true));
    case "read-index":
      return env.readIndex(node, yamlToBytes(m, "ctx"));
    case "step": {
      const msg = messageFromYaml(m["message"] as YamlMap, (e) => encodeConfChangeEntry({
        v1: e["type"] === "EntryConfChange", transition: "auto", changes: parseConfChanges(String(e["conf_change"] ?? "")), context: new Uint8Array(),
      }));
      return env.inject(node, msg);
    }
    case "send-snapshot":
      await env.sendSnapshot(m["from"] as number, m["to"] as number);
      return undefined;
    case "compact":
      await env.compact(node, m["index"] as number);
      return undefined;
    case "process-ready":
      await env.processReadies(list());
      return undefined;
    case "process-append-thread":
      await env.processAppendThreads(list());
      return undefined;
    case "process-apply-thread":
      await env.processApplyThreads(list());
      return undefined;
    case "deliver-msgs": {
      const f: MsgFilter = typeof a === "number" || Array.isArray(a) ? { to: list() } : filterOf(m);
      const recipients = f.to ?? env.net.recipients({ from: f.from, types: f.types });
      await env.deliverMsgs(recipients, { from: f.from, types: f.types }, m["drop"] === true, (m["first"] as number | undefined) ?? Infinity);
      return undefined;
    }
    case "hold":
      env.net.hold(filterOf(m), (m["first"] as number | undefined) ?? Infinity);
      return undefined;
    case "release":
      env.net.release(filterOf(m));
      return undefined;
    case "stabilize":
      await env.stabilize(list());
      return undefined;
    case "partition":
      env.net.partition(a as number[][]);
      return undefined;
    case "isolate":
      env.net.isolate(one, env.nodes.map((n) => n.id));
      return undefined;
    case "heal":
      env.net.heal();
      return undefined;
    case "cut":
      env.net.cut(m["from"] as number, m["to"] as number);
      return undefined;
    case "duplicate":
      env.net.duplicate(filterOf(m));
      return undefined;
    case "reorder":
      env.net.reorder(filterOf(m), env.prng);
      return undefined;
    case "crash":
      await env.crash(one);
      return undefined;
    case "restart":
      await env.restart(node, m["config"] as NodeConfigYaml | undefined);
      return undefined;
    case "raft-state":
      await env.raftState();
      return undefined;
    case "raft-log":
      env.raftLog(one);
      return undefined;
    case "status":
      await env.status(one);
      return undefined;
    case "check":
      await check();
      return undefined;
  }
}
