// The driver side of the protocol: reads requests from `input`, calls a Driver, writes responses
// to `output`. `raft-conformance reference-driver` serves the in-process reference core with it,
// so the real protocol is exercised end to end.
import type { Readable, Writable } from "node:stream";
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from "./ndjson.js";
import { type Command, describeSchemaErrors, isCommand, protocolValidators } from "./protocol-schema.js";
import { type Applied, type Driver, type DriverErrorCode, DriverError, type Outcome } from "./types.js";
import * as wire from "./wire.js";

type Response =
  | { id: number | null; ok: true; result: unknown }
  | { id: number | null; ok: false; error: { code: DriverErrorCode; message: string } };

/** A handler's answer: a result, or an Outcome refusal that becomes a `rejected` error. */
type Answer = { readonly result: unknown } | { readonly rejected: string };

class RequestError extends Error {
  constructor(readonly code: DriverErrorCode, message: string) {
    super(message);
  }
}

// Requests have been validated against the schema, so field shapes are known.
type Req = Record<string, unknown> & { id: number; cmd: Command };

const EMPTY = { result: {} } as const;
const node = (r: Req): number => wire.decodeNodeId(r["node"] as string, "node");
const outcome = (o: Outcome): Answer => (o.ok ? EMPTY : { rejected: o.error });

/** `advance` / `storage_apply`: a node that refuses to apply a committed entry answers `rejected` (§6.3). */
async function appliedOrRefused(f: () => Promise<Applied>): Promise<Answer> {
  try {
    return { result: wire.encodeApplied(await f(), "result") };
  } catch (e) {
    if (e instanceof DriverError && e.code === "rejected") return { rejected: e.message };
    throw e;
  }
}

function handlers(driver: Driver, session: { hello: boolean }): Record<Command, (r: Req) => Promise<Answer>> {
  const msg = (r: Req): ReturnType<typeof wire.decodeMessage> => wire.decodeMessage(r["msg"] as wire.WireMessage, "msg");
  return {
    hello: async (r) => {
      const info = await driver.hello();
      const offered = r["versions"] as number[];
      if (!offered.includes(info.protocolVersion)) {
        throw new RequestError("unsupported", `this driver speaks protocol version ${info.protocolVersion}; the harness offered ${offered.join(", ")}`);
      }
      session.hello = true;
      return { result: wire.encodeDriverInfo(info) };
    },
    reset: async () => (await driver.reset(), EMPTY),
    create: async (r) => {
      const config = wire.decodeNodeConfig(r["config"] as wire.WireNodeConfig, "config");
      const storage = wire.decodeDurableState(r["storage"] as wire.WireDurableState, "storage");
      await driver.create(node(r), config, storage);
      return EMPTY;
    },
    crash: async (r) => (await driver.crash(node(r)), EMPTY),
    tick: async (r) => (await driver.tick(node(r)), EMPTY),
    step: async (r) => outcome(await driver.step(node(r), msg(r))),
    campaign: async (r) => outcome(await driver.campaign(node(r))),
    propose: async (r) => outcome(await driver.propose(node(r), wire.decodeBytes(r["data"] as string))),
    propose_conf_change: async (r) =>
      outcome(await driver.proposeConfChange(node(r), wire.decodeConfChange(r["cc"] as wire.WireConfChange, "cc"))),
    read_index: async (r) => outcome(await driver.readIndex(node(r), wire.decodeBytes(r["ctx"] as string))),
    transfer_leader: async (r) => outcome(await driver.transferLeader(node(r), wire.decodeNodeId(r["to"] as string, "to"))),
    forget_leader: async (r) => outcome(await driver.forgetLeader(node(r))),
    report_unreachable: async (r) => outcome(await driver.reportUnreachable(node(r), wire.decodeNodeId(r["peer"] as string, "peer"))),
    report_snapshot: async (r) =>
      outcome(await driver.reportSnapshot(node(r), wire.decodeNodeId(r["peer"] as string, "peer"), r["failed"] as boolean)),
    set_randomized_election_timeout: async (r) => (await driver.setRandomizedElectionTimeout(node(r), r["ticks"] as number), EMPTY),
    ready: async (r) => {
      const rd = await driver.ready(node(r));
      return { result: { ready: rd === null ? null : wire.encodeReady(rd, "result.ready") } };
    },
    advance: async (r) => appliedOrRefused(() => driver.advance(node(r))),
    storage_append: async (r) => (await driver.storageAppend(node(r), msg(r)), EMPTY),
    storage_apply: async (r) => appliedOrRefused(() => driver.storageApply(node(r), msg(r))),
    compact: async (r) => (await driver.compact(node(r), wire.decodeU64(r["index"] as string, "index")), EMPTY),
    status: async (r) => ({ result: { status: wire.encodeStatus(await driver.status(node(r)), "result.status") } }),
    bye: async () => EMPTY,
  };
}

