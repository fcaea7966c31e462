// `driver-check --driver CMD`: a readable checklist that exercises a driver over the real protocol
// (handshake, each declared capability once, the unknown_command error, determinism) and exits 0
// only if every item passes.
import { createStdioDriver, type RawResponse, type StdioDriver, type StdioDriverOptions } from "../driver/stdio-client.js";
import { splitShellWords } from "../driver/shell-words.js";
import { FEATURES, type DriverInfo, type Feature } from "../driver/types.js";
import { BATCH_VERSION, PROTOCOL_VERSIONS, READY_ADVANCE_VERSION } from "../driver/protocol-schema.js";
import { BASE_CONFIG } from "../harness/config.js";
import { runTrace } from "../harness/run.js";
import { loadTraceText } from "../trace/load.js";
import { intFlag, parseFlags, stringFlag } from "./args.js";
import { UsageError } from "./errors.js";
import { EXIT_FAILED, EXIT_OK } from "./exit-code.js";
import { DRIVER_CHECK_HELP } from "./help-driver-check.js";
import type { CliIo } from "./io.js";

/**
 * The scenarios judge Raft, not etcd: roles, terms, leaders, eventual commit (a heartbeat is ticked
 * before followers are checked) and determinism. Where etcd-io/raft makes a choice another correct
 * Raft may not (an empty entry on election, a campaign call, …) the scenario depends on it only
 * when the driver declares that behaviour (spec/protocol.md §5.1); conformance/DRIVER-GUIDE.md
 * documents each scenario and what a non-etcd library may legitimately do differently.
 */
interface Scenario { readonly defaults?: string; readonly steps: string }

/** What a scenario may rely on: the driver's declared capabilities. */
type Caps = ReadonlySet<string>;

/** The last index of the new leader's log right after its election: the bootstrap snapshot's 2, plus etcd's empty entry. */
const electedIndex = (caps: Caps): number => (caps.has("empty_entry_on_election") ? 3 : 2);

/**
 * Three voters from a snapshot at index 2; node 1 wins term 1 (by its campaign call, or by ticks
 * when the driver has none) and, after one heartbeat, every node agrees on the leader and term.
 */
const elect = (caps: Caps): string => `
  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}
  - campaign: 1
  - stabilize: {}
  - check: {node: 1, role: leader, term: 1, commit: {gte: ${electedIndex(caps)}}}
  - tick-heartbeat: 1
  - stabilize: {}
  - check: {nodes: [2, 3], role: follower, term: 1, leader: 1}`;

/** A proposal on the leader is committed and applied everywhere, at the latest after the next heartbeat. */
const commit = (caps: Caps, data = "x", index = electedIndex(caps) + 1): string => `
  - propose: {node: 1, data: ${data}}
  - stabilize: {}
  - tick-heartbeat: 1
  - stabilize: {}
  - check: {all: true, commit: ${index}, applied: ${index}, last_index: ${index}}`;

const readIndex = (caps: Caps): string => `${elect(caps)}${commit(caps)}
  - read-index: {node: 1, ctx: req-1}
  - stabilize: {}
  - check: {node: 1, read_states: [{index: ${electedIndex(caps) + 1}, ctx: req-1}]}`;

