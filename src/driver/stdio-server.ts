// The driver side of the protocol: reads requests from `input`, calls a Driver, writes responses
// to `output`. `raft-conformance reference-driver` serves the in-process reference core with it,
// so the real protocol is exercised end to end.
import type { Readable, Writable } from "node:stream";
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from "./ndjson.js";
import { POLL_BUDGET_MS, pollRead } from "./poll.js";
import { BATCH_VERSION, type Command, READY_ADVANCE_VERSION, describeSchemaErrors, isBatchable, isCommand, PROTOCOL_VERSIONS, protocolValidators } from "./protocol-schema.js";
import { type Applied, type Driver, type DriverErrorCode, DriverError, type Outcome } from "./types.js";
import * as wire from "./wire.js";

type Response =
  | { id: number | null; ok: true; result: unknown }
  | { id: number | null; ok: false; error: { code: DriverErrorCode; message: string } };
/** A batch element's response: a response without its id. */
type ElementResponse = { ok: true; result: unknown } | { ok: false; error: { code: DriverErrorCode; message: string } };

interface Session {
  hello: boolean;
  /** The protocol version chosen in hello (1 until then). */
  version: number;
  /** The versions this server speaks. */
  readonly versions: readonly number[];
}

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

type Table = Record<Exclude<Command, "batch">, (r: Req) => Promise<Answer>>;

function handlers(driver: Driver, session: Session): Table {
  const msg = (r: Req): ReturnType<typeof wire.decodeMessage> => wire.decodeMessage(r["msg"] as wire.WireMessage, "msg");
  const table: Table = {
    hello: async (r) => {
      const info = await driver.hello();
      const offered = r["versions"] as number[];
      const version = Math.max(...session.versions.filter((v) => offered.includes(v)));
      if (!Number.isFinite(version)) {
        throw new RequestError("unsupported", `this driver speaks protocol version ${session.versions.join(", ")}; the harness offered ${offered.join(", ")}`);
      }
      session.hello = true;
      session.version = version;
      return { result: wire.encodeDriverInfo({ ...info, protocolVersion: version }) };
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
      const fused = r["advance"] === true;
      if (fused && session.version < READY_ADVANCE_VERSION) {
        throw new RequestError("invalid_params", `\`ready\` with \`advance\` needs protocol version ${READY_ADVANCE_VERSION}; this session chose ${session.version}`);
      }
      const rd = await driver.ready(node(r));
      if (rd === null) return { result: { ready: null } };
      const ready = wire.encodeReady(rd, "result.ready");
      // The advance runs as the request after this one would, and is answered as it would be.
      return { result: fused ? { ready, advance: await execute(r.id, "advance", { id: r.id, cmd: "advance", node: r["node"] }, table) } : { ready } };
    },
    advance: async (r) => appliedOrRefused(() => driver.advance(node(r))),
    storage_append: async (r) => (await driver.storageAppend(node(r), msg(r)), EMPTY),
    storage_apply: async (r) => appliedOrRefused(() => driver.storageApply(node(r), msg(r))),
    compact: async (r) => (await driver.compact(node(r), wire.decodeU64(r["index"] as string, "index")), EMPTY),
    status: async (r) => ({ result: { status: wire.encodeStatus(await driver.status(node(r)), "result.status") } }),
    bye: async () => EMPTY,
  };
  return table;
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

/** Runs one validated request (or batch element); a refusal or failure becomes an error response. */
async function execute(id: number, cmd: Exclude<Command, "batch">, req: Req, table: Table): Promise<ElementResponse> {
  try {
    const a = await table[cmd](req);
    return "rejected" in a ? { ok: false, error: { code: "rejected", message: a.rejected } } : { ok: true, result: a.result };
  } catch (e) {
    const { ok, error } = errorResponse(id, e) as Extract<Response, { ok: false }>;
    return { ok, error };
  }
}

/**
 * `batch` (version 2): every element is answered as it would be on its own, in order, and the
 * batch stops after the first element that is not ok. A nested hello, bye or batch refuses the
 * whole batch before anything runs.
 */
async function answerBatch(id: number, requests: readonly unknown[], table: Table): Promise<Response> {
  for (const [k, r] of requests.entries()) {
    const cmd = typeof r === "object" && r !== null ? (r as { cmd?: unknown }).cmd : undefined;
    if (cmd === "hello" || cmd === "bye" || cmd === "batch") return failure(id, "invalid_params", `\`batch\` request ${k} is \`${cmd}\`, which a batch may not contain`);
  }
  const responses: ElementResponse[] = [];
  for (const [k, r] of requests.entries()) {
    const response = await answerElement(id, k, r, table);
    responses.push(response);
    if (!response.ok) break;
  }
  return { id, ok: true, result: { responses } };
}

async function answerElement(id: number, k: number, r: unknown, table: Table): Promise<ElementResponse> {
  const cmd = typeof r === "object" && r !== null ? (r as { cmd?: unknown }).cmd : undefined;
  if (typeof cmd !== "string" || !isBatchable(cmd)) {
    return { ok: false, error: { code: "unknown_command", message: `unknown command ${JSON.stringify(cmd)} in \`batch\` request ${k}` } };
  }
  const validate = protocolValidators().element(cmd);
  if (!validate(r)) {
    return { ok: false, error: { code: "invalid_params", message: `\`${cmd}\` request ${k} of the batch does not match the schema ${describeSchemaErrors(validate.errors)}` } };
  }
  return execute(id, cmd, r as Req, table);
}

async function answer(line: string, table: Table, session: Session): Promise<{ response: Response; cmd?: Command }> {
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
  if (typeof cmd !== "string" || !isCommand(cmd) || (cmd === "batch" && session.hello && session.version < BATCH_VERSION)) {
    return { response: failure(id, "unknown_command", `unknown command ${JSON.stringify(cmd)}`) };
  }
  if (cmd === "batch") {
    if (!session.hello) return { response: failure(id, "not_initialized", "`batch` before `hello`"), cmd };
    // The elements are checked one by one as they run, for an error that names the element.
    const requests = (req as { requests?: unknown }).requests;
    if (!Array.isArray(requests) || requests.length === 0 || Object.keys(req as object).some((k) => k !== "id" && k !== "cmd" && k !== "requests")) {
      return { response: failure(id, "invalid_params", "`batch` request needs exactly id, cmd and a non-empty requests array"), cmd };
    }
    return { response: await answerBatch(id, requests, table), cmd };
  }
  const validate = protocolValidators().request(cmd);
  if (!validate(req)) {
    return { response: failure(id, "invalid_params", `\`${cmd}\` request does not match the schema ${describeSchemaErrors(validate.errors)}`), cmd };
  }
  if (!session.hello && cmd !== "hello" && cmd !== "bye") {
    return { response: failure(id, "not_initialized", `\`${cmd}\` before \`hello\``), cmd };
  }
  const response = await execute(id, cmd, req as Req, table);
  return { response: { id, ...response }, cmd };
}

/**
 * The chunks of `input`, in order. With `pollFd` (the descriptor under `input`, a non-blocking
 * pipe) the next request is first polled for (src/driver/poll.ts).
 */
async function* chunksOf(input: Readable, pollFd: number | undefined): AsyncGenerator<Buffer> {
  if (pollFd === undefined) {
    for await (const chunk of input) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    return;
  }
  try {
    yield* polledChunks(input, pollFd);
  } finally {
    input.destroy(); // as `for await` does when it stops: nothing is left to keep the process alive
  }
}

/** What the stream has already read always comes first: it left the pipe earlier. */
async function* polledChunks(input: Readable, fd: number): AsyncGenerator<Buffer> {
  const buf = Buffer.allocUnsafe(64 * 1024);
  let ended = false;
  input.on("end", () => (ended = true));
  for (;;) {
    for (let b = input.read() as Buffer | string | null; b !== null; b = input.read() as Buffer | string | null) yield Buffer.isBuffer(b) ? b : Buffer.from(b);
    if (ended || input.destroyed) return;
    const n = pollRead(fd, buf, POLL_BUDGET_MS);
    if (n === 0) return;
    if (n !== undefined) {
      yield Buffer.from(buf.subarray(0, n));
      continue;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        input.off("readable", done);
        input.off("end", done);
        input.off("close", done);
        resolve();
      };
      input.on("readable", done);
      input.on("end", done);
      input.on("close", done);
    });
    if (input.destroyed && input.readableLength === 0) return;
  }
}

