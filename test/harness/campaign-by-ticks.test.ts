// The campaign stand-in (spec/protocol.md §5.1): a driver without `campaign` is elected by ticks.
// Like etcd's Campaign, a campaign step on a node that is already a candidate starts a new
// election (a term higher), not only on a follower; on a leader it changes nothing.
import { describe, expect, it } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { FEATURES } from "../../src/driver/types.js";
import { runTrace } from "../../src/harness/run.js";
import { loadTraceText } from "../../src/trace/load.js";
import type { Trace } from "../../src/trace/types.js";

function trace(steps: string): Trace {
  const r = loadTraceText("ticks.yaml", `id: test/ticks\ndescription: d\nfeatures: [election, replication]\ndefaults: {election_tick: 10, heartbeat_tick: 1}\nsteps:\n${steps}`);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}: ${e.message}`).join("\n"));
  return r.trace;
}

const WITHOUT_CAMPAIGN = FEATURES.filter((f) => f !== "campaign");

async function run(t: Trace, capabilities: readonly string[]) {
  const driver = createInProcessDriver();
  try {
    return await runTrace(t, driver, { level: "observable", seed: 1, capabilities });
  } finally {
    await driver.close();
  }
}

describe("campaign by ticks", () => {
  const again = trace(`  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}
  - isolate: 2
  - campaign: 2
  - stabilize: {}
  - check: {node: 2, role: candidate, term: 1}
  - heal: {}
  - campaign: 2
  - check: {node: 2, role: candidate, term: 2}
  - stabilize: {}
  - check: {all: true, term: 2, leader: 2}
`);

  it("starts a candidate's next election, as Campaign does", async () => {
    const withCall = await run(again, FEATURES);
    expect(withCall.failure?.message).toBeUndefined();
    expect(withCall.status).toBe("passed");
    const byTicks = await run(again, WITHOUT_CAMPAIGN);
    expect(byTicks.failure?.message).toBeUndefined();
    expect(byTicks.status).toBe("passed");
  });

  it("leaves a leader as it is", async () => {
    const r = await run(
      trace(`  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}
  - campaign: 1
  - stabilize: {}
  - campaign: 1
  - stabilize: {}
  - check: {all: true, term: 1, leader: 1}
`),
      WITHOUT_CAMPAIGN,
    );
    expect(r.failure?.message).toBeUndefined();
    expect(r.status).toBe("passed");
  });
});
