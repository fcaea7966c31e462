// What review of each ported file adds: a description in our words, notes, and observable checks
// at points the output cannot reveal (quiet setup blocks, configurations after conf changes).
// Keys are etcd's file names; `after` is the source line of the block the check follows.
import type { Annotation } from "./convert.js";
import type { YMap } from "./describe.js";

type Check = { after: number; check: YMap; comment?: string };

/** After a block etcd runs quietly: one leader and its followers, all at one term and commit. */
function cluster(after: number, leader: number, followers: number[], term: number, commit: number, comment = "state reached by the quiet setup"): Check[] {
  return [
    { after, check: { node: leader, role: "leader", term, leader, commit }, comment },
    { after, check: { nodes: followers, role: "follower", term, leader, commit } },
  ];
}

/** The configuration the nodes have applied. */
function config(after: number, nodes: number[], voters: number[], extra: { voters_outgoing?: number[]; learners?: number[] } = {}): Check {
  return { after, check: { nodes, config: { voters, voters_outgoing: extra.voters_outgoing ?? [], learners: extra.learners ?? [] } } };
}

export const ANNOTATIONS: Readonly<Record<string, Annotation>> = {
  "async_storage_writes.txt": {
    description: "Three nodes with asynchronous storage writes. Storage work (MsgStorageAppend / MsgStorageApply) queues up on the append and apply threads to a depth of two before either thread runs; votes, acknowledgements and applied entries count only once the threads deliver their responses.",
  },
  "async_storage_writes_append_aba_race.txt": {
    description: "Seven nodes with asynchronous storage writes. The same log indexes are overwritten twice by leaders of higher terms while earlier appends are still in flight on the append thread; a late MsgStorageAppendResp for the overwritten entries must not truncate the node's unstable log (the ABA race).",
    checks: [...cluster(19, 2, [1, 3, 4, 5, 6, 7], 1, 11)],
  },
  "campaign.txt": {
    description: "A three-node cluster elects the node that campaigns: MsgVote to both peers, votes back, the leader appends its empty entry, replicates and commits it, and every node applies it.",
  },
  "campaign_learner_must_vote.txt": {
    description: "A node that is still a learner in its own, stale configuration grants its vote to a candidate that already counts it as a voter; refusing would leave the group unable to elect a leader.",
    checks: [
      ...cluster(26, 1, [2, 3], 1, 3),
      config(37, [1, 2], [1, 2, 3]),
      { ...config(76, [3], [1, 2], { learners: [3] }), comment: "node 3 has not applied its promotion yet, but voted" },
      config(90, [2, 3], [1, 2, 3]),
    ],
  },
  "checkquorum.txt": {
    description: "With CheckQuorum, a leader that hears from no quorum for an election timeout steps down; while followers have heard from a leader recently they ignore votes of a higher term (the leader lease).",
    checks: [...cluster(19, 1, [2, 3], 1, 11)],
  },
  "confchange_disable_validation.txt": {
    description: "With DisableConfChangeValidation, a conf change that looks incompatible with the configuration active when it is proposed still enters the log; entries are applied one per Ready (max-committed-size-per-ready 1).",
    checks: [
      { after: 21, check: { node: 1, role: "leader", term: 1, commit: 3 }, comment: "state reached by the quiet setup" },
      config(59, [1], [1], { learners: [2, 3] }),
    ],
  },
  "confchange_v1_add_single.txt": {
    description: "A single-voter leader adds voter 2 with a V1 ConfChange: it commits the change alone, switches to voters (1 2), and catches the empty node 2 up with a snapshot.",
    checks: [config(40, [1, 2], [1, 2])],
  },
  "confchange_v1_remove_leader.txt": {
    description: "A V1 ConfChange removes the leader. Once it has applied its own removal the leader no longer counts itself towards the quorum of later entries, and without StepDownOnRemoval it stays leader and keeps sending heartbeats.",
    checks: [
      ...cluster(16, 1, [2, 3], 1, 3),
      { ...config(85, [1], [2, 3]), comment: "the leader applied its own removal and is still leader" },
      { after: 85, check: { node: 1, role: "leader" } },
      config(117, [2], [2, 3]),
      config(146, [1, 2, 3], [2, 3]),
    ],
  },
  "confchange_v1_remove_leader_stepdown.txt": {
    description: "A V1 ConfChange removes the leader, with StepDownOnRemoval: the leader becomes a follower when it applies its removal, ignores later MsgAppResp, and can neither propose nor campaign.",
    checks: [
      ...cluster(17, 1, [2, 3], 1, 3),
      { ...config(84, [1], [2, 3]), comment: "the leader applied its own removal and stepped down" },
      { after: 84, check: { node: 1, role: "follower", leader: 0 } },
      config(120, [2], [2, 3]),
      config(149, [1, 2, 3], [2, 3]),
    ],
  },
  "confchange_v2_add_double_auto.txt": {
    description: "A V2 change adds two voters with the auto transition: the cluster enters a joint configuration and leaves it automatically; the empty new nodes are caught up by snapshots taken in the joint and the final configuration. Then two voters are removed the same way, and extra proposals must not lead to leaving the joint configuration twice.",
    checks: [
      { ...config(54, [1], [1, 2, 3], { voters_outgoing: [1] }), comment: "joint configuration entered" },
      { ...config(80, [1, 2], [1, 2, 3]), comment: "joint configuration left automatically" },
      config(156, [3], [1, 2, 3]),
      { ...config(254, [1], [1], { voters_outgoing: [1, 2, 3] }), comment: "joint configuration for the removal of 2 and 3" },
      config(288, [2, 3], [1], { voters_outgoing: [1, 2, 3] }),
      config(334, [1, 2, 3], [1]),
    ],
  },
  "confchange_v2_add_double_implicit.txt": {
    description: "A V2 change adds one voter with the implicit transition: the cluster goes through a joint configuration with AutoLeave set (snapshots carry it) and the leader leaves it on its own.",
    checks: [{ ...config(43, [1, 2], [1, 2]), comment: "the joint configuration was entered and left within this stabilize" }],
  },
  "confchange_v2_add_single_auto.txt": {
    description: "A V2 change adds one voter with the auto transition: no joint configuration, the cluster switches directly to voters (1 2).",
    checks: [config(41, [1, 2], [1, 2])],
  },
  "confchange_v2_add_single_explicit.txt": {
    description: "A V2 change adds one voter with the explicit transition: the cluster stays in the joint configuration; another change proposed meanwhile is replaced by an empty entry; an empty V2 change leaves the joint configuration, and a second one is a no-op.",
    checks: [
      { ...config(41, [1, 2], [1, 2], { voters_outgoing: [1] }), comment: "explicit transition: the joint configuration stays" },
      { ...config(113, [1, 2], [1, 2]), comment: "left by the empty V2 change" },
      { ...config(170, [1, 2], [1, 2]), comment: "a second leave is a no-op" },
    ],
  },
  "confchange_v2_replace_leader.txt": {
    description: "A joint change (explicit) removes leader 1 and adds node 4; leadership moves to node 4 while joint, node 4 leaves the joint configuration, and the removed node 1 cannot campaign.",
    checks: [
      ...cluster(22, 1, [2, 3], 1, 3),
      config(50, [1, 2, 3, 4], [2, 3, 4], { voters_outgoing: [1, 2, 3] }),
      config(324, [1, 2, 3, 4], [2, 3, 4]),
    ],
    messageFields: [{ match: { type: "MsgVote", from: 4, term: 2 }, add: { context: "CampaignTransfer" } }],
    notes: "etcd's DescribeMessage does not print a message's Context, so the file does not show that the MsgVote node 4 sends after MsgTimeoutNow carries the context CampaignTransfer (raft.go: a campaign of type campaignTransfer puts its type in the context). Our format compares Context, so the converter adds it to those messages (MsgVote from 4 at term 2).",
  },
  "confchange_v2_replace_leader_stepdown.txt": {
    description: "The same replacement of leader 1 by node 4 with StepDownOnRemoval: node 1 steps down when the joint configuration is left, node 2 is made to campaign, and node 1 cannot campaign.",
    checks: [
      ...cluster(23, 1, [2, 3], 1, 3),
      config(51, [1, 2, 3, 4], [2, 3, 4], { voters_outgoing: [1, 2, 3] }),
      config(69, [1, 2, 3, 4], [2, 3, 4]),
      { after: 69, check: { node: 1, role: "follower", leader: 0 }, comment: "node 1 stepped down when it left the joint configuration" },
      ...cluster(183, 2, [3, 4], 2, 6, "node 2 won the election that ran quietly"),
    ],
  },
  "forget_leader.txt": {
    description: "ForgetLeader is a no-op on a leader and a candidate; a follower or learner forgets its leader but keeps its term, learns the leader again from the next heartbeat, and the election timer is not reset.",
    checks: [
      ...cluster(13, 1, [2, 3, 4], 1, 11),
      ...cluster(146, 3, [1, 2, 4], 2, 12, "state reached by the quiet stabilize"),
      ...cluster(183, 2, [1, 3, 4], 3, 13, "node 2 campaigned on its timeout and won, quietly"),
    ],
  },
  "forget_leader_prevote_checkquorum.txt": {
    description: "With PreVote and CheckQuorum, a follower that has forgotten its leader grants pre-votes even though it heard from the leader recently, but still refuses a candidate whose log is behind.",
    checks: [
      ...cluster(18, 1, [2, 3], 1, 11),
      ...cluster(150, 3, [1, 2], 2, 12, "state reached by the quiet stabilize"),
      ...cluster(227, 3, [1, 2], 2, 13, "state reached by the quiet stabilize"),
    ],
  },
  "forget_leader_read_only_lease_based.txt": {
    description: "With lease-based read-only requests, ForgetLeader is refused: the follower keeps its leader.",
    checks: [...cluster(13, 1, [2, 3], 1, 11)],
  },
  "heartbeat_resp_recovers_from_probing.txt": {
    description: "ReportUnreachable moves an up-to-date follower to StateProbe; the next heartbeat round (MsgHeartbeat, MsgHeartbeatResp, an empty MsgApp and its MsgAppResp) brings it back to StateReplicate.",
    checks: [...cluster(21, 1, [2, 3], 1, 11)],
  },
  "lagging_commit.txt": {
    description: "A follower that missed a commit learns it late: the commit index a heartbeat carries is capped at the follower's Match, which the leader has not yet seen advance (etcd-io/raft issue 138).",
    checks: [...cluster(18, 1, [2, 3], 1, 11)],
  },
  "prevote.txt": {
    description: "With PreVote, a node whose log is behind cannot win a pre-vote; a node with an up-to-date log can hold an election even while the others still hear from the leader (without CheckQuorum there is no lease).",
    checks: [...cluster(20, 1, [2, 3], 1, 11)],
  },
  "prevote_checkquorum.txt": {
    description: "With PreVote and CheckQuorum, voters reject pre-votes while they have heard from the leader recently; pre-votes are granted after an election timeout without a leader, or when a quorum are pre-candidates.",
    checks: [...cluster(18, 1, [2, 3], 1, 11)],
  },
  "probe_and_replicate.txt": {
    description: "The logs of figure 7 of the Raft paper are built on seven nodes through elections with dropped messages; the new leader then probes each follower, overwrites conflicting suffixes and catches everyone up, including the follower-side skip of whole terms when probing.",
    checks: [
      { after: 259, check: { node: 5, role: "leader", term: 7, commit: 18 }, comment: "figure 7 reached quietly: node 5 leads term 7" },
      { after: 259, check: { node: 4, role: "leader", term: 6, commit: 18 }, comment: "node 4 still believes it leads term 6" },
      { after: 259, check: { nodes: [1, 2], role: "follower", commit: 18 } },
      { after: 259, check: { node: 3, role: "follower", term: 7, commit: 14 } },
      { after: 259, check: { node: 6, role: "follower", term: 7, commit: 15 } },
      { after: 259, check: { node: 7, role: "follower", term: 7, commit: 13 } },
    ],
  },
  "replicate_pause.txt": {
    description: "With at most three MsgApp in flight, the stream to a follower pauses when the window is full. MsgApps to node 3 are dropped; the next heartbeat round sends it an empty MsgApp, which it rejects for the gap, and the leader then catches it up.",
    checks: [
      ...cluster(19, 1, [2, 3], 1, 11),
      ...cluster(177, 1, [2, 3], 1, 17, "everyone caught up by the quiet stabilize"),
    ],
  },
  "single_node.txt": {
    description: "A single voter campaigns, becomes leader at once, and commits its empty entry by itself.",
  },
  "slow_follower_after_compaction.txt": {
    description: "With two MsgApp in flight, a slow follower falls behind while the leader compacts its log past the follower's progress; the follower rejects the next probe and is caught up with a snapshot.",
    checks: [
      ...cluster(17, 1, [2, 3], 1, 11),
      ...cluster(34, 1, [2, 3], 1, 14, "state reached by the quiet stabilize"),
      ...cluster(108, 1, [2, 3], 1, 18, "node 3 caught up by the quiet stabilize"),
    ],
  },
  "snapshot_succeed_via_app_resp.txt": {
    description: "A follower that needs a snapshot at the leader's last and committed index receives it; its MsgAppResp after applying the snapshot moves it to StateReplicate.",
    notes: "Messages queued for node 3 are dropped before node 3 is added, as etcd's deliver-msgs allows.",
    checks: [
      { after: 24, check: { node: 1, role: "leader", term: 1, commit: 11 }, comment: "state reached by the quiet setup" },
      { after: 24, check: { node: 2, role: "follower", term: 1, leader: 1, commit: 11 } },
    ],
  },
  "snapshot_succeed_via_app_resp_behind.txt": {
    description: "A snapshot sent by hand that is older than the leader's pending snapshot still moves the follower to StateReplicate once its MsgAppResp arrives.",
    checks: [
      { after: 33, check: { node: 1, role: "leader", term: 1, commit: 11 }, comment: "state reached by the quiet setup" },
      { after: 33, check: { node: 2, role: "follower", term: 1, leader: 1, commit: 11 } },
      { after: 33, check: { node: 3, role: "follower", term: 1, commit: 5 } },
    ],
  },
};
