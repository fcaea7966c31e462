// The harness side of the driver protocol: a Driver backed by an external process spoken to
// over NDJSON on its stdin/stdout (spec/protocol.md). Every failure of the process surfaces as a
// DriverError naming the command in flight, and leaves no process behind.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import type { Message, NodeId } from "../core/types.js";
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, quoteStart } from "./ndjson.js";
import { POLL_BUDGET_MS, pollingUseful, pollRead, streamFd } from "./poll.js";
import { forgetGroup, killGroup, spawnGroup } from "./process-group.js";
import { BATCH_VERSION, type Command, READY_ADVANCE_VERSION, describeSchemaErrors, isBatchable, isCommand, PROTOCOL_NAME, PROTOCOL_VERSIONS, protocolValidators } from "./protocol-schema.js";
import { type Driver, type DriverErrorCode, DriverError, type Outcome, type ReadyAdvanced } from "./types.js";
import * as wire from "./wire.js";

export { DriverError } from "./types.js";

export interface StdioDriverOptions {
  /** Longest wait for any one response before the driver is killed. */
  readonly timeoutMs: number;
  /** Longest accepted stdout line (default 16 MiB). */
  readonly maxLineBytes?: number;
  /** Protocol versions offered in hello (default: every version this harness speaks). */
  readonly versions?: readonly number[];
  readonly harness?: { readonly name: string; readonly version: string };
  /** Sees every response line as the driver wrote it (driver-check compares sessions byte for byte). */
  readonly onResponseLine?: (line: string) => void;
  /**
   * Poll the driver's stdout for a while after each request instead of sleeping at once (default:
   * when the machine has two cores or more and RAFT_CONFORMANCE_POLL is not 0; src/driver/poll.ts).
   * Give false when several drivers run at once (they would compete for the cores): the driver is
   * then also started with RAFT_CONFORMANCE_POLL=0, which asks it not to poll either.
   */
  readonly poll?: boolean;
}

/** A response envelope as received, for commands sent with `request`. */
export type RawResponse = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

export interface StdioDriver extends Driver {
  /** The driver's process id (also its process group id); undefined if it could not start. */
  readonly pid: number | undefined;
  /** The last lines the driver wrote to stderr. */
  stderrTail(): readonly string[];
  /**
   * Sends any command, known to the protocol or not, and resolves with the response envelope,
   * error responses included. Responses to known commands are still checked against the schema.
   */
  request(cmd: string, params: Record<string, unknown>): Promise<RawResponse>;
}

const STDERR_LINES = 50;
const STDERR_LINE_CHARS = 1000;
const CLOSE_GRACE_MS = 2000;
/** After the process exits, how long its pipes may take to drain before we stop waiting. */
const DRAIN_MS = 1000;

interface WireFailure { readonly code: DriverErrorCode; readonly message: string; readonly details?: unknown }

/** An error response's `details` as text (spec/protocol.md §7: anything, e.g. a stack trace). */
function detailsOf(e: WireFailure): string | undefined {
  if (e.details === undefined || e.details === null) return undefined;
  return typeof e.details === "string" ? e.details : JSON.stringify(e.details);
}

/** What to do with the response to one request (on its own or as a batch element). */
interface Handler {
  readonly cmd: string;
  readonly params: Record<string, unknown>;
  readonly onResult: (result: unknown) => void;
  readonly onFailure: (error: WireFailure, what: string) => void;
  /** Set by `request`: the whole envelope goes to onEnvelope instead. */
  readonly onEnvelope?: (envelope: RawResponse) => void;
  readonly reject: (error: DriverError) => void;
}

interface InFlight {
  readonly id: number;
  readonly cmd: string;
  readonly what: string;
  readonly timer: NodeJS.Timeout;
  /** One handler, or one per element of a batch the client built. */
  readonly handlers: readonly Handler[];
  /** The client built this line as a batch of the handlers' requests (not a `request("batch")`). */
  readonly batched: boolean;
  /** Settles the line: called once its response was handled (or the connection failed). */
  readonly settle: (next?: Promise<void>) => void;
}

/** At most this many requests go in one `batch` line; more are sent as several. */
export const MAX_BATCH_REQUESTS = 256;

/** The last lines of a stream, each and the unfinished one bounded in length. */
class TailBuffer {
  private lines: string[] = [];
  private partial = "";