function failure(id: number | null, code: DriverErrorCode, message: string): Response {
  return { id, ok: false, error: { code, message } };
}

/** Errors thrown by the driver become error responses; nothing a request does ends the session. */
function errorResponse(id: number, e: unknown): Response {
  if (e instanceof RequestError) return failure(id, e.code, e.message);
  if (e instanceof wire.WireError) return failure(id, "invalid_params", e.message);
  if (e instanceof DriverError && e.code !== undefined && e.code !== "rejected") return failure(id, e.code, e.message);
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return failure(id, "internal", message);
}

async function answer(line: string, table: Record<Command, (r: Req) => Promise<Answer>>, session: { hello: boolean }): Promise<{ response: Response; cmd?: Command }> {
  let req: unknown;
  try {
    req = JSON.parse(line);
  } catch {
    return { response: failure(null, "invalid_params", "request line is not JSON") };
  }
  const id = typeof req === "object" && req !== null ? (req as { id?: unknown }).id : undefined;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 1) {
    return { response: failure(null, "invalid_params", "request has no valid id (a positive integer)") };
  }
  const cmd = (req as { cmd?: unknown }).cmd;
  if (typeof cmd !== "string" || !isCommand(cmd)) {
    return { response: failure(id, "unknown_command", `unknown command ${JSON.stringify(cmd)}`) };
  }
  const validate = protocolValidators().request(cmd);
  if (!validate(req)) {
    return { response: failure(id, "invalid_params", `\`${cmd}\` request does not match the schema ${describeSchemaErrors(validate.errors)}`), cmd };
  }
  if (!session.hello && cmd !== "hello" && cmd !== "bye") {
    return { response: failure(id, "not_initialized", `\`${cmd}\` before \`hello\``), cmd };
  }
  try {
    const a = await table[cmd](req as Req);
    const response: Response = "rejected" in a ? failure(id, "rejected", a.rejected) : { id, ok: true, result: a.result };
    return { response, cmd };
  } catch (e) {
    return { response: errorResponse(id, e), cmd };
  }
}

/**
 * Serves `driver` until `bye` or the end of `input`, then closes the driver. Requests are handled
 * one at a time in arrival order, and each response is flushed before the next request is read.
 */
export async function serveDriver(driver: Driver, input: Readable, output: Writable, opts: { maxLineBytes?: number } = {}): Promise<void> {
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const splitter = new LineSplitter(maxLineBytes);
  const session = { hello: false };
  const table = handlers(driver, session);
  let outputBroken = false;
  const onOutputError = (): void => {
    outputBroken = true; // the harness is gone
  };
  output.on("error", onOutputError);
  const write = (r: Response): Promise<void> =>
    new Promise((resolve) => {
      if (outputBroken) return resolve();
      output.write(`${JSON.stringify(r)}\n`, () => resolve());
    });

  try {
    reading: for await (const chunk of input) {
      for (const ev of splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))) {
        if (ev.kind === "overflow") {
          await write(failure(null, "invalid_params", `request line longer than ${maxLineBytes} bytes`));
          break reading;
        }
        if (ev.text.trim() === "") continue;
        const { response, cmd } = await answer(ev.text, table, session);
        await write(response);
        if (outputBroken || (cmd === "bye" && response.ok)) break reading;
      }
    }
  } finally {
    output.off("error", onOutputError);
    await driver.close();
  }
}
