// The reference core answers the same through the protocol as in-process: a three-node election,
// a proposal and a status, driven once directly and once over stdio (client → process → server).
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { createStdioDriver } from "../../src/driver/stdio-client.js";
import { serveDriver } from "../../src/driver/stdio-server.js";
import type { Driver, Message, NodeConfig } from "../../src/driver/types.js";
import { fakeDriverArgv } from "./helpers.js";

const config = (seed: number): NodeConfig => ({
  electionTick: 10, heartbeatTick: 1, applied: 2, maxSizePerMsg: Infinity, maxCommittedSizePerReady: Infinity,
  maxUncommittedEntriesSize: 0, maxInflightMsgs: 256, maxInflightBytes: 0, checkQuorum: false, preVote: false,
  readOnlyOption: "safe", disableProposalForwarding: false, disableConfChangeValidation: false,
  stepDownOnRemoval: false, asyncStorageWrites: false, seed,
});
const confState = { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };

/** Bootstraps three voters at index 2 (etcd's `add-nodes 3 voters=(1,2,3) index=2`), elects 1, proposes. */
async function electAndPropose(d: Driver): Promise<unknown[]> {
  const answers: unknown[] = [await d.hello()];
  for (const n of [1, 2, 3]) {
    const storage = { hardState: { term: 0, vote: 0, commit: 2 }, snapshot: { data: new Uint8Array(0), metadata: { confState, index: 2, term: 1 } }, entries: [] };
    await d.create(n, config(n), storage);
  }
  answers.push(await d.campaign(1));
  const inFlight: Message[] = [];
  for (let round = 0; round < 6; round++) {
    for (const n of [1, 2, 3]) {
      const rd = await d.ready(n);
      answers.push(rd);
      if (rd === null) continue;
      inFlight.push(...rd.messages);
      answers.push(await d.advance(n));
    }
    for (let m = inFlight.shift(); m !== undefined; m = inFlight.shift()) answers.push(await d.step(m.to, m));
  }
  answers.push(await d.propose(1, new Uint8Array([1, 2])), await d.propose(2, new Uint8Array([3])));
  answers.push(await d.status(1));
  await d.close();
  return answers;
}

it("the reference core gives the same answers over stdio as in-process", async () => {
  const direct = await electAndPropose(createInProcessDriver());
  expect(direct.at(-1)).toMatchObject({ softState: { lead: 1, raftState: "StateLeader" } });

  const dir = mkdtempSync(join(tmpdir(), "raft-reference-"));
  const socket = join(dir, "driver.sock");
  const server = createServer((conn) => void serveDriver(createInProcessDriver(), conn, conn));
  await new Promise<void>((r) => server.listen(socket, r));
  try {
    const overStdio = await electAndPropose(createStdioDriver(fakeDriverArgv("relay.mjs", socket), { timeoutMs: 5000 }));
    // Over stdio the handshake is version 2 (batch); the in-process driver has no wire version.
    expect(overStdio[0]).toMatchObject({ protocolVersion: 3 });
    expect(overStdio.slice(1)).toEqual(direct.slice(1));
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
