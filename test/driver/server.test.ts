// The driver side: requests in, responses out, every refusal with its documented error code.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { serveDriver } from "../../src/driver/stdio-server.js";
import { FakeDriver } from "./fake-driver.js";

const HELLO = { id: 1, cmd: "hello", protocol: "raft-driver", versions: [1] };

/** Feeds request lines to a served FakeDriver and collects the parsed response lines. */
async function session(lines: readonly (string | object)[], opts: { maxLineBytes?: number } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  const fake = new FakeDriver();
  const chunks: Buffer[] = [];
  output.on("data", (c: Buffer) => chunks.push(c));
  const done = serveDriver(fake, input, output, opts);
  for (const l of lines) input.write(`${typeof l === "string" ? l : JSON.stringify(l)}\n`);
  input.end();
  await done;
  const responses = Buffer.concat(chunks).toString("utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
  return { responses, fake };
}

describe("serveDriver", () => {
  it("answers hello with the driver's handshake in wire form", async () => {
    const { responses } = await session([HELLO]);
    expect(responses).toEqual([{
      id: 1, ok: true,
      result: {
        protocol_version: 1,
        implementation: { name: "fake", version: "1.2.3", language: "typescript", url: "https://example.invalid/fake" },
        message_model: "etcd",
        capabilities: ["election", "replication", "async_storage_writes", "snapshots"],
      },
    }]);
  });

  it("refuses every command but hello and bye before the handshake", async () => {
    const { responses, fake } = await session([{ id: 1, cmd: "tick", node: "1" }]);
    expect(responses[0]).toMatchObject({ id: 1, ok: false, error: { code: "not_initialized" } });
    expect(fake.calls).toEqual([["close"]]);
  });

  it("answers a command it does not know with unknown_command", async () => {
    const { responses } = await session([HELLO, { id: 2, cmd: "batch", cmds: [] }]);
    expect(responses[1]).toEqual({ id: 2, ok: false, error: { code: "unknown_command", message: 'unknown command "batch"' } });
  });

  it("answers a request the schema refuses with invalid_params", async () => {
    const { responses } = await session([HELLO, { id: 2, cmd: "tick", node: 1 }, { id: 3, cmd: "tick", node: "1", n: 2 }]);
    expect(responses[1]).toMatchObject({ id: 2, ok: false, error: { code: "invalid_params", message: "`tick` request does not match the schema at /node: must be string" } });
    expect(responses[2]).toMatchObject({ id: 3, ok: false, error: { code: "invalid_params", message: '`tick` request does not match the schema at the top level: must NOT have unevaluated properties ("n")' } });
  });

  it("answers a node id above 2^53-3 with invalid_params", async () => {
    const { responses } = await session([HELLO, { id: 2, cmd: "tick", node: "9007199254740993" }]);
    expect(responses[1]).toMatchObject({ id: 2, ok: false, error: { code: "invalid_params", message: "node: 9007199254740993 is above 2^53-1 (9007199254740991), the largest id, term or index the harness holds exactly" } });
  });

  it("answers a line that is not JSON, or has no id, with id null", async () => {
    const { responses } = await session(["tick 1", { cmd: "tick", node: "1" }]);
    expect(responses).toEqual([
      { id: null, ok: false, error: { code: "invalid_params", message: "request line is not JSON" } },
      { id: null, ok: false, error: { code: "invalid_params", message: "request has no valid id (a positive integer)" } },
    ]);
  });

  it("turns a refused operation into rejected and an exception into internal", async () => {
    const { responses } = await session([HELLO, { id: 2, cmd: "propose", node: "1", data: "" }, { id: 3, cmd: "tick", node: "99" }]);
    expect(responses[1]).toEqual({ id: 2, ok: false, error: { code: "rejected", message: "ErrProposalDropped" } });
    expect(responses[2]).toEqual({ id: 3, ok: false, error: { code: "internal", message: "Error: no node 99" } });
  });

  it("refuses a hello that offers no version the driver speaks", async () => {
    const { responses } = await session([{ ...HELLO, versions: [4, 5] }]);
    expect(responses[0]).toMatchObject({ id: 1, ok: false, error: { code: "unsupported", message: "this driver speaks protocol version 1, 2, 3; the harness offered 4, 5" } });
  });

  it("stops after bye and closes the driver", async () => {
    const { responses, fake } = await session([HELLO, { id: 2, cmd: "bye" }, { id: 3, cmd: "tick", node: "1" }]);
    expect(responses).toEqual([expect.objectContaining({ id: 1 }), { id: 2, ok: true, result: {} }]);
    expect(fake.calls).toEqual([["hello"], ["close"]]);
  });

  it("stops at a request line longer than its limit", async () => {
    const { responses, fake } = await session([HELLO, `{"id":2,"cmd":"propose","node":"1","data":"${"A".repeat(400)}"}`], { maxLineBytes: 256 });
    expect(responses[1]).toEqual({ id: null, ok: false, error: { code: "invalid_params", message: "request line longer than 256 bytes" } });
    expect(fake.calls).toEqual([["hello"], ["close"]]);
  });
});
