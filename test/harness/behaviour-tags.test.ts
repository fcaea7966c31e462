// The corpus's behaviour tags (spec/protocol.md §5.1) are complete for a Raft that has none of
// etcd's behaviours: the reference with every behaviour patch at once, driven with the harness's
// stand-ins (campaigns by ticks, CheckQuorum always on, volatile commit), fails no trace it runs.
// scripts/behaviour-tags.ts measures each behaviour alone; this checks that they do not combine
// into a dependency no single tag names.
import { expect, it } from "vitest";
import { FEATURES } from "../../src/driver/types.js";
import { runCorpus } from "../../src/harness/run.js";
import { BEHAVIOUR_MUTANTS } from "../mutants/behaviours.js";
import { buildMutant } from "../mutants/load.js";

const BEHAVIOURS = new Set([...BEHAVIOUR_MUTANTS.map((m) => m.feature), "campaign", "etcd_messages", "check_quorum_optional", "step_down_on_removal_optional"]);

it("a core without etcd's behaviours passes every trace it can run", async () => {
  const built = buildMutant({ id: "plain-raft", bug: "none of etcd's optional behaviours", patches: BEHAVIOUR_MUTANTS.flatMap((m) => m.patches) });
  try {
    const driver = await built.createDriver();
    const { results } = await runCorpus({
      paths: ["traces"],
      driverFactory: () => driver,
      level: "observable",
      seed: 1,
      features: FEATURES.filter((f) => !BEHAVIOURS.has(f)),
    });
    const ran = results.filter((r) => r.status !== "skipped");
    expect(ran.length).toBeGreaterThan(50);
    expect(ran.filter((r) => r.status !== "passed").map((r) => `${r.id}: ${(r.failure?.message ?? r.reason ?? "").split("\n")[0] ?? ""}`)).toEqual([]);
  } finally {
    built.dispose();
  }
}, 300_000);