  push(chunk: string): void {
    const parts = (this.partial + chunk).split("\n");
    this.partial = (parts.pop() ?? "").slice(-STDERR_LINE_CHARS);
    for (const p of parts) this.lines.push(p.length > STDERR_LINE_CHARS ? `${p.slice(0, STDERR_LINE_CHARS)}…` : p);
    if (this.lines.length > STDERR_LINES) this.lines = this.lines.slice(-STDERR_LINES);
  }

  tail(): string[] {
    return this.partial === "" ? [...this.lines] : [...this.lines, this.partial].slice(-STDERR_LINES);
  }
}

/** Connections waiting for a response: one polls only while it is the only one (see `poll`). */
let waiting = 0;
/** One read buffer for every poll: polls run one at a time, in one synchronous turn each. */
let pollBuffer: Buffer | undefined;

const nodeSuffix = (params: Record<string, unknown>): string => (typeof params["node"] === "string" ? `, node ${params["node"]}` : "");

class Connection {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly splitter: LineSplitter;
  private readonly stderr = new TailBuffer();
  private nextId = 1;
  private inFlight: InFlight | undefined;
  private broken: DriverError | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  /** Calls made in the same turn of the event loop, sent together at its end (version 2). */
  private queue: Handler[] = [];
  private flushScheduled = false;
  /** The protocol version the driver chose; `batch` is used from BATCH_VERSION on. */
  version = 1;
  private exitDescription: string | undefined;
  private finished = false;
  private closing = false;
  private drainTimer: NodeJS.Timeout | undefined;
  private resolveExited!: () => void;
  readonly exited = new Promise<void>((resolve) => (this.resolveExited = resolve));
  /** Poll the driver's stdout after each request while nothing else waits. */
  private readonly polling: boolean;

