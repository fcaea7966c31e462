// The catalogue of classic Raft bugs. Each is a set of text patches to the reference core, applied
// to a temporary copy at test time (load.ts): nothing here reaches the product's runtime path.
// Every `find` must occur exactly once in its file, so a patch that no longer applies fails loudly
// instead of silently testing the correct core.

export interface Patch {
  /** Path under src/. */
  readonly file: string;
  readonly find: string;
  readonly replace: string;
}

export interface Mutant {
  /** Stable kebab-case name (used in file names and trace ids). */
  readonly id: string;
  /** What the bug is, in one line. */
  readonly bug: string;
  readonly patches: readonly Patch[];
}

export const MUTANTS: readonly Mutant[] = [
  {
    id: "vote-not-persisted",
    bug: "the vote is not part of the persisted HardState: a restarted node has forgotten whom it voted for",
    patches: [
      {
        file: "core/rawnode.ts",
        find: "...(hardState !== undefined ? { hardState } : {}),",
        replace: "...(hardState !== undefined ? { hardState: { ...hardState, vote: 0 } } : {}),",
      },
      {
        file: "core/rawnode.ts",
        find: "if (rd.hardState !== undefined && !isEmptyHardState(rd.hardState)) this.prevHardSt = rd.hardState;",
        replace: "if (rd.hardState !== undefined && !isEmptyHardState(rd.hardState)) this.prevHardSt = { ...rd.hardState, vote: r.vote };",
      },
    ],
  },
  {
    id: "vote-granted-twice",
    bug: "a node grants its vote to any candidate while it knows no leader, even after voting in the term",
    patches: [{ file: "core/raft/election.ts", find: "(r.vote === 0 && r.lead === 0) ||", replace: "r.lead === 0 ||" }],
  },
  {
    id: "up-to-date-index-only",
    bug: "the vote's up-to-date check compares last indexes only, ignoring last terms",
    patches: [
      {
        file: "core/log.ts",
        find: "return their.term > our.term || (their.term === our.term && their.index >= our.index);",
        replace: "return their.index >= our.index;",
      },
    ],
  },
  {
    id: "commit-previous-term-by-count",
    bug: "a leader commits an entry of a previous term once a majority stores it (Raft paper, Figure 8)",
    patches: [
      {
        file: "core/raft/replication.ts",
        find: "return r.raftLog.maybeCommit({ term: r.term, index: r.trk.committed() });",
        replace: "return r.raftLog.maybeCommit({ term: r.raftLog.zeroTermOnOutOfBounds(r.trk.committed()), index: r.trk.committed() });",
      },
    ],
  },
  {
    id: "follower-commit-without-min",
    bug: "a follower sets commit to the leader's commit (bounded only by its own last index), not min(leaderCommit, index of the last new entry)",
    patches: [{ file: "core/log.ts", find: "this.commitTo(Math.min(committed, lastNewIndex));", replace: "this.commitTo(Math.min(committed, this.lastIndex()));" }],
  },
  {
    id: "no-truncate-conflicting-suffix",
    bug: "a follower keeps its conflicting entries and only appends what lies beyond its last index",
    patches: [
      {
        file: "core/log.ts",
        find: "this.append(a.entries.slice(ci - offset));",
        replace: "const fresh = a.entries.slice(ci - offset).filter((e) => e.index > this.lastIndex());\n      if (fresh.length > 0) this.append(fresh);",
      },
    ],
  },
  {
    id: "truncate-on-stale-append",
    bug: "a follower truncates its log after every append, so a stale (reordered) append cuts off entries it already acknowledged",
    patches: [
      {
        file: "core/log.ts",
        find: "const ci = this.findConflict(a.entries);",
        replace: "const ci = a.entries.length > 0 ? Math.min(Math.max(a.prev.index + 1, this.committed + 1), lastNewIndex + 1) : 0;",
      },
      {
        file: "core/log.ts",
        find: "this.append(a.entries.slice(ci - offset));",
        replace: "if (ci <= lastNewIndex) this.append(a.entries.slice(ci - offset));",
      },
    ],
  },
  {
    id: "learners-in-quorum",
    bug: "learners' match indexes count towards the commit quorum",
    patches: [
      {
        file: "core/tracker/tracker.ts",
        find: "return this.config.voters.committedIndex(acked);",
        replace:
          "const members = [...this.config.voters.ids(), ...this.config.learners];\n" +
          "    const matched = members.map((id) => acked.ackedIndex(id) ?? 0).sort((a, b) => b - a);\n" +
          "    return matched[Math.floor(members.length / 2)] ?? 0;",
      },
    ],
  },
  {
    id: "joint-new-majority-only",
    bug: "in a joint configuration only the incoming majority is counted, for commits and for votes",
    patches: [
      {
        file: "core/quorum/joint.ts",
        find: "return Math.min(this[0].committedIndex(acked), this[1].committedIndex(acked));",
        replace: "return this[0].committedIndex(acked);",
      },
      { file: "core/quorum/joint.ts", find: "const r1 = this[1].voteResult(votes);", replace: "const r1 = r0;" },
    ],
  },
  {
    id: "prevote-bumps-term",
    bug: "a node that receives a pre-vote request for a higher term adopts that term",
    patches: [
      {
        file: "core/raft/raft.ts",
        find: 'if (m.type === "MsgPreVote") {\n        // A pre-vote never changes the term.\n      } else if',
        replace: "if (",
      },
    ],
  },
  {
    id: "lease-read-without-check-quorum",
    bug: "lease-based reads are served by a leader that does not run CheckQuorum (etcd refuses this configuration)",
    patches: [
      {
        file: "core/raft/validate.ts",
        find: "const checkQuorum = c.checkQuorum ?? false;",
        replace: 'const checkQuorum = (c.checkQuorum ?? false) && readOnlyOption !== "leaseBased";',
      },
      {
        file: "core/raft/validate.ts",
        find: 'if (readOnlyOption === "leaseBased" && !checkQuorum) {',
        replace: "if (false) {",
      },
    ],
  },
  {
    id: "stale-heartbeat-ack-confirms-read",
    bug: "any heartbeat response confirms every pending read, even one answering a heartbeat sent before the read arrived",
    patches: [
      {
        file: "core/raft/leader.ts",
        find: "r.readOnly.recvAck(m.from, m.context);",
        replace: "r.readOnly.recvAck(m.from, r.readOnly.heartbeatCtx());",
      },
    ],
  },
  {
    id: "leader-ignores-higher-term",
    bug: "a leader does not step down when it sees a higher term",
    patches: [{ file: "core/raft/raft.ts", find: "} else if (m.term > this.term) {", replace: '} else if (m.term > this.term && this.state !== "StateLeader") {' }],
  },
  {
    id: "apply-before-commit",
    bug: "entries are handed to the application once they are stable, before they are committed",
    patches: [
      { file: "core/log.ts", find: "return Math.min(this.committed, this.unstable.offset - 1);", replace: "return Math.max(this.committed, this.unstable.offset - 1);" },
      { file: "core/log.ts", find: "if (this.committed < i || i < this.applied) {", replace: "if (i < this.applied) {" },
    ],
  },
  {
    id: "snapshot-restore-keeps-log",
    bug: "restoring a snapshot keeps the entries after the snapshot index instead of discarding the whole log",
    patches: [
      {
        file: "core/log.ts",
        find: "    this.committed = s.metadata.index;\n    this.unstable.restore(s);\n",
        replace:
          "    let kept: Entry[] = [];\n" +
          "    try {\n" +
          "      const lo = Math.max(s.metadata.index + 1, this.firstIndex());\n" +
          "      kept = this.lastIndex() >= lo ? this.slice(lo, this.lastIndex() + 1, NO_LIMIT) : [];\n" +
          "    } catch {\n" +
          "      kept = [];\n" +
          "    }\n" +
          "    this.committed = s.metadata.index;\n" +
          "    this.unstable.restore(s);\n" +
          "    if (kept[0]?.index === s.metadata.index + 1) this.unstable.truncateAndAppend(kept);\n",
      },
    ],
  },
];
