// `driver-check` through the compiled executable: a checklist over the real protocol that passes
// on the reference driver and fails, item by item, on drivers that answer garbage.
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { capabilityTraceText } from "../../src/cli/driver-check.js";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { FEATURES, type Feature } from "../../src/driver/types.js";
import { runTrace } from "../../src/harness/run.js";
import type { TraceResult } from "../../src/report/types.js";
import { loadTraceText } from "../../src/trace/load.js";
import { buildMutant } from "../mutants/load.js";
import { buildCli, CLI, ROOT } from "./build.js";

interface Run {
  readonly code: number | null;
  readonly lines: readonly string[];
  readonly stderr: string;
}

function driverCheck(args: readonly string[]): Run {
  const r = spawnSync(process.execPath, [CLI, "driver-check", ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, lines: r.stdout.trimEnd().split("\n"), stderr: r.stderr };
}

const REFERENCE = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} reference-driver`;
const fake = (name: string): string => `${JSON.stringify(process.execPath)} test/fixtures/drivers/${name}.mjs`;

beforeAll(() => {
  if (inject("cliBuilt") !== true) buildCli();
}, 180_000);

/** The capability's driver-check scenario: it passes on the reference; the result on `mutant`. */
async function scenarioOnMutant(feature: Feature, mutant: Parameters<typeof buildMutant>[0]): Promise<TraceResult> {
  const loaded = loadTraceText(`driver-check/${feature}.yaml`, capabilityTraceText(feature));
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
  const reference = await runTrace(loaded.trace, createInProcessDriver(), { level: "observable", seed: 1 });
  expect(reference.failure?.message).toBeUndefined();
  expect(reference.status).toBe("passed");
  const built = buildMutant(mutant);
  try {
    return await runTrace(loaded.trace, await built.createDriver(), { level: "observable", seed: 1 });
  } finally {
    built.dispose();
  }
}

describe("raft-conformance driver-check", () => {
  it("passes the reference driver, with one ✓ line for the handshake, each declared capability, unknown_command and determinism", () => {
    const r = driverCheck(["--driver", REFERENCE]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatch(/^✓ handshake: protocol 3, .*message model etcd, capabilities: /);
    for (const cap of FEATURES) expect(r.lines).toContain(`✓ capability ${cap}`);
    expect(r.lines).toContain("✓ unknown command answered with unknown_command");
    expect(r.lines.some((l) => l.startsWith("✓ determinism"))).toBe(true);
    expect(r.lines.filter((l) => l.startsWith("✗"))).toEqual([]);
    expect(r.lines.filter((l) => l.startsWith("✓ batch: "))).toHaveLength(4);
    expect(r.lines).toContain("✓ ready with advance: a Ready comes with its advance's answer, a null one without");
    expect(r.lines.at(-1)).toBe(`all ${FEATURES.length + 3 + 4 + 1} checks passed`);
  }, 120_000);

  it("checks ready with advance only with a driver that chose protocol version 3", () => {
    const r = driverCheck(["--driver", `${REFERENCE} --protocol-version 2`]);
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatch(/^✓ handshake: protocol 2, /);
    expect(r.lines.filter((l) => l.includes("ready with advance"))).toEqual([]);
    expect(r.lines.at(-1)).toBe(`all ${FEATURES.length + 3 + 4} checks passed`);
  }, 120_000);

  it("checks batch only with a driver that chose protocol version 1", () => {
    const r = driverCheck(["--driver", `${REFERENCE} --protocol-version 1`]);
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatch(/^✓ handshake: protocol 1, /);
    expect(r.lines.filter((l) => l.includes("batch"))).toEqual([]);
    expect(r.lines.at(-1)).toBe(`all ${FEATURES.length + 3} checks passed`);
  }, 120_000);

  it("fails the batch items of a version-2 driver that runs on after a failed element", () => {
    const r = driverCheck(["--driver", `${fake("bad-batch")} run-on`]);
    expect(r.code).toBe(1);
    expect(r.lines).toContain("✓ batch: three elements run in order, one response each");
    expect(r.lines).toContain("✗ batch: stops after an element the schema refuses (invalid_params): answered ok, invalid_params, ok, expected ok, invalid_params and nothing after it");
    expect(r.lines).toContain("✗ batch: a nested hello refuses the whole batch with invalid_params: answered element by element (ok, invalid_params) instead of refusing the batch");
  }, 120_000);

  it("fails (exit 1) a driver that answers every command with an empty result, saying why per item", () => {
    const r = driverCheck(["--driver", fake("garbage-line")]);
    expect(r.code).toBe(1);
    expect(r.lines[0]).toMatch(/^✓ handshake: .*capabilities: election$/);
    expect(r.lines).toContainEqual(expect.stringMatching(/^✗ capability election: .*does not match spec\/driver-protocol\.schema\.json/));
    expect(r.lines).toContain("✗ unknown command answered with unknown_command: the driver answered ok");
    expect(r.lines).toContainEqual(expect.stringMatching(/^✗ determinism: /));
    expect(r.lines.at(-1)).toBe("3 of 4 checks failed");
  }, 120_000);

  it("fails the handshake of a driver that picks a protocol version it was not offered", () => {
    const r = driverCheck(["--driver", fake("wrong-version")]);
    expect(r.code).toBe(1);
    expect(r.lines[0]).toMatch(/^✗ handshake: .*protocol version/);
    expect(r.lines.at(-1)).toBe("1 of 1 checks failed (nothing else can be checked without a handshake)");
  }, 120_000);

  it("fails a driver that declares fast_log_rejection but backs off by the hinted index alone", async () => {
    // etcd raft 3.4's leader: the rejection's term hint is ignored, Next steps back one index per round trip.
    const slow = await scenarioOnMutant("fast_log_rejection", {
      id: "no-fast-log-rejection",
      bug: "the leader ignores the term of a rejection hint",
      patches: [{ file: "core/raft/leader.ts", find: "if (m.logTerm > 0) nextProbeIdx", replace: "if (m.logTerm < 0) nextProbeIdx" }],
    });
    expect(slow.status).toBe("failed");
    expect(slow.failure?.message).toMatch(/log/);
  }, 120_000);

  it("fails a driver that declares snapshots but whose follower ignores them", async () => {
    // The fourth voter starts with an empty log: without installing the leader's snapshot it
    // can never hold the entries before the add, so it cannot commit the add.
    const ignoring = await scenarioOnMutant("snapshots", {
      id: "ignore-snapshots",
      bug: "a follower answers every MsgSnap without restoring it",
      patches: [{ file: "core/raft/replication.ts", find: "if (snapshot !== undefined && restore(r, snapshot))", replace: "if (snapshot !== undefined && false)" }],
    });
    expect(ignoring.status).not.toBe("passed");
    expect(ignoring.failure?.message).toMatch(/node 4 (commit|config)/);
  }, 120_000);

  it("is a usage error (exit 2) without --driver", () => {
    const r = driverCheck([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--driver/);
  });
});
