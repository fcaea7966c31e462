// `run --baseline`: the CLI contract of issues 7 and 10, exercised in-process on two fixture
// traces, one that passes and one that fails on every implementation.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/main.js";

const DIR = "test/fixtures/baseline";
const TRACES = `${DIR}/traces`;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = { out: "", err: "" };
  const sinks: CliIo = { stdout: { write: (s: string) => (io.out += s) }, stderr: { write: (s: string) => (io.err += s) } };
  const code = await runCli(argv, sinks);
  return { code, ...io };
}

describe("run --baseline", () => {
  it("without a baseline, the failing fixture fails the run", async () => {
    expect((await cli("run", TRACES)).code).toBe(1);
  });

  it("reports a listed failure as a known failure with its reason and does not fail the run", async () => {
    const r = await cli("run", TRACES, "--baseline", `${DIR}/known.yaml`, "--strict-baseline");
    expect(r.code).toBe(0);
    expect(r.out).toContain("failed baseline/fails: known failure: the fixture expects term 7");
    expect(r.out).toContain("change: https://github.com/etcd-io/raft/pull/8");
    expect(r.out).toContain("baseline: 1 known failures, 0 stale");
    expect(r.out).not.toContain("Failures (");
  });

  it("reports a listed trace that passes as stale, which fails the run only under --strict-baseline", async () => {
    const lax = await cli("run", TRACES, "--baseline", `${DIR}/stale.yaml`);
    expect(lax.code).toBe(0);
    expect(lax.out).toContain("Stale baseline entries (1");
    expect(lax.out).toContain("baseline/passes: now passes");
    const strict = await cli("run", TRACES, "--baseline", `${DIR}/stale.yaml`, "--strict-baseline");
    expect(strict.code).toBe(1);
  });

  it("under --strict-baseline, an entry that matches no trace of a whole run is stale, but not in a --grep run", async () => {
    const whole = await cli("run", `${TRACES}/fail.yaml`, "--baseline", `${DIR}/stale.yaml`, "--strict-baseline");
    expect(whole.code).toBe(1);
    expect(whole.out).toContain("baseline/passes: no trace with this id ran");
    const narrowed = await cli("run", TRACES, "--grep", "fails", "--baseline", `${DIR}/stale.yaml`, "--strict-baseline");
    expect(narrowed.code).toBe(0);
  });

  it("rejects a bad baseline file before running anything: exit 2 with file:line", async () => {
    const r = await cli("run", TRACES, "--baseline", `${DIR}/bad.yaml`);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^test\/fixtures\/baseline\/bad\.yaml:7: \/entries\/1\/change: must link to a GitHub/m);
    expect(r.out).not.toContain("passed");
  });

  it("rejects a missing baseline file and --strict-baseline without --baseline (exit 2)", async () => {
    expect((await cli("run", TRACES, "--baseline", `${DIR}/nope.yaml`)).code).toBe(2);
    const r = await cli("run", TRACES, "--strict-baseline");
    expect(r.code).toBe(2);
    expect(r.err).toContain("--strict-baseline needs --baseline FILE");
  });

  it("writes the same JSON report bytes when run twice", async () => {
    const dir = mkdtempSync(join(tmpdir(), "baseline-"));
    const args = ["run", TRACES, "--baseline", `${DIR}/stale.yaml`];
    await cli(...args, "--json", join(dir, "a.json"));
    await cli(...args, "--json", join(dir, "b.json"));
    const a = readFileSync(join(dir, "a.json"), "utf8");
    expect(a).toContain('"kind": "known"');
    expect(readFileSync(join(dir, "b.json"), "utf8")).toBe(a);
  });
});