  constructor(
    argv: readonly string[],
    readonly timeoutMs: number,
    private readonly maxLineBytes: number,
    private readonly onResponseLine?: (line: string) => void,
    poll = pollingUseful(),
  ) {
    this.splitter = new LineSplitter(maxLineBytes);
    this.child = spawnGroup(argv, poll ? {} : { RAFT_CONFORMANCE_POLL: "0" });
    const child = this.child;
    this.polling = poll;
    child.stdout.on("data", (chunk: Buffer) => this.onStdout(chunk));
    child.stderr.on("data", (chunk: Buffer) => this.stderr.push(chunk.toString("utf8")));
    child.stdin.on("error", () => {
      // EPIPE: the driver is gone; its exit is reported with its stderr.
    });
    child.on("error", (err) => {
      this.fail(new DriverError("driver", `cannot run driver ${JSON.stringify(argv.join(" "))}: ${err.message}`, this.inFlight?.cmd));
      if (child.pid === undefined) this.finish();
    });
    child.on("exit", (code, signal) => {
      this.exitDescription = signal !== null ? `was killed by signal ${signal}` : `exited with code ${code ?? "?"}`;
      killGroup(child.pid); // whatever it started goes with it
      this.drainTimer = setTimeout(() => this.finish(), DRAIN_MS);
    });
    child.on("close", () => this.finish());
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  stderrTail(): string[] {
    return this.stderr.tail();
  }

  /**
   * Sends one command after the previous ones finished; resolves with the decoded result. Under
   * version 2, calls made in the same turn of the event loop (a harness issuing independent calls
   * together) go in one `batch` line; the driver runs them in the order they were made. An
   * element refused with `rejected` (an outcome) does not stop the others; after any other error
   * the calls behind it are rejected without being run.
   */
  call<T>(cmd: Command, params: Record<string, unknown>, decode: (result: unknown) => T, onFailure?: (e: WireFailure) => T, timeoutMs = this.timeoutMs): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const h: Handler = {
        cmd, params, reject,
        onResult: (result) => resolve(decode(result)),
        onFailure: (error, what) => {
          if (onFailure !== undefined && error.code === "rejected") resolve(onFailure(error));
          else reject(new DriverError("driver", `driver answered ${what} with error ${error.code}: ${error.message}`, cmd, error.code, detailsOf(error)));
        },
      };
      if (this.version >= BATCH_VERSION && isBatchable(cmd) && timeoutMs === this.timeoutMs) {
        this.queue.push(h);
        if (!this.flushScheduled) {
          this.flushScheduled = true;
          queueMicrotask(() => this.flush());
        }
      } else {
        this.enqueueLine([h], timeoutMs);
      }
    });
  }

  /** Sends a command and resolves with its envelope, whatever the outcome (see StdioDriver.request). */
  request(cmd: string, params: Record<string, unknown>): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve, reject) => {
      this.enqueueLine([{ cmd, params, reject, onEnvelope: resolve, onResult: () => undefined, onFailure: () => undefined }], this.timeoutMs);
    });
  }

  /** Sends what the last turn queued: one request alone, several as batches. */
  private flush(): void {
    this.flushScheduled = false;
    const items = this.queue;
    this.queue = [];
    for (let k = 0; k < items.length; k += MAX_BATCH_REQUESTS) this.enqueueLine(items.slice(k, k + MAX_BATCH_REQUESTS), this.timeoutMs);
  }

  /** Puts a line (one request, or a batch of several) after the lines before it. */
  private enqueueLine(handlers: readonly Handler[], timeoutMs: number): void {
    const run = (): Promise<void> => this.send(handlers, timeoutMs);
    this.chain = this.chain.then(run, run).catch(() => undefined);
  }

  /** Writes one line; resolves when its response was handled (a batch's re-sent rest included). */
  private send(handlers: readonly Handler[], timeoutMs: number): Promise<void> {
    if (this.broken !== undefined) {
      for (const h of handlers) h.reject(this.broken);
      return Promise.resolve();
    }
    const id = this.nextId++;
    const single = handlers.length === 1 ? handlers[0] : undefined;
    const cmd = single?.cmd ?? "batch";
    const what = single !== undefined
      ? `\`${single.cmd}\` (id ${id}${nodeSuffix(single.params)})`
      : `\`batch\` (id ${id}, ${handlers.length} requests: ${handlers.slice(0, 4).map((h) => h.cmd).join(", ")}${handlers.length > 4 ? ", …" : ""})`;
    let line: string;
    try {
      line = single !== undefined
        ? `${JSON.stringify({ id, cmd, ...single.params })}\n`
        : `${JSON.stringify({ id, cmd, requests: handlers.map((h) => ({ cmd: h.cmd, ...h.params })) })}\n`;
    } catch (e) {
      for (const h of handlers) h.reject(e as DriverError);
      return Promise.resolve();
    }
    return new Promise<void>((settle) => {
      const timer = setTimeout(() => {
        this.fail(new DriverError("timeout", `no response to ${what} within ${timeoutMs} ms${this.stderrSuffix()}`, cmd));
      }, timeoutMs);
      waiting++;
      let settled = false;
      const inFlight: InFlight = {
        id, cmd, what, timer, handlers, batched: single === undefined,
        settle: (next) => {
          if (!settled) waiting--;
          settled = true;
          settle(next ?? Promise.resolve());
        },
      };
      this.inFlight = inFlight;
      this.child.stdin.write(line);
      this.poll(inFlight);
    });
  }

  /**
   * Reads the answer to `f` from the driver's stdout while it comes within the poll budget, if no
   * other connection waits (it would be kept waiting meanwhile). Whatever is read goes through the
   * same path as the stream's data; what does not come in time, the stream delivers as before.
   */
  private poll(f: InFlight): void {
    if (!this.polling || waiting !== 1) return;
    pollBuffer ??= Buffer.allocUnsafe(64 * 1024);
    while (this.inFlight === f) {
      // Asked each time: once the stream is closed its descriptor may be another file's.
      const fd = streamFd(this.child.stdout);
      if (fd === undefined) return;
      const n = pollRead(fd, pollBuffer, POLL_BUDGET_MS);
      if (n === undefined || n === 0) return; // nothing in time, or end of file: the stream sees it
      this.onStdout(Buffer.from(pollBuffer.subarray(0, n)));
    }
  }

  private onStdout(chunk: Buffer): void {
    for (const ev of this.splitter.push(chunk)) {
      if (ev.kind === "overflow") {
        this.fail(new DriverError("protocol", `driver wrote a line longer than ${this.maxLineBytes} bytes${this.inFlightSuffix()}; it starts with ${quoteStart(ev.head)}`, this.inFlight?.cmd));
        return;
      }
      this.onLine(ev.text);
    }
  }

  private onLine(text: string): void {
    if (this.broken !== undefined || text.trim() === "") return;
    const f = this.inFlight;
    if (f === undefined) {
      this.fail(new DriverError("protocol", `driver wrote a line while no command was in flight (the protocol is lockstep): ${quoteStart(text)}`));
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.fail(new DriverError("protocol", `driver wrote a line that is not JSON in answer to ${f.what}: ${quoteStart(text)} (stdout carries protocol lines only; logs go to stderr)`, f.cmd));
      return;
    }
    const id = typeof parsed === "object" && parsed !== null ? (parsed as { id?: unknown }).id : undefined;
    if (id !== f.id) {
      this.fail(new DriverError("protocol", `response id ${JSON.stringify(id) ?? "(none)"} does not match request id ${f.id} of ${f.what}: ${quoteStart(text)}`, f.cmd));
      return;
    }
    const schemaProblem = isCommand(f.cmd) ? schemaError(f.cmd, parsed) : envelopeError(parsed);
    if (schemaProblem !== undefined) {
      this.fail(new DriverError("protocol", `response to ${f.what} does not match spec/driver-protocol.schema.json ${schemaProblem}: ${quoteStart(text)}`, f.cmd));
      return;
    }
    const envelope = parsed as { ok: boolean; result?: unknown; error?: WireFailure };
    const single = f.batched ? undefined : f.handlers[0];
    let elements: readonly BatchElement[] | undefined;
    if (single === undefined && envelope.ok) {
      const problem = batchProblem(f, (envelope.result as { responses: BatchElement[] }).responses);
      if (problem !== undefined) {
        this.fail(new DriverError("protocol", `response to ${f.what} ${problem}: ${quoteStart(text)}`, f.cmd));
        return;
      }
      elements = (envelope.result as { responses: BatchElement[] }).responses;
    }
    clearTimeout(f.timer);
    this.inFlight = undefined;
    this.onResponseLine?.(text);
    let current = f.what;
    try {
      if (single !== undefined) {
        if (single.onEnvelope !== undefined) single.onEnvelope(envelope.ok ? { ok: true, result: envelope.result } : { ok: false, error: envelope.error as WireFailure });
        else if (envelope.ok) single.onResult(envelope.result);
        else single.onFailure(envelope.error as WireFailure, f.what);
        f.settle();
        return;
      }
      if (elements === undefined) {
        // The batch as a whole was refused: every element fails with that error (as a driver
        // error without its code, since no element was answered on its own).
        const e = envelope.error as WireFailure;
        for (const h of f.handlers) h.reject(new DriverError("driver", `driver answered ${f.what} with error ${e.code}: ${e.message}`, "batch", undefined, detailsOf(e)));
        f.settle();
        return;
      }
      for (const [k, el] of elements.entries()) {
        const h = f.handlers[k] as Handler;
        current = elementWhat(f, k);
        if (el.ok) h.onResult(el.result);
        else h.onFailure(el.error, current);
      }
      const last = elements[elements.length - 1] as BatchElement;
      if (!last.ok && last.error.code !== "rejected") {
        // A failure ends the batch: what came after it is not run, as it would not have been
        // had each been sent after the one before.
        const why = new DriverError("driver", `not run: ${elementWhat(f, elements.length - 1)} before it failed with ${last.error.code}`, "batch");
        for (const h of f.handlers.slice(elements.length)) h.reject(why);
        f.settle();
        return;
      }
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      const err = e instanceof DriverError ? e : new DriverError("protocol", `response to ${current} has a value the harness cannot take: ${detail}`, f.cmd);
      this.inFlight = f; // so fail() rejects this call
      this.fail(err);
      return;
    }
    // The driver stopped at a refused element (an outcome, not a failure); the rest is sent again
    // before anything else.
    const rest = f.handlers.slice(elements.length);
    f.settle(rest.length === 0 ? undefined : this.send(rest, this.timeoutMs));
  }

  /** The first failure wins; the in-flight call is rejected and the process group killed. */
  fail(err: DriverError): void {
    this.broken ??= err;
    const f = this.inFlight;
    this.inFlight = undefined;
    if (f !== undefined) {
      clearTimeout(f.timer);
      for (const h of f.handlers) h.reject(this.broken);
      f.settle();
    }
    killGroup(this.child.pid);
  }

  /** The process is gone and its pipes are drained (or stopped draining). */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.drainTimer);
    const f = this.inFlight;
    const how = this.exitDescription ?? "stopped";
    const unterminated = this.splitter.rest();
    const hint = unterminated === "" ? "" : `; its last output had no newline: ${quoteStart(unterminated)}`;
    const when = f === undefined ? "between commands" : `while ${f.what} was in flight`;
    if (this.closing && f === undefined) this.fail(new DriverError("driver", "the driver was closed"));
    else this.fail(new DriverError("driver", `driver ${how} ${when}${hint}${this.stderrSuffix()}`, f?.cmd));
    forgetGroup(this.child.pid);
    this.resolveExited();
  }

  private inFlightSuffix(): string {
    return this.inFlight === undefined ? "" : ` in answer to ${this.inFlight.what}`;
  }

  private stderrSuffix(): string {
    const tail = this.stderr.tail();
    return tail.length === 0 ? "; it wrote nothing to stderr" : `; last stderr lines:\n${tail.map((l) => `  | ${l}`).join("\n")}`;
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.broken === undefined) {
      const grace = Math.min(this.timeoutMs, CLOSE_GRACE_MS);
      try {
        await this.call("bye", {}, () => undefined, undefined, grace);
        await Promise.race([this.exited, new Promise((r) => setTimeout(r, grace).unref())]);
      } catch {
        // A driver that cannot say goodbye is killed like any other.
      }
    }
    this.broken ??= new DriverError("driver", "the driver was closed");
    killGroup(this.child.pid);
    await this.exited;
  }
}

