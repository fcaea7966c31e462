// The harness drives a driver the same whatever protocol version it chose: traces that halt a
// node (§6.3), use async storage, restore snapshots and change configurations pass at exact over
// the reference served at version 1 (call by call), 2 (batches) and 3 (a Ready with its advance),
// with the same output events step by step as in-process.
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { createStdioDriver } from "../../src/driver/stdio-client.js";
import { serveDriver } from "../../src/driver/stdio-server.js";
import type { Driver } from "../../src/driver/types.js";
import { runTrace } from "../../src/harness/run.js";
import { loadTraceFile } from "../../src/trace/load.js";
import type { Trace, Yaml } from "../../src/trace/types.js";
import { fakeDriverArgv } from "../driver/helpers.js";

const TRACES = [
  "traces/etcd/raft_test/TestRemoveNode.yaml",
  "traces/etcd/raft_test/TestRemoveLearner.yaml",
  "traces/etcd/interaction/async-storage-writes.yaml",
  "traces/etcd/interaction/async-storage-writes-append-aba-race.yaml",
  "traces/etcd/interaction/snapshot-succeed-via-app-resp.yaml",
  "traces/etcd/interaction/confchange-v2-add-double-auto.yaml",
  "traces/etcd/interaction/slow-follower-after-compaction.yaml",
];

async function trace(file: string): Promise<Trace> {
  const r = await loadTraceFile(file);
  if (!r.ok) throw new Error(`${file}: ${r.errors.map((e) => e.message).join("; ")}`);
  return r.trace;
}

/** Each step's output events, and the result. */
async function replay(t: Trace, driver: Driver): Promise<{ status: string; events: (readonly Yaml[])[] }> {
  const events: (readonly Yaml[])[] = [];
  try {
    const r = await runTrace(t, driver, { level: "exact", seed: 1, onStepEvents: (_s, e) => events.push(structuredClone(e)) });
    return { status: r.status === "passed" ? "passed" : `${r.status}: ${r.failure?.message ?? r.reason ?? ""}`, events };
  } finally {
    await driver.close();
  }
}

let dir: string;
const servers: ReturnType<typeof createServer>[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "raft-versions-"));
});
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The reference core served over a socket speaking only `version`, and a harness driver for it. */
async function served(version: number): Promise<Driver> {
  const socket = join(dir, `v${version}-${servers.length}.sock`);
  const server = createServer((conn) => void serveDriver(createInProcessDriver(), conn, conn, { versions: [version] }));
  servers.push(server);
  await new Promise<void>((r) => server.listen(socket, r));
  const d = createStdioDriver(fakeDriverArgv("relay.mjs", socket), { timeoutMs: 20_000 });
  expect((await d.hello()).protocolVersion).toBe(version);
  return d;
}

describe.each([1, 2, 3])("protocol version %i", (version) => {
  it.each(TRACES)("%s: passes with in-process's events", async (file) => {
    const t = await trace(file);
    const direct = await replay(t, createInProcessDriver());
    expect(direct.status).toBe("passed");
    const wire = await replay(t, await served(version));
    expect(wire.status).toBe("passed");
    expect(wire.events).toEqual(direct.events);
  });
});
