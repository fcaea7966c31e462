// P4's reference side: three RawNodes of the reference core in this process over MemoryStorage,
// shuttling Readys and messages until the cluster is quiet — the loop of
// conformance/drivers/etcd-raft-3.4/shuttle/main.go, step for step.
import { performance } from "node:perf_hooks";
import { isEmptyHardState, MemoryStorage, RawNode } from "../../dist/src/core/index.js";

function newCluster() {
  const c = { nodes: [], storages: [], inbox: [[], [], []], committed: 0 };
  for (let id = 1; id <= 3; id++) {
    const s = new MemoryStorage();
    s.applySnapshot({
      data: new Uint8Array(),
      metadata: { index: 1, term: 1, confState: { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } },
    });
    c.nodes.push(new RawNode({ id, electionTick: 10, heartbeatTick: 1, maxSizePerMsg: 1 << 20, maxInflightMsgs: 256 }, s));
    c.storages.push(s);
  }
  return c;
}

function shuttle(c) {
  for (;;) {
    let progressed = false;
    for (let i = 0; i < 3; i++) {
      const rn = c.nodes[i];
      if (!rn.hasReady()) continue;
      progressed = true;
      const rd = rn.ready();
      const s = c.storages[i];
      if (!isEmptyHardState(rd.hardState)) s.setHardState(rd.hardState);
      s.append(rd.entries);
      for (const m of rd.messages) c.inbox[m.to - 1].push(m);
      if (i === 0) for (const e of rd.committedEntries) if (e.type === "EntryNormal" && e.data.length > 0) c.committed++;
      rn.advance();
    }
    for (let i = 0; i < 3; i++) {
      const msgs = c.inbox[i];
      c.inbox[i] = [];
      for (const m of msgs) {
        progressed = true;
        c.nodes[i].step(m);
      }
    }
    if (!progressed) return;
  }
}

function rounds(c, n, batch, seq) {
  const before = c.committed;
  for (let r = 0; r < n; r++) {
    for (let b = 0; b < batch; b++) {
      const data = new Uint8Array(8);
      new DataView(data.buffer).setBigUint64(0, BigInt(++seq.n), true);
      const err = c.nodes[0].propose(data);
      if (err !== null) throw new Error(`propose: ${err}`);
    }
    shuttle(c);
  }
  return c.committed - before;
}

/** Commits `entries` entries (after `warmup` untimed ones); returns the timed part's figures. */
export function shuttleRun({ entries = 20_000, batch = 10, warmup = 2_000 } = {}) {
  const c = newCluster();
  if (c.nodes[0].campaign() !== null) throw new Error("campaign refused");
  shuttle(c);
  if (c.nodes[0].status().softState.raftState !== "StateLeader") throw new Error("node 1 did not become leader");
  const seq = { n: 0 };
  rounds(c, Math.floor(warmup / batch), batch, seq);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const got = rounds(c, Math.floor(entries / batch), batch, seq);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  if (got !== Math.floor(entries / batch) * batch) throw new Error(`committed ${got} entries, expected ${entries}`);
  return { entries: got, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, entriesPerSec: got / (wallMs / 1000) };
}
