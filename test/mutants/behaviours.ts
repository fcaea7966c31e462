// The reference core without one of etcd-io/raft's behaviours (spec/protocol.md §5.1): each is a
// correct Raft that another library may legitimately be. They are not bugs: a trace that fails
// against one depends on that behaviour and must list it in `features` (scripts/behaviour-tags.ts
// derives and checks the tags from them; the behaviours the harness stands in for — campaign,
// check_quorum_optional, pre_vote_optional, step_down_on_removal_optional — are derived by running the reference without the
// feature instead), and driver-check's scenario for the behaviour must fail
// against it (test/cli/driver-check-neutral.test.ts).
import type { Mutant } from "./catalogue.js";

export interface BehaviourMutant extends Mutant {
  /** The feature the patched core lacks. */
  readonly feature: string;
}

export const BEHAVIOUR_MUTANTS: readonly BehaviourMutant[] = [
  {
    id: "no-empty-entry-on-election",
    feature: "empty_entry_on_election",
    bug: "a new leader appends nothing of its term until the first proposal (canonical/raft)",
    patches: [
      {
        file: "core/raft/raft.ts",
        find: `    if (!appendEntry(this, [{ term: 0, index: 0, type: "EntryNormal", data: new Uint8Array(0) }])) {
      throw new Error("empty entry was dropped");
    }
  }`,
        replace: "  }",
      },
    ],
  },
  {
    id: "no-commit-broadcast",
    feature: "commit_broadcast",
    bug: "a leader tells followers a new commit index only with its next append or heartbeat (canonical/raft)",
    patches: [
      {
        file: "core/raft/leader.ts",
        find: `    releasePendingReadIndexMessages(r);
    bcastAppend(r);
  } else if (r.id !== m.from && pr.canBumpCommit(r.raftLog.committed)) {
    // The peer may lack the latest commit index; tell it before the next heartbeat would.
    sendAppend(r, m.from);
  }`,
        replace: `    releasePendingReadIndexMessages(r);
  }`,
      },
    ],
  },
  {
    id: "no-proposal-forwarding",
    feature: "proposal_forwarding",
    bug: "a follower refuses a proposal instead of passing it to its leader (canonical/raft, hashicorp/raft)",
    patches: [{ file: "core/raft/follower.ts", find: "if (r.config.disableProposalForwarding) return", replace: "if (r.config.disableProposalForwarding || true) return" }],
  },
  {
    id: "volatile-commit",
    feature: "durable_commit",
    bug: "the commit index is not restored on restart: a restarted node starts at its snapshot (canonical/raft)",
    patches: [{ file: "core/raft/raft.ts", find: "    this.raftLog.committed = state.commit;\n", replace: "" }],
  },
  {
    id: "candidate-waits-after-lost-vote",
    feature: "step_down_on_lost_vote",
    bug: "a candidate that a quorum rejected stays candidate until its election timer fires (Raft §5.2; canonical/raft)",
    patches: [
      {
        file: "core/raft/candidate.ts",
        find: `          // A pre-vote response carries the future term; stay at ours.
          r.becomeFollower(r.term, NONE);`,
        replace: "          // (waits for the election timer)",
      },
    ],
  },
  {
    id: "refuse-conf-change-now",
    feature: "conf_change_noop",
    bug: "a conf change the leader cannot take now (one pending, or not fitting the joint state) refuses the proposal instead of appending an empty entry (canonical/raft, hashicorp/raft)",
    patches: [
      {
        file: "core/raft/leader.ts",
        find: `      // Keep the proposal's shape (and so the indexes of the others) with an empty normal entry.
      entries[i] = { term: 0, index: 0, type: "EntryNormal", data: new Uint8Array(0) };`,
        replace: `      refusedNow = true;`,
      },
      {
        file: "core/raft/leader.ts",
        find: `  const entries: Entry[] = [...m.entries];
  entries.forEach((e, i) => {`,
        replace: `  const entries: Entry[] = [...m.entries];
  let refusedNow = false;
  entries.forEach((e, i) => {`,
      },
      {
        file: "core/raft/leader.ts",
        find: `  if (!appendEntry(r, entries)) return "ErrProposalDropped";
  bcastAppend(r);
  return null;`,
        replace: `  if (refusedNow) return "ErrProposalDropped";
  if (!appendEntry(r, entries)) return "ErrProposalDropped";
  bcastAppend(r);
  return null;`,
      },
    ],
  },
  {
    id: "transfer-keeps-pending",
    feature: "transfer_replaces_pending",
    bug: "a transfer request while another is pending is ignored: the pending one runs until it completes or times out (canonical/raft refuses it)",
    patches: [
      {
        file: "core/raft/leader.ts",
        find: `  if (r.leadTransferee !== NONE) {
    if (r.leadTransferee === transferee) return;
    r.abortLeaderTransfer();
  }`,
        replace: `  if (r.leadTransferee !== NONE) return;`,
      },
    ],
  },
  {
    id: "prevote-by-log-only",
    feature: "prevote_respects_vote",
    bug: "a pre-vote of the node's own term is judged by the requester's log (and a known leader) only, not by the vote the node gave in that term (canonical/raft, Raft thesis §9.6)",
    patches: [
      {
        file: "core/raft/election.ts",
        find: `    (m.type === "MsgPreVote" && m.term > r.term);`,
        replace: `    (m.type === "MsgPreVote" && (m.term > r.term || r.lead === 0));`,
      },
    ],
  },
  {
    id: "no-vote-while-leader-known",
    feature: "vote_while_leader_known",
    bug: "a node that knows a leader refuses every vote request, its leader's repeated one included, until its own election timer fires and it campaigns (canonical/raft: the Raft thesis §4.2.3 guard, bounded by the node's own timer rather than election_tick, and on whatever CheckQuorum says)",
    patches: [
      {
        file: "core/raft/raft.ts",
        find: `        const inLease =
          this.config.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;`,
        replace: `        const inLease = this.lead !== NONE;`,
      },
      {
        file: "core/raft/election.ts",
        find: `    r.vote === m.from ||`,
        replace: `    (r.vote === m.from && r.lead === 0) ||`,
      },
    ],
  },
  {
    id: "prevote-rejection-keeps-term",
    feature: "prevote_learns_term",
    bug: "a pre-candidate does not adopt the term of a pre-vote rejection one above its own (the term it asked for): it stays at its term (canonical/raft raises its term only for a rejection of a later term still)",
    patches: [
      {
        file: "core/raft/raft.ts",
        find: `      } else if (m.type === "MsgPreVoteResp" && !m.reject) {`,
        replace: `      } else if (m.type === "MsgPreVoteResp" && (!m.reject || m.term === this.term + 1)) {`,
      },
    ],
  },
  {
    id: "non-voter-refuses-votes",
    feature: "vote_as_non_voter",
    bug: "a node that is not a voter in its own configuration (a learner, or one the configuration does not list yet) refuses every vote and pre-vote request, answering with the request's term (canonical/raft)",
    patches: [
      {
        file: "core/raft/election.ts",
        find: `export function stepVote(r: Raft, m: Message): void {
`,
        replace: `export function stepVote(r: Raft, m: Message): void {
  const self = r.trk.progress.get(r.id);
  if (self === undefined || self.isLearner) {
    r.send({ to: m.from, term: m.term, type: voteRespMsgType(m.type), reject: true });
    return;
  }
`,
      },
    ],
  },
  {
    id: "matching-snapshot-keeps-commit",
    feature: "matching_snapshot_commits",
    bug: "a snapshot whose last index and term the follower's log already holds is only acknowledged: the commit index stays where it was until the next append (canonical/raft)",
    patches: [
      {
        file: "core/raft/replication.ts",
        find: `  if (log.matchTerm(id)) {
    log.commitTo(id.index);
    return false;
  }`,
        replace: `  if (log.matchTerm(id)) {
    return false;
  }`,
      },
    ],
  },
  {
    id: "append-dropped-during-snapshot",
    feature: "append_during_snapshot",
    bug: "a follower that is still storing a snapshot drops appends that carry entries, for the leader to send again (canonical/raft)",
    patches: [
      {
        file: "core/raft/replication.ts",
        find: `export function handleAppendEntries(r: Raft, m: Message): void {
  const log = r.raftLog;
`,
        replace: `export function handleAppendEntries(r: Raft, m: Message): void {
  const log = r.raftLog;
  if (m.entries.length > 0 && log.hasNextOrInProgressSnapshot()) return;
`,
      },
    ],
  },
  {
    id: "config-on-append",
    feature: "config_on_apply",
    bug: "a configuration is in force as soon as its entry is in the log (Raft thesis §4.1; canonical/raft, hashicorp/raft): a node uses the last conf change of its log, committed or not, and falls back to the applied one when a new leader's append truncates it; the leader still steps down on its removal only once the removal is applied",
    patches: [
      {
        file: "core/raft/confchange.ts",
        find: `/** Applies a committed conf change to the tracker; returns the resulting ConfState. */
export function applyConfChange(r: Raft, cc: ConfChange): ConfState {`,
        replace: `// The configuration of the applied conf changes and the index of the last one, per node.
const applied = new WeakMap<Raft, { cs: ConfState; index: number }>();

function logConfEntries(r: Raft, after: number): Entry[] {
  const lo = Math.max(after + 1, r.raftLog.firstIndex());
  const hi = r.raftLog.lastIndex();
  if (lo > hi) return [];
  // Single-server (V1) changes only: joint configurations keep etcd's apply-time rule here.
  return r.raftLog.slice(lo, hi + 1, Number.MAX_SAFE_INTEGER).filter((e) => e.type === "EntryConfChange");
}

/** A scratch tracker holding cs, to run conf changes on. */
function scratch(r: Raft, cs: ConfState): ProgressTracker {
  const trk = new ProgressTracker(r.config.maxInflightMsgs, r.config.maxInflightBytes);
  const base = mustSucceed(restore(new Changer(trk, r.raftLog.lastIndex()), cs), "unable to restore config");
  trk.config = base.config;
  trk.progress = base.progress;
  return trk;
}

/** Puts in force the applied configuration plus every conf change of the log after it. */
export function adoptLogConfig(r: Raft): void {
  const a = applied.get(r);
  if (a === undefined) return;
  const trk = scratch(r, a.cs);
  for (const e of logConfEntries(r, a.index)) {
    const res = changeResult(trk, r.raftLog.lastIndex(), decodeConfChange(e.type, e.data));
    if (!res.ok) continue;
    trk.config = res.config;
    trk.progress = res.progress;
  }
  if (confStateEquivalent(trk.confState(), r.trk.confState()) === null) return;
  const progress = trk.progress;
  for (const [id, pr] of r.trk.progress) if (progress.has(id)) progress.set(id, pr);
  const stepDown = r.config.stepDownOnRemoval;
  r.config.stepDownOnRemoval = false;
  try {
    switchToConfig(r, trk.config, progress);
  } finally {
    r.config.stepDownOnRemoval = stepDown;
  }
}

/** Records the configuration the node starts from (a snapshot's, or its storage's). */
export function adoptFrom(r: Raft, cs: ConfState, index: number): void {
  applied.set(r, { cs, index });
  adoptLogConfig(r);
}

/** The application applies a committed conf change: it is in force already; the applied configuration moves on. */
export function applyConfChange(r: Raft, cc: ConfChange): ConfState {
  const a = applied.get(r);
  const next = a === undefined ? undefined : logConfEntries(r, a.index)[0];
  if (a === undefined || next === undefined) {
    const cs = applyConfChangeNow(r, cc);
    if (a !== undefined) a.cs = cs;
    return cs;
  }
  const trk = scratch(r, a.cs);
  const res = mustSucceed(changeResult(trk, r.raftLog.lastIndex(), cc), "unable to apply conf change", (msg) => new ConfChangeApplyError(msg));
  trk.config = res.config;
  trk.progress = res.progress;
  a.cs = trk.confState();
  a.index = next.index;
  adoptLogConfig(r);
  const pr = r.trk.progress.get(r.id);
  if ((pr === undefined || pr.isLearner) && r.state === "StateLeader" && r.config.stepDownOnRemoval) r.becomeFollower(r.term, NONE);
  return a.cs;
}

function applyConfChangeNow(r: Raft, cc: ConfChange): ConfState {`,
      },
      {
        file: "core/raft/confchange.ts",
        find: `import { encodeConfChange } from "../confchange/encoding.js";`,
        replace: `import { decodeConfChange, encodeConfChange } from "../confchange/encoding.js";`,
      },
      {
        file: "core/raft/raft.ts",
        find: `    restoreConfState(this, confState);
    if (!isEmptyHardState(hardState)) this.loadState(hardState);`,
        replace: `    restoreConfState(this, confState);
    adoptFrom(this, this.trk.confState(), this.raftLog.firstIndex() - 1);
    if (!isEmptyHardState(hardState)) this.loadState(hardState);`,
      },
      {
        file: "core/raft/raft.ts",
        find: `import { encodeLeaveJointProposal, restoreConfState } from "./confchange.js";`,
        replace: `import { adoptFrom, encodeLeaveJointProposal, restoreConfState } from "./confchange.js";`,
      },
      {
        file: "core/raft/replication.ts",
        find: `import { restoreConfState, snapshotIncludes } from "./confchange.js";`,
        replace: `import { adoptFrom, adoptLogConfig, restoreConfState, snapshotIncludes } from "./confchange.js";`,
      },
      {
        file: "core/raft/replication.ts",
        find: `  const last = r.raftLog.append(stamped);
  r.send({ to: r.id, type: "MsgAppResp", index: last });
  return true;`,
        replace: `  const last = r.raftLog.append(stamped);
  r.send({ to: r.id, type: "MsgAppResp", index: last });
  if (stamped.some((e) => e.type !== "EntryNormal")) adoptLogConfig(r);
  return true;`,
      },
      {
        file: "core/raft/replication.ts",
        find: `  if (lastNewIndex !== undefined) {
    r.send({ to: m.from, type: "MsgAppResp", index: lastNewIndex });`,
        replace: `  if (lastNewIndex !== undefined) {
    adoptLogConfig(r);
    r.send({ to: m.from, type: "MsgAppResp", index: lastNewIndex });`,
      },
      {
        file: "core/raft/replication.ts",
        find: `  log.restore(s);
  restoreConfState(r, s.metadata.confState);
  return true;`,
        replace: `  log.restore(s);
  restoreConfState(r, s.metadata.confState);
  adoptFrom(r, s.metadata.confState, s.metadata.index);
  return true;`,
      },
    ],
  },
];
