import { test } from "vitest";
import { MUTANTS } from "./catalogue.js";
import { hunt } from "./hunt.js";
test("gen", async () => {
  for (const id of ["vote-granted-twice", "commit-previous-term-by-count", "up-to-date-index-only", "no-truncate-conflicting-suffix", "learners-in-quorum", "follower-commit-without-min", "snapshot-restore-keeps-log", "stale-heartbeat-ack-confirms-read", "lease-read-without-check-quorum"]) {
    const m = MUTANTS.find((x) => x.id === id)!;
    const r = await hunt(m, { corpus: [], referenceFailures: new Set(), seed: 1, maxOps: 60, exploreMs: 40000, shrinkMs: 20000, outDir: "/tmp/xp/regr", skipCorpus: true });
    console.log("RESULT " + JSON.stringify(r));
  }
}, 1200000);
