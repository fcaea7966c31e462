// Polling a pipe (src/driver/poll.ts): what pollRead returns for nothing yet, data and end of
// file, and that the client and the reference driver answer the same with polling on and off.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createStdioDriver } from "../../src/driver/stdio-client.js";
import { pollRead, streamFd } from "../../src/driver/poll.js";
import { runCorpus } from "../../src/harness/run.js";
import { CLI } from "../cli/build.js";
import { fakeDriverArgv } from "./helpers.js";

/** A child that writes `text` after `delayMs`, then closes its stdout and lives on a while. */
function writer(text: string, delayMs: number) {
  const script = `const fs = require("node:fs"); setTimeout(() => { fs.writeSync(1, ${JSON.stringify(text)}); fs.closeSync(1); setTimeout(() => 0, 5000); }, ${delayMs})`;
  return spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
}

describe("pollRead", () => {
  it("gives undefined while nothing came within the budget, then the bytes, then 0 at end of file", async () => {
    const child = writer("hello\n", 300);
    const fd = streamFd(child.stdout);
    expect(fd).toBeTypeOf("number");
    const buf = Buffer.alloc(64);
    expect(pollRead(fd as number, buf, 1)).toBeUndefined();
    let n: number | undefined;
    for (let k = 0; k < 200 && n === undefined; k++) {
      n = pollRead(fd as number, buf, 50);
      if (n === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    expect(buf.toString("utf8", 0, n)).toBe("hello\n");
    let end: number | undefined;
    for (let k = 0; k < 200 && end === undefined; k++) {
      end = pollRead(fd as number, buf, 50);
      if (end === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    expect(end).toBe(0);
    child.kill();
  });

  it("gives undefined for a descriptor it cannot read (the stream reports the error)", () => {
    expect(pollRead(987654, Buffer.alloc(8), 1)).toBeUndefined();
  });

  it("finds no descriptor under something that is not a Node pipe", () => {
    expect(streamFd({})).toBeUndefined();
    expect(streamFd(null)).toBeUndefined();
  });
});

describe("the driver's environment", () => {
  async function nameWith(poll: boolean | undefined): Promise<string> {
    const d = createStdioDriver(fakeDriverArgv("poll-env.mjs"), { timeoutMs: 5000, ...(poll === undefined ? {} : { poll }) });
    const info = await d.hello();
    await d.close();
    return info.implementation.name;
  }

  it("asks a driver not to poll (RAFT_CONFORMANCE_POLL=0) when the client does not, and leaves it alone otherwise", async () => {
    expect(await nameWith(false)).toBe("poll=0");
    expect(await nameWith(true)).toBe(`poll=${process.env["RAFT_CONFORMANCE_POLL"] ?? "unset"}`);
  });
});

describe("polling on both sides", () => {
  /** traces/etcd/interaction through the reference driver, polling (client and driver) or not. */
  async function results(poll: boolean): Promise<unknown> {
    const argv = [...(poll ? [] : ["env", "RAFT_CONFORMANCE_POLL=0"]), process.execPath, CLI, "reference-driver"];
    const r = await runCorpus({ paths: ["traces/etcd/interaction"], driverFactory: () => createStdioDriver(argv, { timeoutMs: 20_000, poll }), level: "exact", seed: 1 });
    return r.results.map(({ durationMs: _, ...t }) => t);
  }

  it("gives the same results as sleeping on the pipe", async () => {
    const polled = await results(true);
    expect(polled).toEqual(await results(false));
    expect(polled).not.toEqual([]);
  }, 60_000);
});