type BatchElement = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: WireFailure };

function elementWhat(f: InFlight, k: number): string {
  const h = f.handlers[k] as Handler;
  return `\`${h.cmd}\` (element ${k + 1} of ${f.handlers.length} in \`batch\` id ${f.id}${nodeSuffix(h.params)})`;
}

/**
 * What is wrong with a batch's responses, beyond the envelope the schema checked: their number
 * (one per request the driver ran, and it runs until the first failure), and each element against
 * its own command's result schema and error codes.
 */
function batchProblem(f: InFlight, responses: readonly BatchElement[]): string | undefined {
  const n = f.handlers.length;
  if (responses.length > n) return `has ${responses.length} responses for ${n} requests`;
  if (responses.length === 0) return `has no responses for ${n} requests (a driver answers at least the first)`;
  for (const [k, el] of responses.entries()) {
    const cmd = (f.handlers[k] as Handler).cmd as Command;
    const at = `/result/responses/${k}`;
    if (!el.ok) {
      if (k < responses.length - 1) return `continues after element ${k + 1} failed (a driver stops at the first element that is not ok)`;
      const codes = protocolValidators().errorCodes(cmd);
      if (!codes.includes(el.error.code)) {
        return `does not match spec/driver-protocol.schema.json at ${at}/error/code: \`${cmd}\` may not answer ${JSON.stringify(el.error.code)} (${codes.map((c) => JSON.stringify(c)).join(", ")})`;
      }
      continue;
    }
    const validate = protocolValidators().result(cmd);
    if (!validate(el.result)) return `does not match spec/driver-protocol.schema.json ${describeSchemaErrors(validate.errors, `${at}/result`)} (element ${k + 1}, \`${cmd}\`)`;
  }
  const last = responses[responses.length - 1] as BatchElement;
  if (responses.length < n && last.ok) return `has ${responses.length} responses for ${n} requests, and the last one succeeded (a driver runs every element until one fails)`;
  return undefined;
}

