// Linearizable reads (ReadIndex, thesis §6.4): the leader records its commit index for each read
// and serves it once a quorum has confirmed its leadership (safe), or at once relying on its lease
// (leaseBased).
//
// Safe reads are numbered in arrival order. A heartbeat carries, as an 8-byte little-endian
// context, the number of reads issued so far; a follower echoes it, and once a quorum echoed
// numbers >= n, the first n reads are confirmed.

import type { JointConfig } from "../quorum/joint.js";
import type { AckedIndexer } from "../quorum/types.js";
import type { Index, Message, NodeId, ReadOnlyOption } from "../types.js";
import { NONE } from "../types.js";
import { EMPTY_BYTES, type MessageInit } from "./message.js";
import type { Raft } from "./raft.js";
import { bcastHeartbeat } from "./replication.js";

export interface ReadIndexRequest {
  readonly req: Message;
  readonly index: Index;
}

export class ReadOnly implements AckedIndexer {
  /** Highest read number each peer acknowledged. */
  private readonly acks = new Map<NodeId, number>();
  private unconfirmedReads: ReadIndexRequest[] = [];
  /** Reads confirmed so far (removed from the front of unconfirmedReads). */
  private confirmedReads = 0;

  constructor(readonly option: ReadOnlyOption) {}

  /** Queues a read received when the commit index was commitIndex. */
  addRequest(commitIndex: Index, req: Message): void {
    this.unconfirmedReads.push({ req, index: commitIndex });
  }

  recvAck(from: NodeId, ctx: Uint8Array): void {
    if (ctx.length === 0) return;
    this.acks.set(from, Math.max(this.acks.get(from) ?? 0, decodeCounter(ctx)));
  }

  ackedIndex(voterId: NodeId): Index | undefined {
    return this.acks.get(voterId);
  }

  /** Removes and returns the reads a quorum has now confirmed, oldest first. */
  maybeAdvance(voters: JointConfig): ReadIndexRequest[] {
    const confirmed = voters.committedIndex(this);
    if (confirmed <= this.confirmedReads) return [];
    const n = confirmed - this.confirmedReads;
    const done = this.unconfirmedReads.slice(0, n);
    this.unconfirmedReads = this.unconfirmedReads.slice(n);
    this.confirmedReads = confirmed;
    return done;
  }

  /** The heartbeat context confirming every queued read; empty when none is queued. */
  heartbeatCtx(): Uint8Array {
    if (this.unconfirmedReads.length === 0) return EMPTY_BYTES;
    return encodeCounter(this.confirmedReads + this.unconfirmedReads.length);
  }
}

function encodeCounter(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  return out;
}

/** Reads the little-endian counter; contexts of other lengths are zero-padded or cut to 8 bytes. */
function decodeCounter(ctx: Uint8Array): number {
  const buf = new Uint8Array(8);
  buf.set(ctx.subarray(0, 8));
  return Number(new DataView(buf.buffer).getBigUint64(0, true));
}

/** Whether the leader has committed an entry of its own term (its commit index is current). */
export function committedEntryInCurrentTerm(r: Raft): boolean {
  return r.raftLog.zeroTermOnOutOfBounds(r.raftLog.committed) === r.term;
}

/**
 * The answer to a read: a read state for a local request (returns null), or a MsgReadIndexResp
 * to the follower that forwarded it.
 */
export function responseToReadIndexReq(r: Raft, req: Message, readIndex: Index): MessageInit | null {
  const ctx = req.entries[0]?.data ?? EMPTY_BYTES;
  if (req.from === NONE || req.from === r.id) {
    r.readStates.push({ index: readIndex, requestCtx: ctx });
    return null;
  }
  return { type: "MsgReadIndexResp", to: req.from, index: readIndex, entries: req.entries };
}

/** Serves a read at the current commit index: after a heartbeat round (safe) or at once (lease). */
export function sendMsgReadIndexResponse(r: Raft, m: Message): void {
  switch (r.readOnly.option) {
    case "safe":
      r.readOnly.addRequest(r.raftLog.committed, m);
      // The leader acknowledges its own heartbeat.
      r.readOnly.recvAck(r.id, r.readOnly.heartbeatCtx());
      bcastHeartbeat(r);
      return;
    case "leaseBased": {
      const resp = responseToReadIndexReq(r, m, r.raftLog.committed);
      if (resp !== null) r.send(resp);
      return;
    }
  }
}

/** Serves the reads held back until the leader committed an entry of its term. */
export function releasePendingReadIndexMessages(r: Raft): void {
  if (r.pendingReadIndexMessages.length === 0) return;
  if (!committedEntryInCurrentTerm(r)) return;
  const msgs = r.pendingReadIndexMessages;
  r.pendingReadIndexMessages = [];
  for (const m of msgs) sendMsgReadIndexResponse(r, m);
}
