// driver-check judges Raft, not etcd: a correct Raft without etcd's behaviours (spec/protocol.md
// §5.1) passes every scenario it is asked to run, and a driver that declares a behaviour it lacks
// fails that behaviour's scenario.
import { describe, expect, it } from "vitest";
import { capabilityTraceText } from "../../src/cli/driver-check.js";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { FEATURES, type Feature } from "../../src/driver/types.js";
import { runTrace } from "../../src/harness/run.js";
import { loadTraceText } from "../../src/trace/load.js";
import { BEHAVIOURS } from "../../src/trace/types.js";
import { BEHAVIOUR_MUTANTS } from "../mutants/behaviours.js";
import { buildMutant } from "../mutants/load.js";
import type { Driver } from "../../src/driver/types.js";

/** What a library like canonical/raft declares: every option it has, none of etcd's behaviours. */
const WITHOUT_BEHAVIOURS: readonly Feature[] = FEATURES.filter((f) => !(BEHAVIOURS as readonly string[]).includes(f));

async function scenario(feature: Feature, caps: readonly Feature[], driver: Driver): Promise<string | undefined> {
  const loaded = loadTraceText(`driver-check/${feature}.yaml`, capabilityTraceText(feature, new Set(caps)));
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
  const r = await runTrace(loaded.trace, driver, { level: "observable", seed: 1, capabilities: caps });
  return r.status === "passed" ? undefined : (r.failure?.message ?? r.reason ?? r.status);
}

/** The reference core without any of etcd's behaviours it can lose: a canonical/raft-like Raft. */
const plainRaft = { id: "plain-raft", bug: "none of etcd's optional behaviours", patches: BEHAVIOUR_MUTANTS.flatMap((m) => m.patches) };

describe("driver-check scenarios for a Raft without etcd's behaviours", () => {
  // Scenarios that need neither CheckQuorum nor PreVote off and no hand-made etcd messages: with
  // both forced on (the harness's stand-in for a library that cannot switch them off), campaigns
  // by ticks, and a core without the empty entry, commit broadcast, forwarding or durable commit.
  const options = WITHOUT_BEHAVIOURS.filter((f) => f !== "fast_log_rejection" && f !== "pin_election_timeout");
  it("every option scenario passes", async () => {
    const built = buildMutant(plainRaft);
    try {
      const problems: string[] = [];
      for (const feature of options) {
        const p = await scenario(feature, WITHOUT_BEHAVIOURS, await built.createDriver());
        if (p !== undefined) problems.push(`${feature}: ${p}`);
      }
      expect(problems).toEqual([]);
    } finally {
      built.dispose();
    }
  }, 120_000);

  it.each(BEHAVIOUR_MUTANTS.map((m) => [m.feature, m] as const))("the %s scenario fails a core that lacks it", async (feature, mutant) => {
    const f = feature as Feature;
    expect(await scenario(f, FEATURES, createInProcessDriver())).toBeUndefined();
    const built = buildMutant(mutant);
    try {
      expect(await scenario(f, FEATURES, await built.createDriver())).toMatch(/check failed|expected the input|no message matched/);
    } finally {
      built.dispose();
    }
  }, 60_000);

  // Options a library cannot switch off: a driver that claims it can fails the scenario.
  it.each([
    ["check_quorum_optional", { file: "core/raft/validate.ts", find: "    checkQuorum,\n", replace: "    checkQuorum: true,\n" }],
    ["pre_vote_optional", { file: "core/raft/validate.ts", find: "    preVote: c.preVote ?? false,\n", replace: "    preVote: true,\n" }],
    ["step_down_on_removal_optional", { file: "core/raft/validate.ts", find: "    stepDownOnRemoval: c.stepDownOnRemoval ?? false,\n", replace: "    stepDownOnRemoval: true,\n" }],
  ] as const)("the %s scenario fails a core where the option is always on", async (feature, patch) => {
    const built = buildMutant({ id: `${feature}-always-on`, bug: "option always on", patches: [patch] });
    try {
      expect(await scenario(feature, FEATURES, await built.createDriver())).toMatch(/check failed/);
    } finally {
      built.dispose();
    }
  }, 60_000);

  it("index arithmetic follows the declaration: a leader with etcd's empty entry fails checks built for a library without it", async () => {
    const loaded = loadTraceText("driver-check/replication.yaml", capabilityTraceText("replication", new Set(WITHOUT_BEHAVIOURS)));
    if (!loaded.ok) throw new Error("scenario");
    const r = await runTrace(loaded.trace, createInProcessDriver(), { level: "observable", seed: 1 });
    expect(r.failure?.message).toMatch(/commit: expected 3, got 4/);
  });
});