function schemaError(cmd: Command, parsed: unknown): string | undefined {
  const validate = protocolValidators().response(cmd);
  return validate(parsed) ? undefined : describeSchemaErrors(validate.errors);
}

/** A command outside the protocol has no result schema; its response must still be an envelope. */
function envelopeError(parsed: unknown): string | undefined {
  const e = parsed as { ok?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } | null };
  if (e.ok === true) return "result" in e ? undefined : "(an ok response needs a result)";
  if (e.ok !== false) return "(ok must be true or false)";
  const err = e.error;
  return typeof err === "object" && err !== null && typeof err.code === "string" && typeof err.message === "string" ? undefined : "(an error response needs error.code and error.message strings)";
}

const outcomeOk = (): Outcome => ({ ok: true });
const rejected = (e: WireFailure): Outcome => ({ ok: false, error: e.message });
const none = (): void => undefined;
const id = (n: NodeId): string => wire.encodeNodeId(n, "node");

/** A Driver for the external program argv (spawned without a shell). */
export function createStdioDriver(argv: string[], opts: StdioDriverOptions): StdioDriver {
  const versions = opts.versions ?? PROTOCOL_VERSIONS;
  const conn = new Connection(argv, opts.timeoutMs, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, opts.onResponseLine, opts.poll);
  const simple = (cmd: Command, params: Record<string, unknown>): Promise<void> => conn.call(cmd, params, none);
  const outcome = (cmd: Command, params: Record<string, unknown>): Promise<Outcome> => conn.call(cmd, params, outcomeOk, rejected);
  const msgParam = (m: Message): wire.WireMessage => wire.encodeMessage(m, "msg");
  const decodeReady = (r: unknown): ReturnType<typeof wire.decodeReady> | null => {
    const w = (r as { ready: wire.WireReady | null }).ready;
    return w === null ? null : wire.decodeReady(w, "result.ready");
  };
  const readyAdvance = (node: NodeId): Promise<ReadyAdvanced> =>
    conn.call("ready", { node: id(node), advance: true }, (r): ReadyAdvanced => {
      const ready = decodeReady(r);
      const adv = (r as { advance?: BatchElement }).advance;
      if ((adv === undefined) !== (ready === null)) {
        throw new DriverError("protocol", `\`ready\` with \`advance\` answered ${ready === null ? "a null Ready with" : "a Ready without"} \`advance\` (spec/protocol.md §6.5)`, "ready");
      }
      if (adv === undefined) return { ready };
      if (adv.ok) return { ready, advance: { ok: true, applied: wire.decodeApplied(adv.result as wire.WireApplied, "result.advance.result") } };
      const e = adv.error;
      return { ready, advance: { ok: false, error: new DriverError("driver", `driver answered \`advance\` (with \`ready\` on node ${node}) with error ${e.code}: ${e.message}`, "advance", e.code, detailsOf(e)) } };
    });

  return {
    get pid() {
      return conn.pid;
    },
    stderrTail: () => conn.stderrTail(),
    request: async (cmd, params) => conn.request(cmd, params),

    hello: async () => {
      const params: Record<string, unknown> = { protocol: PROTOCOL_NAME, versions: [...versions] };
      if (opts.harness !== undefined) params["harness"] = { name: opts.harness.name, version: opts.harness.version };
      return conn.call("hello", params, (r) => {
        const info = wire.decodeDriverInfo(r as wire.WireHelloResult);
        if (!versions.includes(info.protocolVersion)) {
          throw new DriverError("protocol", `driver chose protocol version ${info.protocolVersion}, but the harness offered ${versions.join(", ")}`, "hello");
        }
        conn.version = info.protocolVersion;
        return info;
      });
    },
    reset: async () => simple("reset", {}),
    create: async (node, config, storage) =>
      simple("create", { node: id(node), config: wire.encodeNodeConfig(config, "config"), storage: wire.encodeDurableState(storage, "storage") }),
    crash: async (node) => simple("crash", { node: id(node) }),
    tick: async (node) => simple("tick", { node: id(node) }),
    step: async (node, msg) => outcome("step", { node: id(node), msg: msgParam(msg) }),
    campaign: async (node) => outcome("campaign", { node: id(node) }),
    propose: async (node, data) => outcome("propose", { node: id(node), data: wire.encodeBytes(data) }),
    proposeConfChange: async (node, cc) => outcome("propose_conf_change", { node: id(node), cc: wire.encodeConfChange(cc, "cc") }),
    readIndex: async (node, ctx) => outcome("read_index", { node: id(node), ctx: wire.encodeBytes(ctx) }),
    transferLeader: async (node, to) => outcome("transfer_leader", { node: id(node), to: wire.encodeNodeId(to, "to") }),
    forgetLeader: async (node) => outcome("forget_leader", { node: id(node) }),
    reportUnreachable: async (node, peer) => outcome("report_unreachable", { node: id(node), peer: wire.encodeNodeId(peer, "peer") }),
    reportSnapshot: async (node, peer, failed) => outcome("report_snapshot", { node: id(node), peer: wire.encodeNodeId(peer, "peer"), failed }),
    setRandomizedElectionTimeout: async (node, ticks) => simple("set_randomized_election_timeout", { node: id(node), ticks }),
    ready: async (node) => conn.call("ready", { node: id(node) }, decodeReady),
    get readyAdvance() {
      return conn.version >= READY_ADVANCE_VERSION ? readyAdvance : undefined;
    },
    advance: async (node) => conn.call("advance", { node: id(node) }, (r) => wire.decodeApplied(r as wire.WireApplied, "result")),
    storageAppend: async (node, msg) => simple("storage_append", { node: id(node), msg: msgParam(msg) }),
    storageApply: async (node, msg) =>
      conn.call("storage_apply", { node: id(node), msg: msgParam(msg) }, (r) => wire.decodeApplied(r as wire.WireApplied, "result")),
    compact: async (node, index) => simple("compact", { node: id(node), index: wire.encodeU64(index, "index") }),
    status: async (node) => conn.call("status", { node: id(node) }, (r) => wire.decodeStatus((r as { status: wire.WireStatus }).status, "result.status")),
    close: async () => conn.close(),
  };
}
