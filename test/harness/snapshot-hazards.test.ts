// The harness as the application etcd expects with asynchronous storage writes: apply work a
// restored snapshot covers is not applied on top of it, a conf change a stepped-in snapshot may
// cover waits for the Ready that says whether it was restored (etcd-io/etcd#11510), and compaction
// stays within what raft has applied.
import { describe, expect, test } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { runTrace } from "../../src/harness/run.js";
import { loadTraceText } from "../../src/trace/load.js";
import type { Trace } from "../../src/trace/types.js";

function trace(head: string, steps: string): Trace {
  const r = loadTraceText("t.yaml", `id: test/t\ndescription: d\n${head}steps:\n${steps}`);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("\n"));
  return r.trace;
}

// Node 1 commits (but does not apply) conf change entry 4 (learner 4) and crashes; leader 2 of
// term 2 commits entry 5 and queues a snapshot at 5 for node 1, which restarts, hands entries 3
// and 4 to its apply thread and is then sent that snapshot.
const ASYNC = `features: [async_storage_writes, election, replication, snapshots, conf_change_v2, learners]
defaults:
  async_storage_writes: true
`;
const SNAPSHOT_OVER_QUEUED_CONF_CHANGE = `  - add-nodes: { count: 4, voters: [ 1, 2, 3 ], index: 2 }
  - campaign: 1
  - stabilize: {}
  - propose-conf-change: { node: 1, changes: l4 }
  - process-ready: 1
  - process-append-thread: 1
  - deliver-msgs: [2, 3]
  - process-ready: [2, 3]
  - process-append-thread: [2, 3]
  - deliver-msgs: 1
  - process-ready: 1
  - process-append-thread: 1
  - crash: 1
  - campaign: 2
  - stabilize: [2, 3]
  - deliver-msgs: { to: 1, drop: true }
  - send-snapshot: { from: 2, to: 1 }
  - restart: { node: 1 }
  - process-ready: 1
  - deliver-msgs: { to: 1 }
`;

describe("snapshots and conf changes on their way to the apply thread (etcd-io/etcd#11510)", () => {
  test("applying a conf change a snapshot stepped in since the last Ready may cover is refused with the step's line", async () => {
    const t = trace(ASYNC, `${SNAPSHOT_OVER_QUEUED_CONF_CHANGE}  - process-apply-thread: 1\n`);
    const r = await runTrace(t, createInProcessDriver(), { level: "exact", seed: 1 });
    expect(r.status).toBe("failed");
    expect(r.failure?.invariant).toBeUndefined();
    expect(r.failure?.line).toBe(t.steps.at(-1)?.loc.line);
    expect(r.failure?.message).toContain("process-apply-thread, line");
    expect(r.failure?.message).toContain("applying conf change entry 4 before that Ready could apply it on top of the snapshot");
    expect(r.failure?.message).toContain("process-ready: 1");
  });

  test("once the Ready hands the snapshot out, the apply work it covers is skipped even if the apply thread runs before the append thread", async () => {
    const t = trace(
      ASYNC,
      `${SNAPSHOT_OVER_QUEUED_CONF_CHANGE}  - process-ready: 1
  - process-apply-thread: 1
  - check: {node: 1, applied: 2}
  - process-append-thread: 1
  - stabilize: {}
  - check: {nodes: [1, 2, 3], config: {voters: [1, 2, 3], learners: [4]}}
`,
    );
    const r = await runTrace(t, createInProcessDriver(), { level: "exact", seed: 1 });
    expect(r.failure?.message).toBeUndefined();
    expect(r.status).toBe("passed");
  });

  test("stabilize defers such apply work to the round after the node's Ready", async () => {
    const t = trace(ASYNC, `${SNAPSHOT_OVER_QUEUED_CONF_CHANGE}  - stabilize: [1]
  - check: {nodes: [1, 2, 3], config: {voters: [1, 2, 3], learners: [4]}}
`);
    const r = await runTrace(t, createInProcessDriver(), { level: "exact", seed: 1 });
    expect(r.failure?.message).toBeUndefined();
    expect(r.status).toBe("passed");
  });
});

describe("compact", () => {
  const ELECTED = `  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}
  - campaign: 1
  - stabilize: {}
  - propose: {node: 1, data: x}
  - process-ready: 1
`;

  test("compacting above the node's raft applied index is refused with the step's line", async () => {
    const t = trace("features: [election, replication, compaction, snapshots]\n", `${ELECTED}  - compact: {node: 1, index: 4}\n`);
    const r = await runTrace(t, createInProcessDriver(), { level: "exact", seed: 1 });
    expect(r.status).toBe("failed");
    expect(r.failure?.line).toBe(t.steps.at(-1)?.loc.line);
    expect(r.failure?.message).toContain("step 5 (compact, line");
    expect(r.failure?.message).toContain("compact 4 is above node 1's applied index 3");
  });

  test("compacting up to the applied index is fine", async () => {
    const t = trace("features: [election, replication, compaction, snapshots]\n", `${ELECTED}  - compact: {node: 1, index: 3}\n  - stabilize: {}\n`);
    const r = await runTrace(t, createInProcessDriver(), { level: "exact", seed: 1 });
    expect(r.status).toBe("passed");
  });

  test("a crashed node cannot be compacted beyond its durable snapshot (it has applied nothing else)", async () => {
    const t = trace("features: [election, replication, compaction, snapshots]\n", `${ELECTED}  - crash: 2\n  - compact: {node: 2, index: 3}\n`);
    const r = await runTrace(t, createInProcessDriver(), { level: "exact", seed: 1 });
    expect(r.status).toBe("failed");
    expect(r.failure?.message).toContain("compact 3 is above node 2's applied index 2");
    expect(r.failure?.message).toContain("a crashed node");
  });
});

describe("send-snapshot", () => {
  test("comes from a leader: from a follower the step fails with a trace error naming it", async () => {
    const t = trace(
      "features: [election, replication, snapshots]\n",
      `  - add-nodes: { count: 3, voters: [ 1, 2, 3 ], index: 2 }
  - campaign: 1
  - stabilize: {}
  - send-snapshot: { from: 2, to: 3 }
`,
    );
    const r = await runTrace(t, createInProcessDriver(), { level: "exact", seed: 1 });
    expect(r.status).toBe("failed");
    expect(r.failure?.invariant).toBeUndefined();
    expect(r.failure?.line).toBe(t.steps.at(-1)?.loc.line);
    expect(r.failure?.message).toContain("send-snapshot from node 2, which is not a leader (StateFollower, term 1)");
    const fromLeader = trace("features: [election, replication, snapshots]\n", `  - add-nodes: { count: 3, voters: [ 1, 2, 3 ], index: 2 }
  - campaign: 1
  - stabilize: {}
  - send-snapshot: { from: 1, to: 3 }
`);
    expect((await runTrace(fromLeader, createInProcessDriver(), { level: "exact", seed: 1 })).status).toBe("passed");
  });
});
