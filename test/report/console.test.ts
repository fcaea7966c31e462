import { describe, expect, it } from "vitest";
import { ConsoleReporter } from "../../src/report/console.js";
import { driver, results } from "./fixtures.js";

function capture(tty: boolean, timings = false): { out: string; reporter: ConsoleReporter } {
  const sink = { text: "", write(s: string) { sink.text += s; }, columns: 60 };
  const reporter = new ConsoleReporter(sink, { timings, tty });
  const run = { reporter, get out() { return sink.text; } };
  reporter.header(7, "exact");
  reporter.driver(driver);
  results.forEach((r, i) => {
    reporter.traceStarted(r.id, r.file);
    reporter.traceFinished(r, i + 1, results.length);
  });
  reporter.finish();
  return run;
}

const lines = (s: string): string[] => s.split("\n");

describe("console reporter", () => {
  it("prints the seed first, then the driver and the level its traces are checked at", () => {
    const [seed, drv, level] = lines(capture(false).out);
    expect(seed).toBe("seed: 7");
    expect(drv).toMatch(/^driver: raft-conformance-reference 0\.1\.0 \(typescript, message model etcd/);
    expect(level).toBe("level: exact");
  });

  it("says a driver without etcd's message model runs an exact request at observable", () => {
    const sink = { text: "", write(s: string) { sink.text += s; } };
    const reporter = new ConsoleReporter(sink, { timings: false, tty: false });
    reporter.header(1, "exact");
    reporter.driver({ ...driver, messageModel: "generic" });
    expect(lines(sink.text)[2]).toBe('level: observable (asked for exact; exact needs the etcd message model, the driver declares "generic")');
  });

  it("ends with the summary line on its own", () => {
    const out = capture(false).out;
    expect(out.endsWith("\n1 passed, 2 failed, 1 skipped, 1 errored\n")).toBe(true);
  });

  it("counts assertions skipped for behaviours (needs:) just above the summary line, and only then", () => {
    expect(capture(false).out).not.toContain("needs:");
    const sink = { text: "", write(x: string) { sink.text += x; } };
    const reporter = new ConsoleReporter(sink, { timings: false, tty: false });
    const [first, ...rest] = results;
    if (first === undefined) throw new Error("fixtures have no results");
    reporter.finish([{ ...first, assertionsSkipped: 3 }, ...rest]);
    expect(sink.text).toContain("\nneeds: 3 assertions not checked in 1 traces that ran: their steps need a behaviour the driver lacks\n\n1 passed, 2 failed, 1 skipped, 1 errored\n");
  });

  it("shows each failure with id, file:line, step, invariant and the message", () => {
    const out = capture(false).out;
    expect(out).toContain(
      "FAIL regressions/two-leaders\n  at traces/regressions/two-leaders.yaml:40 (step 7)\n" +
        "  invariant: ElectionSafety\n    nodes 1 and 2 are both leader in term 3\n",
    );
    expect(out).toContain("    - term: 2\n    + term: 3");
    expect(out).toContain("ERROR toplevel (timeout)\n  at traces/toplevel.yaml:5 (step 0)\n    driver did not answer");
  });

  it("groups skipped traces by reason", () => {
    expect(capture(false).out).toContain(
      "Skipped (1):\n  capability:snapshots (1):\n    etcd/interaction/snapshot-succeed-via-app-resp\n",
    );
  });

  it("names the driver before any trace line, even when it is known only after some traces", () => {
    const sink = { text: "", write(s: string) { sink.text += s; } };
    const reporter = new ConsoleReporter(sink, { timings: false, tty: false });
    reporter.header(1, "exact");
    const [first, second] = results;
    if (first === undefined || second === undefined) throw new Error("fixture");
    reporter.traceFinished(first, 1, 2);
    reporter.driver(driver);
    reporter.traceFinished(second, 2, 2);
    reporter.finish();
    expect(lines(sink.text).slice(0, 5).map((l) => l.split(" ")[0])).toEqual(["seed:", "driver:", "level:", "[1/2]", "[2/2]"]);
  });

  it("writes one plain line per trace when not on a TTY", () => {
    const out = capture(false).out;
    expect(out).not.toContain("\r");
    expect(out).toContain("[1/5] passed etcd/interaction/campaign\n");
    expect(out).toContain("[3/5] skipped etcd/interaction/snapshot-succeed-via-app-resp: capability:snapshots\n");
  });

  it("rewrites one progress line in place on a TTY, never wider than the terminal", () => {
    const out = capture(true).out;
    expect(out).toContain("\r\u001B[K[2/5] ok 1, fail 1, skip 0, err 0 | core/rep");
    const progress = out.split("\r\u001B[K").map((s) => s.split("\n")[0] ?? "");
    expect(Math.max(...progress.map((p) => p.length))).toBeLessThan(60);
    expect(out).not.toContain("[1/5] passed");
    expect(out.endsWith("\n1 passed, 2 failed, 1 skipped, 1 errored\n")).toBe(true);
  });

  it("adds durations only with timings", () => {
    expect(capture(false, true).out).toContain("[1/5] passed etcd/interaction/campaign (13 ms)\n");
    expect(capture(false, false).out).not.toContain(" ms)");
  });
});
