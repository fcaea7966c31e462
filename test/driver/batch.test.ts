// Protocol version 2: calls the harness makes together go to the driver as one `batch` line, run
// in order; a refused element (an outcome) does not stop the rest, a failed one does.
import { describe, expect, it } from "vitest";
import { createStdioDriver, type StdioDriver } from "../../src/driver/stdio-client.js";
import { DriverError } from "../../src/driver/types.js";
import { fakeDriverArgv } from "./helpers.js";

/** The bad-batch fixture in the given mode; its stderr lists the lines it received. */
async function withDriver(mode: string, versions: readonly number[] | undefined, f: (d: StdioDriver) => Promise<void>): Promise<string[]> {
  const d = createStdioDriver(fakeDriverArgv("bad-batch.mjs", mode), { timeoutMs: 10_000, ...(versions === undefined ? {} : { versions }) });
  try {
    await d.hello();
    await f(d);
  } finally {
    await d.close();
  }
  return d.stderrTail().filter((l) => l !== "" && l !== "hello" && l !== "bye");
}

describe("batching over stdio (protocol version 2)", () => {
  it("sends calls made together as one batch line, and a single call as a plain request", async () => {
    const lines = await withDriver("good", undefined, async (d) => {
      expect(await Promise.all([d.tick(1), d.ready(1), d.advance(2)])).toEqual([undefined, null, { confStates: [] }]);
      await d.tick(3);
    });
    expect(lines).toEqual(["batch: tick 1, ready 1, advance 2", "tick"]);
  });

  it("goes on after an element refused with rejected: the rest is sent again", async () => {
    const lines = await withDriver("good", undefined, async (d) => {
      const out = await Promise.all([d.tick(1), d.propose(7, new Uint8Array([1])), d.tick(2), d.tick(3)]);
      expect(out).toEqual([undefined, { ok: false, error: "ErrProposalDropped" }, undefined, undefined]);
    });
    expect(lines).toEqual(["batch: tick 1, propose 7, tick 2, tick 3", "batch: tick 2, tick 3"]);
  });

  it("stops at an element that failed: it and the calls after it reject, nothing is sent again", async () => {
    let results: PromiseSettledResult<unknown>[] = [];
    const lines = await withDriver("good", undefined, async (d) => {
      results = await Promise.allSettled([d.tick(1), d.tick(8), d.tick(2)]);
      await d.tick(3); // the driver stays usable after an error response
    });
    expect(results[0]).toEqual({ status: "fulfilled", value: undefined });
    expect(results[1]).toMatchObject({ status: "rejected", reason: { kind: "driver", code: "internal", command: "tick" } });
    expect((results[1] as PromiseRejectedResult).reason.message).toMatch(/driver answered `tick` \(element 2 of 3 in `batch` id \d+, node 8\) with error internal: boom/);
    expect(results[2]).toMatchObject({ status: "rejected", reason: { kind: "driver", command: "batch" } });
    expect((results[2] as PromiseRejectedResult).reason.message).toMatch(/not run: `tick` \(element 2 of 3/);
    expect(lines).toEqual(["batch: tick 1, tick 8, tick 2", "tick"]);
  });

  it("rejects every call of a batch the driver refused as a whole, as a driver error without a code", async () => {
    let results: PromiseSettledResult<unknown>[] = [];
    await withDriver("refused", undefined, async (d) => {
      results = await Promise.allSettled([d.tick(1), d.tick(2)]);
    });
    for (const r of results) {
      expect(r.status).toBe("rejected");
      const e = (r as PromiseRejectedResult).reason as DriverError;
      expect(e).toBeInstanceOf(DriverError);
      expect(e).toMatchObject({ kind: "driver", code: undefined });
      expect(e.message).toMatch(/driver answered `batch` \(id \d+, 2 requests: tick, tick\) with error invalid_params: batches are off today/);
    }
  });

  it("never sends a batch to a driver that chose version 1", async () => {
    const lines = await withDriver("too-many", [1], async (d) => {
      await Promise.all([d.tick(1), d.ready(1), d.tick(2)]);
    });
    expect(lines).toEqual(["tick", "ready", "tick"]);
  });
});
