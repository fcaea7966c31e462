// Every way an external driver can misbehave ends in a DriverError of the documented kind, within
// the command timeout, with a message that says what happened, and with no process left behind.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { restartingDriver } from "../../src/driver/restarting.js";
import { createStdioDriver, type StdioDriver } from "../../src/driver/stdio-client.js";
import { DriverError, type DriverErrorKind } from "../../src/driver/types.js";
import { runTrace } from "../../src/harness/run.js";
import { loadTraceText } from "../../src/trace/load.js";
import { fakeDriverArgv, isAlive, waitGone } from "./helpers.js";

interface Case {
  readonly name: string;
  readonly fixture: string;
  readonly args?: readonly string[];
  readonly kind: DriverErrorKind;
  readonly message: RegExp;
  readonly command?: string;
  readonly timeoutMs?: number;
  readonly maxLineBytes?: number;
  readonly versions?: readonly number[];
  /** Commands sent after hello, in order; the last one is expected to fail (hello itself if empty). */
  readonly then?: readonly ((d: StdioDriver) => Promise<unknown>)[];
}

const tick = (d: StdioDriver): Promise<unknown> => d.tick(1);
/** Calls made together: one `batch` line to a version-2 driver (a tick, then a ready). */
const together = (d: StdioDriver): Promise<unknown> => Promise.all([d.tick(1), d.ready(1)]);
const BATCH = /`batch` \(id 2, 2 requests: tick, ready\)/.source;
const badBatch = (name: string, mode: string, message: string): Case =>
  ({ name: `a batch answered with ${name} is a protocol error`, fixture: "bad-batch.mjs", args: [mode], then: [together], kind: "protocol", command: "batch", message: new RegExp(message) });
const reset = (d: StdioDriver): Promise<unknown> => d.reset();

const CASES: readonly Case[] = [
  {
    name: "a log line on stdout is a protocol error quoting the line",
    fixture: "garbage-line.mjs", then: [reset, tick], kind: "protocol", command: "tick",
    message: /not JSON in answer to `tick` \(id 3, node 1\): "INFO tick processed on node 1"/,
  },
  {
    name: "a driver that exits at once is a driver error carrying its stderr",
    fixture: "exits-at-once.mjs", kind: "driver",
    message: /driver exited with code 3 .*last stderr lines:\n {2}\| fatal: cannot load libraft\.so/s,
  },
  {
    name: "a driver that never answers is killed after the timeout",
    fixture: "never-answers.mjs", timeoutMs: 400, kind: "timeout", command: "hello",
    message: /no response to `hello` \(id 1\) within 400 ms; it wrote nothing to stderr/,
  },
  {
    name: "an answer with the wrong id is a protocol error",
    fixture: "wrong-id.mjs", kind: "protocol", command: "hello",
    message: /response id 2 does not match request id 1 of `hello` \(id 1\): "\{\\"id\\":2/,
  },
  {
    name: "an answer the schema refuses is a protocol error naming the field",
    fixture: "schema-invalid.mjs", then: [(d) => d.ready(1)], kind: "protocol", command: "ready",
    message: /response to `ready` \(id 2, node 1\) does not match spec\/driver-protocol\.schema\.json at \/result\/ready\/messages\/0: must have required property 'from'/,
  },
  {
    name: "a term above 2^53-1 is a protocol error saying why",
    fixture: "huge-term.mjs", then: [(d) => d.status(1)], kind: "protocol", command: "status",
    message: /result\.status\.hard_state\.term: 18446744073709551613 is above 2\^53-1/,
  },
  {
    name: "a line longer than the limit is a protocol error quoting its start",
    fixture: "oversized-line.mjs", maxLineBytes: 1024 * 1024, kind: "protocol", command: "hello",
    message: /longer than 1048576 bytes in answer to `hello` \(id 1\); it starts with "\{\\"id\\":1,\\"ok\\":true/,
  },
  {
    name: "endless stderr does not keep a silent driver alive, and only its last lines are kept",
    fixture: "endless-stderr.mjs", timeoutMs: 600, kind: "timeout", command: "hello",
    message: /no response to `hello` \(id 1\) within 600 ms; last stderr lines:\n(  \| debug: still thinking \(\d+\)\n){49}  \| debug: still thinking/,
  },
  {
    name: "a driver that dies mid-trace is a driver error naming the command and its last words",
    fixture: "exit-mid-trace.mjs", then: [reset, tick], kind: "driver", command: "tick",
    message: /driver exited with code 2 while `tick` \(id 3, node 1\) was in flight; last stderr lines:\n.*panic: runtime error: index out of range/s,
  },
  {
    name: "a driver killed by a signal is a driver error naming the signal",
    fixture: "killed-by-signal.mjs", then: [reset], kind: "driver", command: "reset",
    message: /driver was killed by signal SIGKILL while `reset` \(id 2\) was in flight/,
  },
  {
    name: "a protocol version the harness did not offer is a protocol error",
    fixture: "wrong-version.mjs", kind: "protocol", command: "hello",
    message: /driver chose protocol version 4, but the harness offered 1, 2, 3/,
  },
  {
    name: "output before any request is a protocol error quoting it",
    fixture: "banner.mjs", kind: "protocol",
    message: /"fake-raft driver v0\.0\.0 listening"/,
  },
  {
    name: "a program that cannot be started is a driver error naming it",
    fixture: "does-not-exist.mjs", kind: "driver",
    message: /exited with code 1 .*Cannot find module/s,
  },
  badBatch("more responses than requests", "too-many", `response to ${BATCH} has 3 responses for 2 requests`),
  badBatch("an element after a failed one", "after-error", `response to ${BATCH} continues after element 1 failed`),
  badBatch("fewer responses than requests, the last ok", "short", `response to ${BATCH} has 1 responses for 2 requests, and the last one succeeded`),
  badBatch("no responses", "empty", `response to ${BATCH} has no responses for 2 requests`),
  badBatch("an element its command's schema refuses", "element-schema", `response to ${BATCH} does not match spec/driver-protocol\\.schema\\.json at /result/responses/1/result/ready/messages/0: must have required property 'from' \\(element 2, \`ready\`\\)`),
  badBatch("an error code its command may not answer", "wrong-code", `response to ${BATCH} does not match spec/driver-protocol\\.schema\\.json at /result/responses/0/error/code: \`tick\` may not answer "rejected"`),
];

