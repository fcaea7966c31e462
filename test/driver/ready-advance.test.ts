// Protocol version 3 (spec/protocol.md §6.5): `ready` with `advance` takes a Ready and advances it
// in one request; the answer carries what `advance` alone would have answered.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createStdioDriver } from "../../src/driver/stdio-client.js";
import { serveDriver } from "../../src/driver/stdio-server.js";
import { DriverError } from "../../src/driver/types.js";
import { FakeDriver } from "./fake-driver.js";
import { fakeDriverArgv } from "./helpers.js";

/** A FakeDriver whose node 5 refuses to apply what it committed (§6.3). */
class RefusingDriver extends FakeDriver {
  override async advance(node: number) {
    if (node === 5) throw new DriverError("driver", "removed all voters", "advance", "rejected");
    return super.advance(node);
  }
}

async function session(version: number, lines: readonly object[], fake = new FakeDriver()) {
  const input = new PassThrough();
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on("data", (c: Buffer) => chunks.push(c));
  const done = serveDriver(fake, input, output);
  for (const l of [{ id: 1, cmd: "hello", protocol: "raft-driver", versions: [version] }, ...lines]) input.write(`${JSON.stringify(l)}\n`);
  input.end();
  await done;
  const responses = Buffer.concat(chunks).toString("utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
  return { responses, calls: fake.calls.map((c) => c[0]) };
}

describe("ready with advance, driver side", () => {
  it("advances a non-null Ready in the same request and answers the advance; a null Ready has none", async () => {
    const { responses, calls } = await session(3, [{ id: 2, cmd: "ready", node: "1", advance: true }, { id: 3, cmd: "ready", node: "1", advance: true }]);
    expect(responses[1]).toMatchObject({ id: 2, ok: true, result: { advance: { ok: true, result: { conf_states: [{ index: "11" }] } } } });
    expect((responses[1]?.["result"] as { ready: unknown }).ready).not.toBeNull();
    expect(responses[2]).toEqual({ id: 3, ok: true, result: { ready: null } });
    expect(calls).toEqual(["hello", "ready", "advance", "ready", "close"]);
  });

  it("answers a refused advance inside an ok response (the Ready was taken)", async () => {
    const { responses } = await session(3, [{ id: 2, cmd: "ready", node: "5", advance: true }], new RefusingDriver());
    expect(responses[1]).toMatchObject({ id: 2, ok: true, result: { advance: { ok: false, error: { code: "rejected", message: "removed all voters" } } } });
  });

  it("refuses advance in a session below version 3, before taking any Ready", async () => {
    const { responses, calls } = await session(2, [{ id: 2, cmd: "ready", node: "1", advance: true }]);
    expect(responses[1]).toMatchObject({ id: 2, ok: false, error: { code: "invalid_params" } });
    expect(calls).toEqual(["hello", "close"]);
  });
});

describe("ready with advance, harness side", () => {
  const withFixture = async (mode: string, f: (d: ReturnType<typeof createStdioDriver>) => Promise<void>): Promise<void> => {
    const d = createStdioDriver(fakeDriverArgv("ready-advance.mjs", mode), { timeoutMs: 10_000 });
    try {
      await d.hello();
      await f(d);
    } finally {
      await d.close();
    }
  };

  it("is offered only once the driver chose version 3", async () => {
    const d = createStdioDriver(fakeDriverArgv("ready-advance.mjs"), { timeoutMs: 10_000, versions: [1, 2] });
    try {
      expect(d.readyAdvance).toBeUndefined();
    } finally {
      await d.close();
    }
    await withFixture("refused", async (v3) => {
      expect(v3.readyAdvance).toBeTypeOf("function");
    });
  });

  it("hands a refused advance over as a DriverError with code rejected, with its Ready", async () => {
    await withFixture("refused", async (d) => {
      const r = await d.readyAdvance?.(1);
      expect(r?.ready).toMatchObject({ hardState: { term: 1, commit: 2 } });
      expect(r?.advance).toMatchObject({ ok: false, error: { code: "rejected" } });
      expect(r?.advance?.ok === false ? r.advance.error.message : "").toMatch(/with error rejected: removed all voters/);
    });
  });

  for (const [mode, message] of [
    ["no-advance", /answered a Ready without `advance`/],
    ["null-advance", /answered a null Ready with `advance`/],
  ] as const) {
    it(`treats ${mode} as a protocol error`, async () => {
      await withFixture(mode, async (d) => {
        const err = await d.readyAdvance?.(1).then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(DriverError);
        expect(err).toMatchObject({ kind: "protocol" });
        expect((err as Error).message).toMatch(message);
      });
    });
  }
});
