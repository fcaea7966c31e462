// Bootstrapping an empty node with an initial membership (etcd's RawNode.Bootstrap). Applications
// may instead start from a Storage whose snapshot carries the initial ConfState.

import { encodeConfChange } from "../confchange/encoding.js";
import type { ConfChangeV1, Entry, NodeId } from "../types.js";
import { NONE } from "../types.js";
import { applyConfChange } from "./confchange.js";
import { EMPTY_BYTES } from "./message.js";
import type { Raft } from "./raft.js";

export interface Peer {
  readonly id: NodeId;
  readonly context?: Uint8Array;
}

/**
 * Appends one committed ConfChangeAddNode entry per peer at term 1 and applies them, so the node
 * can campaign at once. The entries stay unstable and unapplied: the application sees them in its
 * first Ready. Throws if there are no peers or the storage is not empty.
 */
export function bootstrap(r: Raft, peers: readonly Peer[]): void {
  if (peers.length === 0) throw new Error("must provide at least one peer to Bootstrap");
  if (r.raftLog.storage.lastIndex() !== 0) throw new Error("can't bootstrap a nonempty Storage");

  r.becomeFollower(1, NONE);
  const ents: Entry[] = peers.map((peer, i) => {
    const cc: ConfChangeV1 = {
      version: 1,
      id: 0,
      type: "ConfChangeAddNode",
      nodeId: peer.id,
      context: peer.context ?? EMPTY_BYTES,
    };
    return { term: 1, index: i + 1, type: "EntryConfChange", data: encodeConfChange(cc) };
  });
  r.raftLog.append(ents);
  // Committed right away: a bootstrapped membership needs no agreement. Applying the changes here
  // must follow the append, so the peers' progress starts after these entries.
  r.raftLog.committed = ents.length;
  for (const peer of peers) {
    applyConfChange(r, { version: 1, id: 0, type: "ConfChangeAddNode", nodeId: peer.id, context: EMPTY_BYTES });
  }
}
