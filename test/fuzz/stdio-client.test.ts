// Random byte streams from a driver into the stdio client: every call settles (resolves, or
// rejects with a DriverError) within its timeout, nothing else is thrown, and what is kept of the
// stream stays bounded. The process is faked (vi.mock of process-group.ts) so that thousands of
// cases need no thousands of processes; the real client code does all the parsing.
import { EventEmitter } from "node:events";
import { PassThrough, Writable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { FUZZ_PARAMS, FUZZ_RUNS } from "./runs.js";

/** What the fake driver writes after each request it reads: one script entry per request. */
let script: Buffer[][] = [];
const fakes = new Map<number, FakeChild>();
let nextPid = 90_000_000; // above any Linux pid_max, so never a real process

class FakeChild extends EventEmitter {
  readonly pid = nextPid++;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly stdin: Writable;
  private gone = false;
  private answered = 0;

  constructor(private readonly replies: Buffer[][]) {
    super();
    let pending = "";
    this.stdin = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        pending += chunk.toString("utf8");
        let nl: number;
        while ((nl = pending.indexOf("\n")) >= 0) {
          pending = pending.slice(nl + 1);
          this.reply();
        }
        done();
      },
    });
  }

  private reply(): void {
    const chunks = this.replies[this.answered++];
    setImmediate(() => {
      if (this.gone) return;
      if (chunks === undefined) return this.die(0, null);
      for (const c of chunks) {
        if (this.gone) return; // the client may kill the driver in the middle of its output
        this.stderr.write(c);
        this.stdout.write(c);
      }
    });
  }

  die(code: number | null, signal: string | null): void {
    if (this.gone) return;
    this.gone = true;
    this.emit("exit", code, signal);
    this.stdout.end();
    this.stderr.end();
    setImmediate(() => this.emit("close", code, signal));
  }
}

vi.mock("../../src/driver/process-group.js", () => ({
  spawnGroup: () => {
    const child = new FakeChild(script);
    fakes.set(child.pid, child);
    return child;
  },
  killGroup: (pid: number | undefined) => {
    if (pid !== undefined) fakes.get(pid)?.die(null, "SIGKILL");
  },
  forgetGroup: (pid: number | undefined) => {
    if (pid !== undefined) fakes.delete(pid);
  },
}));

const { createStdioDriver } = await import("../../src/driver/stdio-client.js");
const { DriverError } = await import("../../src/driver/types.js");

const HELLO = { protocol_version: 1, implementation: { name: "fuzz", version: "0", language: "x" }, message_model: "generic", capabilities: ["election"] };
const line = (o: unknown): Buffer => Buffer.from(`${JSON.stringify(o)}\n`);

/** Chunks a driver might write in answer to request `id`: garbage, near-misses and real answers. */
const answer = (id: number): fc.Arbitrary<Buffer> =>
  fc.oneof(
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
    fc.constant(Buffer.from("\n")),
    fc.constant(line({ id, ok: true, result: id === 1 ? HELLO : {} })),
    fc.constant(line({ id, ok: true, result: { ready: null } })),
    fc.constant(line({ id, ok: false, error: { code: "rejected", message: "no" } })),
    fc.constant(line({ id, ok: false, error: { code: "internal", message: "boom" } })),
    fc.constant(line({ id: id + 1, ok: true, result: {} })),
    fc.constant(line({ id, ok: true, result: { status: { id: "1", hard_state: { term: "18446744073709551615" } } } })),
    fc.constant(Buffer.from(`{"id":${id},"ok":true,"result":{"x":"${"y".repeat(5000)}"}}\n`)),
    fc.string({ maxLength: 40 }).map((s) => Buffer.from(s)),
  );

const replies = fc.array(fc.array(fc.nat({ max: 6 }).chain((k) => answer(k)), { maxLength: 4 }), { maxLength: 6 });

describe("the stdio client under random driver output", () => {
  it(`settles every call with a result or a DriverError (${FUZZ_RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(replies, async (r) => {
        script = r;
        const driver = createStdioDriver(["fuzz-driver"], { timeoutMs: 50, maxLineBytes: 4096 });
        const calls: (() => Promise<unknown>)[] = [
          () => driver.hello(), () => driver.reset(), () => driver.ready(1), () => driver.campaign(1), () => driver.status(1), () => driver.tick(1),
        ];
        for (const call of calls) {
          const started = Date.now();
          try {
            await call();
          } catch (e) {
            if (!(e instanceof DriverError)) throw e;
          }
          expect(Date.now() - started).toBeLessThan(2000);
        }
        expect(driver.stderrTail().length).toBeLessThanOrEqual(50);
        for (const l of driver.stderrTail()) expect(l.length).toBeLessThanOrEqual(1001);
        await driver.close();
      }),
      FUZZ_PARAMS,
    );
    expect(fakes.size).toBe(0);
  }, 600_000);
});
