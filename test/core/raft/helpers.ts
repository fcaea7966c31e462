// Single-node helpers: a RawNode over a prepared MemoryStorage, messages built by hand, and the
// messages a node wants to send.

import { makeMessage, type MessageInit } from "../../../src/core/raft/message.js";
import { RawNode } from "../../../src/core/rawnode.js";
import type { MemoryStorage } from "../../../src/core/storage.js";
import type { Config, Entry, HardState, Message, NodeId } from "../../../src/core/types.js";
import { baseConfig, storageWith } from "../rawnode/cluster.js";

export { makeMessage as msg };
export type { MessageInit };

export function entry(index: number, term: number, data = ""): Entry {
  return { index, term, type: "EntryNormal", data: new TextEncoder().encode(data) };
}

/** Entries 1..n with the given terms. */
export function log(...terms: number[]): Entry[] {
  return terms.map((t, i) => entry(i + 1, t));
}

export interface NodeSetup {
  readonly voters?: readonly NodeId[];
  readonly learners?: readonly NodeId[];
  readonly entries?: readonly Entry[];
  readonly hardState?: HardState;
  readonly config?: Partial<Config>;
}

export function node(id: NodeId, setup: NodeSetup = {}): { rn: RawNode; storage: MemoryStorage } {
  const storage = storageWith(setup.voters ?? [1, 2, 3], setup.learners ?? []);
  if (setup.entries !== undefined) storage.append(setup.entries);
  if (setup.hardState !== undefined) storage.setHardState(setup.hardState);
  return { rn: new RawNode(baseConfig(id, setup.config ?? {}), storage), storage };
}

/**
 * Takes the node's Ready, persists it into storage, advances, and returns the messages it sends
 * (sync mode).
 */
export function drain(rn: RawNode, storage: MemoryStorage): Message[] {
  const out: Message[] = [];
  while (rn.hasReady()) {
    const rd = rn.ready();
    if (rd.snapshot !== undefined) storage.applySnapshot(rd.snapshot);
    storage.append(rd.entries);
    if (rd.hardState !== undefined) storage.setHardState(rd.hardState);
    out.push(...rd.messages);
    rn.advance();
  }
  return out;
}

/** Compact view of a message for assertions: only the fields that matter to Raft. */
export function brief(m: Message): Record<string, unknown> {
  const b: Record<string, unknown> = { type: m.type, from: m.from, to: m.to, term: m.term };
  if (m.logTerm !== 0) b["logTerm"] = m.logTerm;
  if (m.index !== 0) b["index"] = m.index;
  if (m.commit !== 0) b["commit"] = m.commit;
  if (m.reject) b["reject"] = true;
  if (m.rejectHint !== 0) b["rejectHint"] = m.rejectHint;
  if (m.entries.length > 0) b["entries"] = m.entries.map((e) => `${e.term}/${e.index}`);
  return b;
}

/** Makes the node leader of a 3-voter group at term 1 by stepping votes into it. */
export function makeLeader(rn: RawNode, storage: MemoryStorage, voters: readonly NodeId[] = [1, 2, 3]): Message[] {
  rn.campaign();
  drain(rn, storage);
  const self = rn.status().id;
  const term = rn.status().hardState.term;
  for (const v of voters) {
    if (v === self) continue;
    rn.step(makeMessage({ type: "MsgVoteResp", from: v, to: self, term }));
  }
  return drain(rn, storage);
}