/** One small scenario per capability. */
const SCENARIOS: Readonly<Record<Feature, (caps: Caps) => Scenario>> = {
  election: (c) => ({ steps: elect(c) }),
  replication: (c) => ({ steps: elect(c) + commit(c) }),
  // Node 2 diverges from node 1 at index 3 (terms 1 against 2); with the term hint the new leader
  // repairs it within one rejection round trip, where a back-off by index needs three more.
  fast_log_rejection: () => ({ steps: `
  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}
  - crash: 3
  - step:
      node: 1
      message: {type: MsgApp, from: 3, to: 1, term: 2, log_term: 1, index: 2, commit: 2, entries: [{term: 2, index: 3}, {term: 2, index: 4}, {term: 2, index: 5}]}
  - step:
      node: 2
      message: {type: MsgApp, from: 3, to: 2, term: 1, log_term: 1, index: 2, commit: 2, entries: [{term: 1, index: 3}, {term: 1, index: 4}, {term: 1, index: 5}, {term: 1, index: 6}, {term: 1, index: 7}]}
  - process-ready: [1, 2]
  - deliver-msgs: {to: 3, drop: true}
  - campaign: 1
  - process-ready: 1
  - deliver-msgs: {to: 3, drop: true}
  - deliver-msgs: 2
  - process-ready: 2
  - deliver-msgs: 1
  - process-ready: 1
  - check: {node: 1, role: leader, term: 3}
  - deliver-msgs: {to: 3, drop: true}
  - deliver-msgs: 2
  - process-ready: 2
  - deliver-msgs: 1
  - process-ready: 1
  - deliver-msgs: 2
  - process-ready: 2
  - check: {node: 2, log: [{term: 2, index: 3}, {term: 2, index: 4}, {term: 2, index: 5}, {term: 3, index: 6}]}` }),
  prevote: (c) => ({ defaults: "{pre_vote: true}", steps: elect(c) }),
  check_quorum: (c) => ({ defaults: "{check_quorum: true}", steps: elect(c) + commit(c) }),
  read_index_safe: (c) => ({ defaults: "{read_only_option: safe}", steps: readIndex(c) }),
  read_index_lease: (c) => ({ defaults: "{read_only_option: lease_based, check_quorum: true}", steps: readIndex(c) }),
  leader_transfer: (c) => ({ steps: `${elect(c)}
  - transfer-leadership: {from: 1, to: 2}
  - stabilize: {}
  - check: {node: 2, role: leader, term: 2}` }),
  // A transfer to an isolated node stays pending; a second request (to node 2) replaces it in
  // etcd. A library without the behaviour keeps the first until it completes or times out.
  transfer_replaces_pending: (c) => ({ steps: `${elect(c)}
  - isolate: 3
  - transfer-leadership: {from: 1, to: 3}
  - stabilize: {}
  - transfer-leadership: {from: 1, to: 2}
  - stabilize: {}
  - check: {node: 2, role: leader, term: 2}` }),
  // Node 2 votes for node 3 in term 1 and knows no leader; node 1's pre-vote of term 1 then asks
  // for the term node 2 gave away. etcd refuses it; a library judging pre-votes by the log grants.
  prevote_respects_vote: () => ({ defaults: "{pre_vote: true}", steps: `
  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}
  - step:
      node: 2
      message: {type: MsgVote, from: 3, to: 2, term: 1, log_term: 1, index: 2}
  - process-ready: 2
  - check: {node: 2, term: 1, vote: 3, leader: 0}
  - step:
      node: 2
      message: {type: MsgPreVote, from: 1, to: 2, term: 1, log_term: 1, index: 2}
  - process-ready: 2
    sent: [{type: MsgPreVoteResp, from: 2, to: 1, reject: true}]
    comment: node 2 voted for node 3 in term 1, so it refuses node 1 that term` }),
  // Follower 2 voted for leader 1 in term 1 and knows it; the leader's vote request of term 1
  // again is one Figure 2 grants (votedFor is the candidate). A library that refuses every vote
  // while it knows a leader rejects it.
  vote_while_leader_known: (c) => ({ steps: `${elect(c)}
  - check: {node: 2, vote: 1}
  - step:
      node: 2
      message: {type: MsgVote, from: 1, to: 2, term: 1, log_term: 1, index: ${electedIndex(c)}}
  - process-ready: 2
    sent: [{type: MsgVoteResp, from: 2, to: 1, reject: false}]
    comment: node 2 grants the vote it already gave, though it knows node 1 as leader` }),
  // Node 1, cut off while node 2 won term 1, asks for pre-votes of term 1; nodes of term 1 that
  // know their leader reject it, and etcd's pre-candidate takes the term of those rejections.
  prevote_learns_term: () => ({ defaults: "{pre_vote: true}", steps: `
  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}
  - isolate: 1
  - campaign: 2
  - stabilize: {}
  - check: {node: 2, role: leader, term: 1}
  - check: {node: 1, term: 0}
  - heal: {}
  - campaign: 1
  - stabilize: {}
  - check: {node: 1, role: follower, term: 1}
    comment: the pre-vote rejections carried term 1` }),
  // A learner asked for its vote: the candidate may hold a configuration in which it is a voter.
  vote_as_non_voter: () => ({ steps: `
  - add-nodes: {count: 2, voters: [1], learners: [2], index: 2}
  - step:
      node: 2
      message: {type: MsgVote, from: 1, to: 2, term: 2, log_term: 1, index: 2}
  - process-ready: 2
    sent: [{type: MsgVoteResp, from: 2, to: 1, reject: false}]
    comment: learner 2 grants the vote` }),
  // Node 1 holds entries 3-4 of leader 2 with commit 2; a snapshot at 4 adds nothing to its log,
  // but a snapshot holds only committed entries, and etcd takes its index as committed.
  matching_snapshot_commits: () => ({ steps: `
  - add-nodes: {count: 2, voters: [1, 2], index: 2}
  - step:
      node: 1
      message: {type: MsgApp, from: 2, to: 1, term: 1, log_term: 1, index: 2, commit: 2, entries: [{term: 1, index: 3, data: x}, {term: 1, index: 4, data: y}]}
  - stabilize: [1]
  - check: {node: 1, commit: 2, last_index: 4}
  - step:
      node: 1
      message: {type: MsgSnap, from: 2, to: 1, term: 1, snapshot: {index: 4, term: 1, conf_state: {voters: [1, 2]}}}
  - stabilize: [1]
  - check: {node: 1, commit: 4, last_index: 4}` }),
  // The append that follows a snapshot arrives before the follower stores the snapshot.
  append_during_snapshot: () => ({ steps: `
  - add-nodes: {count: 2, voters: [1, 2], index: 2}
  - step:
      node: 1
      message: {type: MsgSnap, from: 2, to: 1, term: 1, snapshot: {index: 5, term: 1, conf_state: {voters: [1, 2]}}}
  - step:
      node: 1
      message: {type: MsgApp, from: 2, to: 1, term: 1, log_term: 1, index: 5, commit: 5, entries: [{term: 1, index: 6, data: y}]}
  - stabilize: [1]
  - check: {node: 1, commit: 5, last_index: 6}` }),
  // The removal of node 3 is in the leader's log but not committed: etcd's configuration changes
  // only when the application applies the entry; the Raft thesis's is in force at once.
  config_on_apply: (c) => ({ steps: `${elect(c)}
  - propose-conf-change: {node: 1, changes: r3, v1: true}
    outcome: accepted
  - process-ready: 1
  - check: {node: 1, config: {voters: [1, 2, 3]}}
    comment: "appended, not yet applied: the old configuration is still in force"` }),
  forget_leader: (c) => ({ steps: `${elect(c)}
  - forget-leader: 2
    outcome: accepted` }),
  conf_change_v1: (c) => ({ steps: `${elect(c)}
  - propose-conf-change: {node: 1, changes: r3, v1: true}
    outcome: accepted
  - stabilize: {}
  - tick-heartbeat: 1
  - stabilize: {}
  - check: {nodes: [1, 2], config: {voters: [1, 2]}}` }),
  conf_change_v2: (c) => ({ steps: `${elect(c)}
  - propose-conf-change: {node: 1, changes: r3}
    outcome: accepted
  - stabilize: {}
  - tick-heartbeat: 1
  - stabilize: {}
  - check: {nodes: [1, 2], config: {voters: [1, 2]}}` }),
  joint_consensus: (c) => ({ steps: `${elect(c)}
  - propose-conf-change: {node: 1, changes: r3, transition: explicit}
    outcome: accepted
  - stabilize: {}
  - tick-heartbeat: 1
  - stabilize: {}
  - check: {all: true, config: {voters: [1, 2], voters_outgoing: [1, 2, 3]}}
  - propose-conf-change: {node: 1, changes: ""}
    outcome: accepted
  - stabilize: {}
  - tick-heartbeat: 1
  - stabilize: {}
  - check: {nodes: [1, 2], config: {voters: [1, 2], voters_outgoing: []}}` }),
  learners: (c) => ({ steps: `${elect(c)}
  - propose-conf-change: {node: 1, changes: l3}
    outcome: accepted
  - stabilize: {}
  - tick-heartbeat: 1
  - stabilize: {}
  - check: {all: true, config: {voters: [1, 2], learners: [3]}}` }),
  step_down_on_removal: (c) => ({ defaults: "{step_down_on_removal: true}", steps: `${elect(c)}
  - propose-conf-change: {node: 1, changes: r1}
    outcome: accepted
  - stabilize: {}
  - check: {node: 1, role: follower}` }),
  disable_conf_change_validation: (c) => ({ defaults: "{disable_conf_change_validation: true}", steps: `${elect(c)}
  - propose-conf-change: {node: 1, changes: l3}
    outcome: accepted
  - propose-conf-change: {node: 1, changes: v3}
    outcome: accepted
    comment: a second change while the first is pending, which validation would drop` }),
  disable_proposal_forwarding: (c) => ({ defaults: "{disable_proposal_forwarding: true}", steps: `${elect(c)}
  - propose: {node: 2, data: x}
    outcome: rejected` }),
  // Node 4 starts empty, so only the leader's snapshot can bring it the log before index 3. A
  // library may add a voter in more than one entry (canonical/raft: a spare, then its promotion
  // after catch-up rounds), hence a second heartbeat round and a commit of at least the add's.
  snapshots: (c) => ({ steps: `${elect(c)}
  - add-nodes: {count: 1}
  - propose-conf-change: {node: 1, changes: v4}
  - stabilize: {}
  - tick-heartbeat: 1
  - stabilize: {}
  - tick-heartbeat: 1
  - stabilize: {}
  - check: {all: true, config: {voters: [1, 2, 3, 4]}, commit: {gte: ${electedIndex(c) + 1}}}` }),
  compaction: (c) => ({ steps: `${elect(c)}${commit(c)}
  - compact: {node: 2, index: ${electedIndex(c) + 1}}${commit(c, "y", electedIndex(c) + 2)}` }),
  async_storage_writes: (c) => ({ defaults: "{async_storage_writes: true}", steps: elect(c) + commit(c) }),
  pin_election_timeout: () => ({ steps: `
  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}
  - set-randomized-election-timeout: {node: 1, timeout: 3}
  - tick-election: 1
  - stabilize: {}
  - check: {node: 1, role: leader, term: 1}` }),
  progress_status: (c) => ({ steps: `${elect(c)}
  - status: 1` }),
  report_unreachable: (c) => ({ steps: `${elect(c)}
  - report-unreachable: {node: 1, peer: 2}
    outcome: accepted` }),
  report_snapshot: (c) => ({ steps: `${elect(c)}
  - report-snapshot: {node: 1, peer: 2, failed: true}
    outcome: accepted` }),
  flow_control: (c) => ({ defaults: "{max_inflight_msgs: 1}", steps: `${elect(c)}
  - propose: {node: 1, data: a}${commit(c, "b", electedIndex(c) + 2)}` }),
  // A message no larger than the limit: a library may require that (raft-rs's Config::validate).
  uncommitted_size_limit: (c) => ({ defaults: "{max_uncommitted_entries_size: 1024, max_size_per_msg: 1024}", steps: elect(c) + commit(c) }),
  committed_size_per_ready: (c) => ({ defaults: "{max_committed_size_per_ready: 1}", steps: `${elect(c)}
  - propose: {node: 1, data: a}${commit(c, "b", electedIndex(c) + 2)}` }),
  // The behaviours (spec/protocol.md §5.1): each scenario shows the declared behaviour itself.
  campaign: () => ({ steps: `
  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}
  - campaign: 1
  - check: {node: 1, role: {one_of: [precandidate, candidate]}}
    comment: the call starts an election at once, without a tick` }),
  empty_entry_on_election: (c) => ({ steps: `${elect(c)}
  - check: {node: 1, log: [{term: 1, index: 3}]}
    comment: the new leader's log ends with an empty entry of its term` }),
  commit_broadcast: (c) => ({ steps: `${elect(c)}
  - propose: {node: 1, data: x}
  - stabilize: {}
  - check: {all: true, commit: ${electedIndex(c) + 1}}
    comment: followers learn the new commit index without a heartbeat tick` }),
  proposal_forwarding: (c) => ({ steps: `${elect(c)}
  - propose: {node: 2, data: x}
    outcome: accepted
  - stabilize: {}
  - tick-heartbeat: 1
  - stabilize: {}
  - check: {all: true, commit: ${electedIndex(c) + 1}}
    comment: the follower passed the proposal on to its leader` }),
  durable_commit: (c) => ({ steps: `${elect(c)}${commit(c)}
  - restart: {node: 2}
  - check: {node: 2, commit: ${electedIndex(c) + 1}}
    comment: the restarted node resumes at its durable commit index before hearing from the leader` }),
  etcd_messages: (c) => ({ steps: `${elect(c)}
  - step:
      node: 2
      message: {type: MsgHeartbeat, from: 1, to: 2, term: 1, commit: ${electedIndex(c)}}
    outcome: accepted
  - process-ready: 2
  - check: {node: 2, role: follower, term: 1, leader: 1}` }),
  check_quorum_optional: (c) => ({ defaults: "{check_quorum: false}", steps: `${elect(c)}
  - isolate: 1
  - tick-election: 1
  - tick-election: 1
  - tick-election: 1
  - check: {node: 1, role: leader, term: 1}
    comment: without CheckQuorum a leader cut off from its quorum stays leader` }),
  pre_vote_optional: (c) => ({ defaults: "{pre_vote: false}", steps: `${elect(c)}
  - isolate: 3
  - tick-election: 3
  - tick-election: 3
  - process-ready: 3
  - check: {node: 3, role: candidate, term: {gte: 2}}
    comment: without PreVote a node that times out campaigns in a new term at once` }),
  step_down_on_removal_optional: (c) => ({ defaults: "{step_down_on_removal: false}", steps: `${elect(c)}
  - propose-conf-change: {node: 1, changes: r1, v1: true}
    outcome: accepted
  - stabilize: {}
  - check: {node: 1, role: leader, term: 1}
    comment: without StepDownOnRemoval a leader whose removal committed leads on` }),
  // A second removal while the first is pending: etcd appends it as an empty entry and the
  // proposal is accepted; a library without the behaviour refuses it (Raft allows either).
  conf_change_noop: (c) => {
    const v1 = c.has("conf_change_v2") ? "" : ", v1: true";
    return { steps: `${elect(c)}
  - propose-conf-change: {node: 1, changes: r3${v1}}
    outcome: accepted
  - propose-conf-change: {node: 1, changes: r2${v1}}
    outcome: accepted
    comment: the removal of 3 is pending, so this one is appended as an empty entry
  - stabilize: {}
  - tick-heartbeat: 1
  - stabilize: {}
  - check: {nodes: [1, 2], config: {voters: [1, 2]}}` };
  },
  // With PreVote always on, the lost round is a pre-vote one: its rejections carry the next term.
  step_down_on_lost_vote: (c) => {
    const type = c.has("pre_vote_optional") ? "MsgVoteResp" : "MsgPreVoteResp";
    return { steps: `
  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}
  - campaign: 1
  - process-ready: 1
  - step:
      node: 1
      message: {type: ${type}, from: 2, to: 1, term: 1, reject: true}
  - step:
      node: 1
      message: {type: ${type}, from: 3, to: 1, term: 1, reject: true}
  - check: {node: 1, role: follower}
    comment: a candidate that a quorum rejected becomes a follower at once` };
  },
};

