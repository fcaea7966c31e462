// The trace-format additions of issue 18, run end to end on the reference core: repeated election
// ticks, chosen deliveries (first, hold/release), the application state, down and halted nodes,
// and what a skipped trace reports.
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { createStdioDriver } from "../../src/driver/stdio-client.js";
import { serveDriver } from "../../src/driver/stdio-server.js";
import type { Driver, Message } from "../../src/driver/types.js";
import { Network } from "../../src/harness/network.js";
import { runTrace } from "../../src/harness/run.js";
import { appStateDigest } from "../../src/trace/check.js";
import { loadTraceText } from "../../src/trace/load.js";
import type { Trace } from "../../src/trace/types.js";
import { fakeDriverArgv } from "../driver/helpers.js";

function trace(steps: string, features = "[]"): Trace {
  const r = loadTraceText("t.yaml", `id: test/t\ndescription: d\nfeatures: ${features}\nsteps:\n${steps}`);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}: ${e.message}`).join("\n"));
  return r.trace;
}

async function run(t: Trace, driver: Driver = createInProcessDriver()) {
  return runTrace(t, driver, { level: "exact", seed: 1 });
}

const THREE = "  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}\n";
const ELECTED = `${THREE}  - campaign: 1\n  - stabilize: {}\n`;

describe("tick-election / tick-heartbeat with {node, times}", () => {
  const pinned = `${THREE}  - set-randomized-election-timeout: {node: 1, timeout: 5}\n`;

  test("times: 2 ticks twice the election interval", async () => {
    // election_tick 3 (the stub): one interval (3 ticks) stays below the pinned timeout of 5, two reach it.
    expect((await run(trace(`${pinned}  - tick-election: {node: 1, times: 2}\n  - check: {node: 1, role: candidate, term: 1}\n`))).status).toBe("passed");
  });

  test("without times it is one interval, as tick-election: N", async () => {
    const once = await run(trace(`${pinned}  - tick-election: {node: 1}\n  - check: {node: 1, role: candidate}\n`));
    expect(once.status).toBe("failed");
    expect(once.failure?.message).toMatch(/node 1 role: expected candidate, got follower/);
  });
});

describe("choosing deliveries", () => {
  const proposed = `${ELECTED}  - propose: {node: 1, data: a}\n  - process-ready: 1\n`;

  test("deliver-msgs first: 1 delivers one copy and leaves the other queued", async () => {
    const t = trace(`${proposed}  - duplicate: {to: 2}\n  - deliver-msgs: {to: 2, first: 1}\n  - process-ready: 2\n`
      + "  - check: {node: 2, last_index: 4}\n  - deliver-msgs: {to: 2, first: 1}\n    expect:\n"
      + "      - deliver: {node: 2, messages: [{type: MsgApp, from: 1, to: 2, term: 1, log_term: 1, index: 3, commit: 3, entries: [{term: 1, index: 4, data: a}]}]}\n");
    expect((await run(t)).status).toBe("passed");
  });

  test("a held message is invisible to stabilize until released", async () => {
    const t = trace(`${proposed}  - hold: {to: 3, type: MsgApp}\n  - deliver-msgs: 3\n    expect: []\n  - process-ready: 3\n`
      + "  - check: {node: 3, last_index: 3}\n  - release: {}\n  - deliver-msgs: 3\n  - process-ready: 3\n"
      + "  - check: {node: 3, last_index: 4}\n");
    expect((await run(t)).status).toBe("passed");
  });

  test("a driver of another message model gets the same chosen order (the harness owns the network)", async () => {
    const inner = createInProcessDriver();
    const generic: Driver = { ...inner, hello: async () => ({ ...(await inner.hello()), messageModel: "generic" }) };
    const t = trace(`${proposed}  - hold: {to: 3, type: MsgApp}\n  - deliver-msgs: 3\n  - process-ready: 3\n`
      + "  - check: {node: 3, last_index: 3}\n  - release: {}\n  - deliver-msgs: {to: 3, first: 1}\n  - process-ready: 3\n"
      + "  - check: {node: 3, last_index: 4}\n");
    const r = await run(t, generic);
    expect(r.level).toBe("observable");
    expect(r.status).toBe("passed");
  });

  test("release puts held messages at the end of the queue, in the order they were held", () => {
    const msg = (to: number, index: number): Message => ({
      type: "MsgApp", from: 1, to, term: 1, logTerm: 1, index, entries: [], commit: 0, vote: 0, reject: false,
      rejectHint: 0, context: new Uint8Array(), responses: [],
    });
    const net = new Network();
    net.send([msg(2, 1), msg(2, 2), msg(2, 3)]);
    expect(net.hold({ to: [2] }, 2)).toBe(2);
    expect(net.pending.map((m) => m.index)).toEqual([3]);
    expect(net.release({})).toBe(2);
    expect(net.pending.map((m) => m.index)).toEqual([3, 1, 2]);
    expect(net.take(2, {}, false, 1).map((m) => m.index)).toEqual([3]);
    expect(net.pending.map((m) => m.index)).toEqual([1, 2]);
  });
});

describe("checks of the application state and of down nodes", () => {
  const applied = `${ELECTED}  - propose: {node: 1, data: a}\n  - propose: {node: 1, data: bc}\n  - stabilize: {}\n`;

  test("app_state compares the applied entries' data, or its SHA-256", async () => {
    const ok = trace(`${applied}  - check: {all: true, applied: 5, app_state: {data: abc, sha256: ${appStateDigest(new Uint8Array(Buffer.from("abc")))}}}\n`);
    expect((await run(ok)).status).toBe("passed");
    const wrong = await run(trace(`${applied}  - check: {node: 2, app_state: {data: ab}}\n`));
    expect(wrong.failure?.message).toMatch(/node 2 app_state: expected \{"data":"ab"\}, got \{"data":"abc"\}/);
  });

  test("a crashed node is down and has no role", async () => {
    const crashed = `${ELECTED}  - crash: 3\n`;
    expect((await run(trace(`${crashed}  - check: {node: 3, up: false, halted: false, term: 1}\n`))).status).toBe("passed");
    const role = await run(trace(`${crashed}  - check: {node: 3, role: follower}\n`));
    expect(role.failure?.message).toMatch(/node 3 role: a down node has no role \(it is crashed\); check 'up: false' instead/);
    const up = await run(trace(`${crashed}  - check: {node: 3, up: true}\n`));
    expect(up.failure?.message).toMatch(/node 3 up: expected running, but it is down \(crashed\)/);
  });

  test("durable_last_index lags last_index until the append thread runs (async storage)", async () => {
    const t = trace(`  - add-nodes: {count: 1, voters: [1], index: 2, config: {async_storage_writes: true}}\n  - campaign: 1\n`
      + "  - stabilize: {}\n  - propose: {node: 1, data: a}\n  - check: {node: 1, last_index: 3, durable_last_index: 3}\n"
      + "  - process-ready: 1\n  - check: {node: 1, last_index: 4, durable_last_index: 3}\n"
      + "  - process-append-thread: 1\n  - check: {node: 1, last_index: 4, durable_last_index: 4}\n", "[async_storage_writes]");
    expect((await run(t)).status).toBe("passed");
    const early = await run(trace(`  - add-nodes: {count: 1, voters: [1], index: 2, config: {async_storage_writes: true}}\n  - campaign: 1\n`
      + "  - stabilize: {}\n  - propose: {node: 1, data: a}\n  - process-ready: 1\n  - check: {node: 1, durable_last_index: 4}\n", "[async_storage_writes]"));
    expect(early.failure?.message).toMatch(/node 1 durable_last_index \(in the harness's durable store\): expected 4, got 3/);
  });

  test("read_states take number matchers for the index", async () => {
    const t = trace(`${ELECTED}  - read-index: {node: 1, ctx: r}\n  - stabilize: {}\n`
      + "  - check: {node: 1, read_states: [{index: {gte: 3, lte: 3}, ctx: r}]}\n");
    expect((await run(t)).status).toBe("passed");
    const low = await run(trace(`${ELECTED}  - read-index: {node: 1, ctx: r}\n  - stabilize: {}\n  - check: {node: 1, read_states: [{index: {gte: 4}, ctx: r}]}\n`));
    expect(low.status).toBe("failed");
  });
});

describe("a node that refuses to apply a committed entry halts", () => {
  // etcd's TestRemoveNode: removing the last voter commits, then applying it panics.
  const removeLast = "  - add-nodes: {count: 1, voters: [1], index: 2}\n  - campaign: 1\n  - stabilize: {}\n"
    + "  - propose-conf-change: {node: 1, changes: r1, v1: true}\n    outcome: accepted\n  - stabilize: {}\n";

  test("the harness shows a halted event, takes the node down, and checks can say so", async () => {
    const t = trace(`${removeLast}  - check: {node: 1, up: false, halted: removed all voters, durable_last_index: 4}\n`);
    expect((await run(t)).status).toBe("passed");
  });

  test("the same through the stdio protocol: advance answers rejected", async () => {
    const dir = mkdtempSync(join(tmpdir(), "raft-halt-"));
    const socket = join(dir, "driver.sock");
    const server = createServer((conn) => void serveDriver(createInProcessDriver(), conn, conn));
    await new Promise<void>((r) => server.listen(socket, r));
    try {
      const driver = createStdioDriver(fakeDriverArgv("relay.mjs", socket), { timeoutMs: 5000 });
      const r = await run(trace(`${removeLast}  - check: {node: 1, up: false, halted: removed all voters}\n`), driver);
      await driver.close();
      expect(r.status).toBe("passed");
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a check that the node still leads fails with the reason", async () => {
    const r = await run(trace(`${removeLast}  - check: {node: 1, up: true}\n`));
    expect(r.failure?.message).toMatch(/node 1 up: expected running, but it is down \(halted: unable to apply conf change: removed all voters\)/);
    const notHalted = await run(trace(`${removeLast}  - check: {node: 1, halted: false}\n`));
    expect(notHalted.failure?.message).toMatch(/node 1 halted: expected not halted, got halted: /);
  });

  test("restart brings a halted node back from its durable state", async () => {
    const r = await run(trace(`${removeLast}  - restart: {node: 1}\n  - check: {node: 1, halted: false, up: true, durable_last_index: 4, applied: 2}\n`));
    expect(r.status).toBe("passed");
  });
});

test("a skipped trace reports no level", async () => {
  const r = await runTrace(trace(THREE, "[async_storage_writes]"), createInProcessDriver(), { level: "exact", seed: 1, capabilities: [] });
  expect(r.status).toBe("skipped");
  expect(r.level).toBeUndefined();
  expect((await run(trace(THREE))).level).toBe("exact");
});

test("the halted event carries the node only, so exact expectations hold across implementations", async () => {
  const t = trace("  - add-nodes: {count: 1, voters: [1], index: 2}\n  - campaign: 1\n  - stabilize: {}\n"
    + "  - propose-conf-change: {node: 1, changes: r1, v1: true}\n  - process-ready: 1\n  - process-ready: 1\n    expect:\n"
    + "      - ready: {node: 1, hard_state: {term: 1, vote: 1, commit: 4}, committed_entries: [{type: EntryConfChange, term: 1, index: 4, conf_change: r1}]}\n"
    + "      - halted: {node: 1}\n");
  const r = await run(t);
  expect(r.failure?.message).toBeUndefined();
  expect(r.status).toBe("passed");
});
