// The client and the server against each other through a real child process: every Driver method
// crosses the wire and arrives as the same value.
import { createServer, type Server } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStdioDriver, type StdioDriver } from "../../src/driver/stdio-client.js";
import { serveDriver } from "../../src/driver/stdio-server.js";
import { DriverError, type NodeConfig } from "../../src/driver/types.js";
import { MAX_U53 } from "../../src/core/types.js";
import { APPLIED, FakeDriver, INFO, MESSAGE, READY, SNAPSHOT, STATUS, STORAGE_APPEND } from "./fake-driver.js";
import { fakeDriverArgv } from "./helpers.js";

const CONFIG: NodeConfig = {
  electionTick: 10, heartbeatTick: 1, applied: 7, maxSizePerMsg: MAX_U53, maxCommittedSizePerReady: Infinity,
  maxUncommittedEntriesSize: 1 << 20, maxInflightMsgs: 256, maxInflightBytes: 0, checkQuorum: true, preVote: true,
  readOnlyOption: "leaseBased", disableProposalForwarding: false, disableConfChangeValidation: true,
  stepDownOnRemoval: true, asyncStorageWrites: true, seed: 42,
};

let dir: string;
let server: Server;
let fake: FakeDriver;
let served: Promise<void>;
let driver: StdioDriver;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "raft-driver-"));
  const socket = join(dir, "driver.sock");
  fake = new FakeDriver();
  let resolveServed!: () => void;
  served = new Promise((r) => (resolveServed = r));
  server = createServer((conn) => void serveDriver(fake, conn, conn).then(resolveServed));
  await new Promise<void>((r) => server.listen(socket, r));
  driver = createStdioDriver(fakeDriverArgv("relay.mjs", socket), { timeoutMs: 5000 });
});

afterEach(async () => {
  await driver.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a driver served over stdio", () => {
  it("hands over the handshake's implementation, message model and capabilities", async () => {
    // The server speaks version 2 (batch) as well, and chooses it when the harness offers it.
    expect(await driver.hello()).toEqual({ ...INFO, protocolVersion: 3 });
  });

  it("delivers every input command with its arguments intact", async () => {
    await driver.hello();
    const storage = { hardState: { term: 3, vote: 2, commit: 10 }, snapshot: SNAPSHOT, entries: READY.entries };
    await driver.reset();
    await driver.create(1, CONFIG, storage);
    await driver.tick(1);
    expect(await driver.step(1, MESSAGE)).toEqual({ ok: true });
    await driver.campaign(2);
    await driver.propose(1, new Uint8Array([1, 2, 3]));
    const cc1 = { version: 1, id: 5, type: "ConfChangeAddLearnerNode", nodeId: 4, context: new Uint8Array([9]) } as const;
    const cc2 = { version: 2, transition: "explicit", changes: [{ type: "ConfChangeRemoveNode", nodeId: 3 }], context: new Uint8Array(0) } as const;
    await driver.proposeConfChange(1, cc1);
    await driver.proposeConfChange(1, cc2);
    await driver.readIndex(1, new Uint8Array([7]));
    await driver.transferLeader(1, 3);
    await driver.forgetLeader(2);
    await driver.reportUnreachable(1, 3);
    await driver.reportSnapshot(1, 4, true);
    await driver.setRandomizedElectionTimeout(2, 13);
    await driver.storageAppend(1, STORAGE_APPEND);
    await driver.compact(1, 9);
    await driver.crash(3);
    expect(fake.calls).toEqual([
      ["hello"], ["reset"],
      ["create", 1, { ...CONFIG, maxCommittedSizePerReady: MAX_U53 }, storage],
      ["tick", 1], ["step", 1, MESSAGE], ["campaign", 2], ["propose", 1, new Uint8Array([1, 2, 3])],
      ["proposeConfChange", 1, cc1], ["proposeConfChange", 1, cc2], ["readIndex", 1, new Uint8Array([7])],
      ["transferLeader", 1, 3], ["forgetLeader", 2], ["reportUnreachable", 1, 3], ["reportSnapshot", 1, 4, true],
      ["setRandomizedElectionTimeout", 2, 13], ["storageAppend", 1, STORAGE_APPEND], ["compact", 1, 9], ["crash", 3],
    ]);
  });

  it("returns the Ready, then null once the node has none", async () => {
    await driver.hello();
    expect(await driver.ready(1)).toEqual(READY);
    expect(await driver.ready(1)).toBeNull();
  });

  it("returns the ConfStates produced by advance and storage_apply, and the node's status", async () => {
    await driver.hello();
    expect(await driver.advance(1)).toEqual(APPLIED);
    expect(await driver.storageApply(1, { ...STORAGE_APPEND, type: "MsgStorageApply" })).toEqual(APPLIED);
    expect(await driver.status(1)).toEqual(STATUS);
  });

  it("reports a refused proposal as an outcome, not an error", async () => {
    await driver.hello();
    expect(await driver.propose(1, new Uint8Array(0))).toEqual({ ok: false, error: "ErrProposalDropped" });
  });

  it("reports an exception inside the implementation as an internal error and keeps serving", async () => {
    await driver.hello();
    const err = await driver.tick(99).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriverError);
    expect(err).toMatchObject({ kind: "driver", code: "internal", command: "tick" });
    expect((err as Error).message).toMatch(/`tick` \(id 2, node 99\) with error internal: Error: no node 99/);
    await driver.tick(1);
  });

  it("says goodbye on close: the served driver is closed and the process is gone", async () => {
    await driver.hello();
    const pid = driver.pid as number;
    await driver.close();
    await served;
    expect(fake.closed).toBe(true);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it("refuses a node id above 2^53-3 before it reaches the wire", async () => {
    await driver.hello();
    await expect(driver.tick(2 ** 53)).rejects.toThrow(/node: 9007199254740992 is not an integer in \[0, 2\^53-1\]/);
  });
});