/** The fixed session of the determinism item. */
const determinism = (caps: Caps): Scenario => ({ steps: elect(caps) + commit(caps) });
const UNKNOWN_COMMAND = "no_such_command";

interface Item { readonly name: string; readonly problem?: string | undefined }

/**
 * The trace driver-check runs for one capability of a driver with these capabilities (default: all
 * of them, as the reference and etcd have) — exported for the tests that prove it can fail.
 */
export function capabilityTraceText(feature: Feature, caps: Caps = new Set(FEATURES)): string {
  return traceText(feature, SCENARIOS[feature](caps));
}

function traceText(id: string, s: Scenario): string {
  return `id: driver-check/${id}\ndescription: driver-check exercises ${id}\nfeatures: []\n${s.defaults === undefined ? "" : `defaults: ${s.defaults}\n`}steps:${s.steps}\n`;
}

/** Runs one scenario; undefined when it passed, else why not. */
async function scenario(driver: StdioDriver, info: DriverInfo, id: string, s: Scenario): Promise<string | undefined> {
  const loaded = loadTraceText(`driver-check/${id}.yaml`, traceText(id, s));
  if (!loaded.ok) return `internal scenario is invalid: ${loaded.errors.map((e) => e.message).join("; ")}`;
  const r = await runTrace(loaded.trace, driver, { level: "observable", seed: 1, info });
  if (r.status === "passed") return undefined;
  return r.failure?.message ?? r.reason ?? r.status;
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "";

function handshakeProblem(info: DriverInfo): string | undefined {
  if (!PROTOCOL_VERSIONS.includes(info.protocolVersion)) return `protocol version ${info.protocolVersion}, expected one of ${PROTOCOL_VERSIONS.join(", ")}`;
  const impl = info.implementation;
  if (impl.name === "" || impl.version === "" || impl.language === "") return "implementation name, version and language must be non-empty";
  if (info.messageModel !== "etcd" && info.messageModel !== "generic") return `unknown message model ${String(info.messageModel)}`;
  if (info.capabilities.length === 0) return "no capabilities declared";
  return undefined;
}

type Element = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

/** Sends a raw `batch`; the elements of an ok answer, or why there are none. */
async function rawBatch(driver: StdioDriver, requests: readonly Record<string, unknown>[]): Promise<{ elements?: Element[]; error?: string }> {
  const r: RawResponse = await driver.request("batch", { requests });
  if (!r.ok) return { error: `${r.error.code}: ${r.error.message}` };
  return { elements: (r.result as { responses: Element[] }).responses };
}

const codeOf = (e: Element | undefined): string => (e === undefined ? "(none)" : e.ok ? "ok" : e.error.code);

/**
 * The `batch` items (protocol version 2, spec/protocol.md §6.4), on one follower of a fresh
 * three-voter cluster: a batch runs to its end; it stops after the first element that is not ok
 * (a schema-invalid element, and a proposal the leaderless follower may refuse); a nested hello
 * refuses the whole batch.
 */
/** Node 1 of a fresh three-voter cluster, for the protocol items. */
async function freshFollower(driver: StdioDriver): Promise<void> {
  await driver.reset();
  const confState = { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
  await driver.create(1, { ...BASE_CONFIG, applied: 2, seed: 1 }, {
    hardState: { term: 0, vote: 0, commit: 2 }, snapshot: { data: new Uint8Array(0), metadata: { confState, index: 2, term: 1 } }, entries: [],
  });
}

/** Runs one protocol item and reports it; a throw is its problem. */
async function protocolItem(report: (name: string, problem?: string) => void, name: string, check: () => Promise<string | undefined>): Promise<void> {
  let problem: string | undefined;
  try {
    problem = await check();
  } catch (e) {
    problem = describe(e);
  }
  report(name, problem);
}

async function batchItems(driver: StdioDriver, report: (name: string, problem?: string) => void): Promise<void> {
  const node = "1";
  const setUp = (): Promise<void> => freshFollower(driver);
  const item = (name: string, check: () => Promise<string | undefined>): Promise<void> => protocolItem(report, name, check);
  await item("batch: three elements run in order, one response each", async () => {
    await setUp();
    const r = await rawBatch(driver, [{ cmd: "tick", node }, { cmd: "ready", node }, { cmd: "status", node }]);
    if (r.elements === undefined) return `the batch was refused: ${r.error}`;
    if (r.elements.length !== 3 || r.elements.some((e) => !e.ok)) return `answered ${r.elements.map(codeOf).join(", ")}, expected ok, ok, ok`;
    return undefined;
  });
  await item("batch: stops after an element the schema refuses (invalid_params)", async () => {
    await setUp();
    const r = await rawBatch(driver, [{ cmd: "tick", node }, { cmd: "tick", node, ticks: 2 }, { cmd: "tick", node }]);
    if (r.elements === undefined) return `the batch was refused as a whole (${r.error}); only its second element is invalid`;
    const codes = r.elements.map(codeOf);
    return codes.join(",") === "ok,invalid_params" ? undefined : `answered ${codes.join(", ")}, expected ok, invalid_params and nothing after it`;
  });
  await item("batch: stops after a refused element (rejected) too", async () => {
    await setUp();
    // A follower that knows no leader drops a proposal (etcd: ErrProposalDropped); a driver whose
    // implementation queues it instead answers ok, and then every element must run.
    const r = await rawBatch(driver, [{ cmd: "tick", node }, { cmd: "propose", node, data: "eA==" }, { cmd: "tick", node }]);
    if (r.elements === undefined) return `the batch was refused: ${r.error}`;
    const codes = r.elements.map(codeOf);
    const expected = codes[1] === "rejected" ? "ok,rejected" : "ok,ok,ok";
    return codes.join(",") === expected ? undefined : `answered ${codes.join(", ")}, expected ${expected.replaceAll(",", ", ")}${codes[1] === "rejected" ? " and nothing after it" : ""}`;
  });
  await item("batch: a nested hello refuses the whole batch with invalid_params", async () => {
    const r = await rawBatch(driver, [{ cmd: "reset" }, { cmd: "hello", protocol: "raft-driver", versions: [1, 2] }]);
    if (r.elements !== undefined) return `answered element by element (${r.elements.map(codeOf).join(", ")}) instead of refusing the batch`;
    return r.error?.startsWith("invalid_params") === true ? undefined : `refused with ${r.error}, expected invalid_params`;
  });
}

/**
 * `ready` with `advance` (protocol version 3, spec/protocol.md §6.5): a follower whose election
 * timer ran out has a Ready (its vote requests and term); asked with `advance`, that Ready comes
 * with the answer of its advance, and once nothing is left a null Ready comes without one.
 */
async function readyAdvanceItems(driver: StdioDriver, report: (name: string, problem?: string) => void): Promise<void> {
  await protocolItem(report, "ready with advance: a Ready comes with its advance's answer, a null one without", async () => {
    await freshFollower(driver);
    for (let i = 0; i <= 2 * BASE_CONFIG.electionTick; i++) await driver.tick(1);
    const seen: string[] = [];
    for (let round = 0; round < 10; round++) {
      const r = await driver.request("ready", { node: "1", advance: true });
      if (!r.ok) return `answered ${r.error.code}: ${r.error.message}`;
      const { ready, advance } = r.result as { ready: unknown; advance?: Element };
      if (ready === null) {
        if (advance !== undefined) return "a null Ready came with an advance";
        return seen.length > 0 ? undefined : `no Ready after ${2 * BASE_CONFIG.electionTick + 1} ticks (the node should have started an election)`;
      }
      if (advance === undefined) return "a Ready came without its advance";
      if (!advance.ok) return `the advance answered ${advance.error.code}: ${advance.error.message}`;
      seen.push("ready");
    }
    return "the node still had a Ready after 10 advanced ones (was the Ready advanced?)";
  });
}

/** The responses of one fixed session on a fresh driver process, as the driver wrote them. */
async function sessionLines(argv: readonly string[], opts: StdioDriverOptions): Promise<string[]> {
  const lines: string[] = [];
  const driver = createStdioDriver([...argv], { ...opts, onResponseLine: (l) => lines.push(l) });
  try {
    const info = await driver.hello();
    const problem = await scenario(driver, info, "determinism", determinism(new Set(info.capabilities)));
    if (problem !== undefined) throw new Error(`the scripted session failed: ${problem}`);
    return lines;
  } finally {
    await driver.close().catch(() => undefined);
  }
}

/** Runs the checklist, writing one line per item; resolves with whether every item passed. */
export async function checkDriver(argv: readonly string[], timeoutMs: number, write: (line: string) => void): Promise<boolean> {
  const items: Item[] = [];
  const report = (name: string, problem?: string): void => {
    items.push({ name, problem });
    write(problem === undefined ? `✓ ${name}` : `✗ ${name}: ${problem}`);
  };
  const opts: StdioDriverOptions = { timeoutMs };
  let driver = createStdioDriver([...argv], opts);
  try {
    let info: DriverInfo;
    try {
      info = await driver.hello();
    } catch (e) {
      report("handshake", describe(e));
      write("1 of 1 checks failed (nothing else can be checked without a handshake)");
      return false;
    }
    const impl = info.implementation;
    const hs = handshakeProblem(info);
    report(`handshake: protocol ${info.protocolVersion}, ${impl.name} ${impl.version} (${impl.language}), message model ${info.messageModel}, capabilities: ${info.capabilities.join(", ")}`, hs);

    for (const cap of FEATURES.filter((f) => info.capabilities.includes(f))) {
      let problem: string | undefined;
      try {
        problem = await scenario(driver, info, cap, SCENARIOS[cap](new Set(info.capabilities)));
      } catch (e) {
        problem = describe(e);
      }
      report(`capability ${cap}`, problem);
      if (problem !== undefined) {
        // A driver broken by a protocol error refuses every later call: go on with a fresh one.
        await driver.close().catch(() => undefined);
        driver = createStdioDriver([...argv], opts);
        info = await driver.hello().catch(() => info);
      }
    }

    if (info.protocolVersion >= BATCH_VERSION) await batchItems(driver, report);
    if (info.protocolVersion >= READY_ADVANCE_VERSION) await readyAdvanceItems(driver, report);

    let unknown: string | undefined;
    try {
      const r: RawResponse = await driver.request(UNKNOWN_COMMAND, {});
      if (r.ok) unknown = "the driver answered ok";
      else if (r.error.code !== "unknown_command") unknown = `error code ${r.error.code}, expected unknown_command`;
    } catch (e) {
      unknown = describe(e);
    }
    report(`unknown command answered with unknown_command`, unknown);
  } finally {
    await driver.close().catch(() => undefined);
  }

  let determinism: string | undefined;
  try {
    const first = await sessionLines(argv, opts);
    const second = await sessionLines(argv, opts);
    const k = first.findIndex((l, i) => l !== second[i]);
    if (k >= 0 || first.length !== second.length) {
      const at = k >= 0 ? k : Math.min(first.length, second.length);
      determinism = `response ${at + 1} differs between two fresh processes: ${JSON.stringify(first[at] ?? "(none)").slice(0, 200)} vs ${JSON.stringify(second[at] ?? "(none)").slice(0, 200)}`;
    }
  } catch (e) {
    determinism = describe(e);
  }
  report("determinism: the same session gives byte-identical responses twice", determinism);

  const failed = items.filter((i) => i.problem !== undefined).length;
  write(failed === 0 ? `all ${items.length} checks passed` : `${failed} of ${items.length} checks failed`);
  return failed === 0;
}

export async function driverCheckCommand(args: readonly string[], io: CliIo): Promise<number> {
  const p = parseFlags("driver-check", args, { driver: { type: "string" }, "timeout-ms": { type: "string" } });
  if (p.values["help"] === true) {
    io.stdout.write(DRIVER_CHECK_HELP);
    return EXIT_OK;
  }
  if (p.positionals.length > 0) throw new UsageError(`driver-check: unexpected argument ${JSON.stringify(p.positionals[0])}`);
  const command = stringFlag(p, "driver");
  if (command === undefined) throw new UsageError("driver-check: --driver \"<cmd>\" is required");
  let argv: string[];
  try {
    argv = splitShellWords(command);
  } catch (e) {
    throw new UsageError(`driver-check: --driver: ${describe(e)}`);
  }
  if (argv.length === 0) throw new UsageError("driver-check: --driver is empty");
  const ok = await checkDriver(argv, intFlag(p, "timeout-ms", 10000, 1), (line) => io.stdout.write(`${line}\n`));
  return ok ? EXIT_OK : EXIT_FAILED;
}