describe("a broken driver", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const timeoutMs = c.timeoutMs ?? 5000;
      const driver = createStdioDriver(fakeDriverArgv(c.fixture, ...(c.args ?? [])), {
        timeoutMs,
        ...(c.maxLineBytes === undefined ? {} : { maxLineBytes: c.maxLineBytes }),
        ...(c.versions === undefined ? {} : { versions: c.versions }),
      });
      const started = Date.now();
      const steps = c.then ?? [];
      let error: unknown;
      try {
        await driver.hello();
        for (const step of steps) await step(driver);
      } catch (e) {
        error = e;
      }
      const elapsed = Date.now() - started;
      const pid = driver.pid;
      const stderr = driver.stderrTail();
      await driver.close();

      expect(error).toBeInstanceOf(DriverError);
      const err = error as DriverError;
      expect(err.message).toMatch(c.message);
      expect(err.kind).toBe(c.kind);
      if (c.command !== undefined) expect(err.command).toBe(c.command);
      // Errors other than timeouts are noticed at once, not by waiting for the timeout.
      expect(elapsed).toBeLessThan(c.kind === "timeout" ? timeoutMs + 2000 : timeoutMs);
      if (c.kind === "timeout") expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 5);
      expect(pid).toBeDefined();
      expect(() => process.kill(pid as number, 0)).toThrow();
      expect(stderr.length).toBeLessThanOrEqual(50);
      // Later calls fail the same way instead of hanging.
      await expect(driver.tick(1)).rejects.toBeInstanceOf(DriverError);
    });
  }

  it("a program that does not exist is a driver error naming it", async () => {
    const driver = createStdioDriver(["/nonexistent/raft-driver", "--flag"], { timeoutMs: 5000 });
    await expect(driver.hello()).rejects.toMatchObject({
      kind: "driver",
      message: 'cannot run driver "/nonexistent/raft-driver --flag": spawn /nonexistent/raft-driver ENOENT',
    });
    await driver.close();
  });

  it("takes the processes the driver started down with it", async () => {
    const driver = createStdioDriver(fakeDriverArgv("exit-mid-trace.mjs"), { timeoutMs: 5000 });
    await driver.hello();
    const helper = Number(/helper pid (\d+)/.exec(driver.stderrTail().join("\n"))?.[1]);
    expect(isAlive(helper)).toBe(true);
    await expect(driver.tick(1)).rejects.toThrow(/panic/);
    await driver.close();
    expect(await waitGone(helper)).toBe(true);
  });

  it("leaves no process behind when closed while a command hangs", async () => {
    const driver = createStdioDriver(fakeDriverArgv("never-answers.mjs"), { timeoutMs: 60_000 });
    const pending = driver.hello().catch((e: unknown) => e);
    const pid = driver.pid as number;
    await new Promise((r) => setTimeout(r, 100));
    const killed = readFileSync(`/proc/${pid}/stat`, "utf8");
    expect(killed).toMatch(/^\d+ \(node\)/);
    process.kill(-pid, "SIGKILL"); // as an OOM killer would, while hello waits
    expect(await pending).toMatchObject({ kind: "driver", command: "hello" });
    await driver.close();
    expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe("a driver's error details", () => {
  it("an `internal` answer keeps its details (where a panic was raised) on the DriverError", async () => {
    const driver = createStdioDriver(fakeDriverArgv("panics-with-details.mjs"), { timeoutMs: 5000 });
    try {
      await driver.hello();
      const error: unknown = await driver.tick(1).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DriverError);
      const err = error as DriverError;
      expect(err.code).toBe("internal");
      expect(err.message).toMatch(/with error internal: panic: called `Option::unwrap\(\)` on a `None` value/);
      expect(err.details).toBe("panicked at raft-0.7.0/src/raft.rs:943\nstack …");
    } finally {
      await driver.close();
    }
  });
});

describe("a trace whose driver panics", () => {
  it("is errored with the first line of the error's details (where the panic was raised) after the message", async () => {
    const loaded = loadTraceText("panic.yaml", "id: t/panic\ndescription: a panic on create\nfeatures: [election]\nsteps:\n  - add-nodes: {count: 1, voters: [1], index: 2}\n");
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
    const driver = restartingDriver(() => createStdioDriver(fakeDriverArgv("panics-with-details.mjs", "create"), { timeoutMs: 5000 }), "panics-with-details.mjs create");
    try {
      const info = await driver.hello();
      const r = await runTrace(loaded.trace, driver, { level: "observable", seed: 1, info });
      expect(r.status).toBe("errored");
      expect(r.reason).toMatch(/with error internal: panic: called `Option::unwrap\(\)` on a `None` value/);
      // Only the first line: the rest of a stack trace may differ between runs.
      expect(r.reason).toMatch(/\n {2}details: panicked at raft-0\.7\.0\/src\/raft\.rs:943$/);
    } finally {
      await driver.close();
    }
  });
});
