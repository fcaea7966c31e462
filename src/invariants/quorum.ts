// Majority and joint quorums over an observed configuration (etcd quorum/majority.go, quorum/joint.go).
import type { ConfigObs, NodeKey } from "./observation.js";

/** True when `members` holds a majority of `voters`; an empty voter set is satisfied (etcd's convention). */
export function isMajority(members: ReadonlySet<NodeKey>, voters: readonly NodeKey[]): boolean {
  if (voters.length === 0) return true;
  let n = 0;
  for (const v of voters) if (members.has(v)) n++;
  return 2 * n > voters.length;
}

/** Quorum(V, O): a majority of the incoming voters and, in a joint config, of the outgoing ones too. */
export function isQuorum(members: ReadonlySet<NodeKey>, config: ConfigObs): boolean {
  return isMajority(members, config.voters) && isMajority(members, config.votersOutgoing);
}

export function isVoter(id: NodeKey, config: ConfigObs): boolean {
  return config.voters.includes(id) || config.votersOutgoing.includes(id);
}

export function isJoint(config: ConfigObs): boolean {
  return config.votersOutgoing.length > 0;
}

export function sameConfig(a: ConfigObs, b: ConfigObs): boolean {
  return sameSet(a.voters, b.voters) && sameSet(a.votersOutgoing, b.votersOutgoing) && sameSet(a.learners, b.learners);
}

export function sameSet(a: readonly NodeKey[], b: readonly NodeKey[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  // Usually the same order (checked after every step for every node): no set needed then.
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (i === a.length) return true;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

export function symmetricDifference(a: readonly NodeKey[], b: readonly NodeKey[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  let n = 0;
  for (const x of sa) if (!sb.has(x)) n++;
  for (const x of sb) if (!sa.has(x)) n++;
  return n;
}

export function fmtConfig(c: ConfigObs): string {
  const o = c.votersOutgoing.length > 0 ? ` outgoing=[${c.votersOutgoing.join(",")}]` : "";
  const l = c.learners.length > 0 ? ` learners=[${c.learners.join(",")}]` : "";
  return `voters=[${c.voters.join(",")}]${o}${l}`;
}
