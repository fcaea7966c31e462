// The bad-input catalogue, driver side: a driver that misbehaves during one trace errors that trace
// with a message naming the command in flight, what happened and the driver command; the driver
// is restarted, so the good trace after it still passes; nothing the driver started survives.
// The misbehaviour comes from test/fixtures/drivers/hostile.mjs (the reference driver behind a
// proxy); the client-level cases are in test/driver/broken-drivers.test.ts, and Ctrl-C of the
// harness in test/driver/orphans.test.ts.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildCli } from "../cli/build.js";
import { fixture, waitGone } from "../driver/helpers.js";
import { BAD, GOOD, GOOD_ID, runWithReport, STACK_FRAME, traceIn } from "./cli-run.js";

const HOSTILE = `${BAD}/hostile-propose.yaml`;
const HOSTILE_ID = "reliability/hostile-propose";
const scratch = mkdtempSync(join(tmpdir(), "rc-hostile-"));

beforeAll(() => {
  if (inject("cliBuilt") !== true) buildCli();
}, 180_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const driverLine = (file: string, ...args: string[]): string => [process.execPath, fixture(file), ...args].map((w) => `'${w}'`).join(" ");

interface Case {
  readonly name: string;
  readonly mode: string;
  readonly delayMs?: number;
  readonly timeoutMs?: number;
  /** The proxy offers the reference driver protocol version 1 only. */
  readonly v1?: boolean;
  /** The hostile trace's reason (WHAT: the line in flight); undefined when it passes. */
  readonly reason?: RegExp;
}

/**
 * What the client names as in flight when the hostile propose is sent: under protocol version 2
 * the input goes in one batch with the step's status refresh; under version 1 it goes alone.
 */
const V2 = /`batch` \(id \d+, 2 requests: propose, status\)/.source;
const V1 = /`propose` \(id \d+, node 1\)/.source;
const at = (what: string, re: string): RegExp => new RegExp(re.replaceAll("WHAT", what));

const CASES: readonly Case[] = [
  { name: "a log line on stdout", mode: "garbage", reason: /not JSON in answer to WHAT: "INFO proposing on node 1" \(stdout carries protocol lines only; logs go to stderr\)/ },
  { name: "an answer with the wrong id", mode: "wrong-id", reason: /response id \d+ does not match request id \d+ of WHAT/ },
  { name: "an answer the schema refuses", mode: "schema", reason: /response to WHAT does not match spec\/driver-protocol\.schema\.json/ },
  { name: "a line over 16 MiB", mode: "oversized", reason: /driver wrote a line longer than 16777216 bytes in answer to WHAT/ },
  { name: "an exit in the middle of a trace", mode: "exit", reason: /driver exited with code 3 while WHAT was in flight; last stderr lines:\n\s+\| panic: proposal queue corrupted/ },
  { name: "death by a signal", mode: "signal", reason: /driver was killed by signal SIGKILL while WHAT was in flight/ },
  // The timeout also bounds the proxy's start-up (hello), so it cannot be very short on a busy machine.
  { name: "a hang", mode: "hang", timeoutMs: 4000, reason: /no response to WHAT within 4000 ms/ },
  { name: "an answer slower than the timeout", mode: "slow", delayMs: 5000, timeoutMs: 4000, reason: /no response to WHAT within 4000 ms/ },
  { name: "an answer slow but within the timeout", mode: "slow", delayMs: 3000, timeoutMs: 4000 },
  { name: "endless stderr while answering", mode: "stderr-flood" },
  // Version 1 (no batch) for the kinds of failure whose message names the line in flight.
  { name: "a log line on stdout, protocol version 1", mode: "garbage", v1: true, reason: /not JSON in answer to WHAT: "INFO proposing on node 1"/ },
  { name: "an exit in the middle of a trace, protocol version 1", mode: "exit", v1: true, reason: /driver exited with code 3 while WHAT was in flight/ },
];

describe("a driver that misbehaves during one trace", () => {
  for (const c of CASES) {
    const verdict = c.reason === undefined ? "passes: misbehaviour the protocol allows is not a failure" : "errors that trace, names the driver command, and the next trace passes";
    // Cases that wait for no timeout run side by side (most of their time is process start-up).
    const test = c.timeoutMs === undefined ? it.concurrent : it;
    test(`${c.name} (${c.mode}) ${verdict}`, async () => {
      const pids = join(scratch, `${c.mode}-${c.delayMs ?? 0}${c.v1 === true ? "-v1" : ""}.pids`);
      const line = driverLine("hostile.mjs", c.mode, String(c.delayMs ?? 0), pids, c.v1 === true ? "1" : "2");
      const run = await runWithReport(["--driver", line, "--timeout-ms", String(c.timeoutMs ?? 10_000), HOSTILE, GOOD]);
      const hostile = traceIn(run, HOSTILE_ID);
      expect(traceIn(run, GOOD_ID)?.status).toBe("passed");
      if (c.reason === undefined) {
        expect(hostile?.status).toBe("passed");
        expect(run.code).toBe(0);
      } else {
        expect(run.code).toBe(1);
        expect(hostile).toMatchObject({ status: "errored", errorKind: "driver" });
        expect(hostile?.reason).toMatch(at(c.v1 === true ? V1 : V2, c.reason.source));
        expect(hostile?.reason).toContain(`driver command: ${line.replaceAll("'", "")}`);
      }
      expect(run.stderr + run.stdout).not.toMatch(STACK_FRAME);
      // Every process the proxy and its reference driver ran is gone.
      for (const pid of readFileSync(pids, "utf8").trim().split("\n").map(Number)) expect(await waitGone(pid)).toBe(true);
    });
  }
});

describe("a driver that claims a capability in hello and then refuses it", () => {
  it.each(["1", "2"])("skips that trace with the driver's own words as the reason (spec/protocol.md: `unsupported`), and the run goes on (protocol version %s)", async (version) => {
    const pids = join(scratch, `refuse-${version}.pids`);
    const run = await runWithReport(["--driver", driverLine("hostile.mjs", "refuse", "0", pids, version), HOSTILE, GOOD]);
    expect(run.code).toBe(0);
    expect(traceIn(run, HOSTILE_ID)).toMatchObject({ status: "skipped", reason: "driver does not support: proposals are not implemented" });
    expect(traceIn(run, GOOD_ID)?.status).toBe("passed");
    for (const pid of readFileSync(pids, "utf8").trim().split("\n").map(Number)) expect(await waitGone(pid)).toBe(true);
  });
});

describe("a driver that cannot complete the handshake", () => {
  const HANDSHAKE: readonly { name: string; argv: string; timeoutMs?: number; message: RegExp }[] = [
    { name: "no answer to hello", argv: driverLine("never-answers.mjs"), timeoutMs: 500, message: /^raft-conformance: driver error \(timeout\): no response to `hello` \(id 1\) within 500 ms/ },
    { name: "a protocol version the harness did not offer", argv: driverLine("wrong-version.mjs"), message: /^raft-conformance: driver error \(protocol\): driver chose protocol version 4, but the harness offered 1, 2, 3/ },
    { name: "a banner before any request", argv: driverLine("banner.mjs"), message: /^raft-conformance: driver error \(protocol\): driver wrote a line that is not JSON in answer to `hello` \(id 1\): "fake-raft driver v0\.0\.0 listening" \(stdout carries protocol lines only; logs go to stderr\)/ },
    { name: "a program that does not exist", argv: "/nonexistent/raft-driver --flag", message: /^raft-conformance: driver error \(driver\): cannot run driver "\/nonexistent\/raft-driver --flag"/ },
  ];
  for (const c of HANDSHAKE) {
    it(`${c.name}: exit 1, one error naming the driver command, no report file`, async () => {
      const run = await runWithReport(["--driver", c.argv, "--timeout-ms", String(c.timeoutMs ?? 10_000), GOOD]);
      expect(run.code).toBe(1);
      const errors = run.stderr.split("\n").filter((l) => l.startsWith("raft-conformance: "));
      expect(errors[0]).toMatch(c.message);
      expect(run.stderr).toContain(`driver command: ${c.argv.replaceAll("'", "")}`);
      expect(run.stderr).toContain("no report file written: the driver never answered hello");
      expect(run.stderr + run.stdout).not.toMatch(STACK_FRAME);
      expect(run.report).toBeUndefined();
    });
  }
});