/**
 * Serves `driver` until `bye` or the end of `input`, then closes the driver. Requests are handled
 * one at a time in arrival order; each response is written before the next request is handled.
 * `pollFd`: the descriptor under `input` to poll for requests (see chunksOf).
 */
export async function serveDriver(driver: Driver, input: Readable, output: Writable, opts: { maxLineBytes?: number; versions?: readonly number[]; pollFd?: number | undefined } = {}): Promise<void> {
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const splitter = new LineSplitter(maxLineBytes);
  const session: Session = { hello: false, version: 1, versions: opts.versions ?? PROTOCOL_VERSIONS };
  const table = handlers(driver, session);
  let outputBroken = false;
  const onOutputError = (): void => {
    outputBroken = true; // the harness is gone
  };
  output.on("error", onOutputError);
  // A response is not waited for once written: the harness sends nothing before reading it (the
  // protocol is lockstep). Only a full output buffer, and the last response, are waited for.
  let flushed: Promise<void> = Promise.resolve();
  const write = (r: Response): Promise<void> | undefined => {
    if (outputBroken) return undefined;
    let done!: () => void;
    flushed = new Promise((resolve) => (done = resolve));
    return output.write(`${JSON.stringify(r)}\n`, () => done()) ? undefined : flushed;
  };

  try {
    reading: for await (const chunk of chunksOf(input, opts.pollFd)) {
      for (const ev of splitter.push(chunk)) {
        if (ev.kind === "overflow") {
          await write(failure(null, "invalid_params", `request line longer than ${maxLineBytes} bytes`));
          break reading;
        }
        if (ev.text.trim() === "") continue;
        const { response, cmd } = await answer(ev.text, table, session);
        const full = write(response);
        if (outputBroken || (cmd === "bye" && response.ok)) break reading;
        if (full !== undefined) await full;
      }
    }
    await flushed;
  } finally {
    output.off("error", onOutputError);
    await driver.close();
  }
}
