// Shared vocabulary of the quorum package: vote outcomes and the lookup of acknowledged indexes.

import type { Index, NodeId } from "../types.js";

export type { Index } from "../types.js";

/**
 * Outcome of an election as far as the votes received so far allow to tell. etcd numbers these
 * 1..3; the names are what tests and logs show.
 */
export type VoteResult =
  /** Neither the granted nor the rejected votes form a quorum yet. */
  | "VotePending"
  /** A quorum rejected: no later vote can change that. */
  | "VoteLost"
  /** A quorum granted. */
  | "VoteWon";

/** Votes received in an election: true = granted, false = rejected, absent = not heard from. */
export type Votes = ReadonlyMap<NodeId, boolean>;

/**
 * Looks up the index a voter is known to have acknowledged (for the leader, its Progress.match;
 * for read-only requests, whether a heartbeat was answered). undefined = nothing known about the
 * voter, which counts like index 0.
 */
export interface AckedIndexer {
  ackedIndex(voterId: NodeId): Index | undefined;
}

/** An AckedIndexer backed by a plain map (tests, read-only acks). */
export function mapAckIndexer(acked: ReadonlyMap<NodeId, Index>): AckedIndexer {
  return { ackedIndex: (id) => acked.get(id) };
}
