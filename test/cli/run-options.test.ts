import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/errors.js";
import { parseRunArgs } from "../../src/cli/run-options.js";

describe("run flags", () => {
  it("default to the bundled traces, the reference driver, level exact, seed 1 and a 10 s timeout", () => {
    expect(parseRunArgs([])).toEqual({
      help: false,
      paths: [],
      driver: undefined,
      level: "exact",
      seed: 1,
      shard: undefined,
      grep: undefined,
      features: undefined,
      json: undefined,
      junit: undefined,
      timings: false,
      timeoutMs: 10_000,
      baseline: undefined,
      strictBaseline: false,
      minPassed: 0,
      jobs: 1,
    });
  });

  it("take --jobs as a positive integer, not with --record (one trace at a time)", () => {
    expect(parseRunArgs(["--jobs", "4"])).toMatchObject({ jobs: 4 });
    expect(() => parseRunArgs(["--jobs", "0"])).toThrow(/--jobs wants an integer ≥ 1/);
    expect(() => parseRunArgs(["--jobs", "2", "--record", "log.ndjson"])).toThrow(/--record writes one trace at a time/);
    expect(parseRunArgs(["--jobs", "1", "--record", "log.ndjson"])).toMatchObject({ jobs: 1, record: "log.ndjson" });
  });

  it("take --min-passed as a non-negative integer", () => {
    expect(parseRunArgs(["--min-passed", "200"])).toMatchObject({ minPassed: 200 });
    expect(() => parseRunArgs(["--min-passed", "many"])).toThrow(/--min-passed wants an integer ≥ 0/);
  });

  it("take a baseline file, and --strict-baseline only together with one", () => {
    expect(parseRunArgs(["--baseline", "b.yaml", "--strict-baseline"])).toMatchObject({ baseline: "b.yaml", strictBaseline: true });
    expect(() => parseRunArgs(["--strict-baseline"])).toThrow(/--strict-baseline needs --baseline FILE/);
    expect(() => parseRunArgs(["--baseline", ""])).toThrow(/--baseline wants a file name/);
  });

  it("parse every flag", () => {
    const o = parseRunArgs([
      "traces/etcd", "--driver", `./drv --name "a b"`, "--level", "observable", "--seed", "42",
      "--shard", "2/4", "--grep", "^etcd/", "--features", "election, prevote", "--json", "r.json",
      "--junit", "r.xml", "--timings", "--timeout-ms", "500", "more.yaml",
    ]);
    expect(o).toMatchObject({
      paths: ["traces/etcd", "more.yaml"],
      driver: ["./drv", "--name", "a b"],
      level: "observable",
      seed: 42,
      shard: { index: 1, count: 4 },
      features: ["election", "prevote"],
      json: "r.json",
      junit: "r.xml",
      timings: true,
      timeoutMs: 500,
    });
    expect(o.grep?.test("etcd/interaction/campaign")).toBe(true);
  });

  it.each([
    [["--level", "strict"], /--level wants one of invariants, observable, exact/],
    [["--seed=-1"], /--seed wants an integer/],
    [["--seed", "-1"], /run: Option '--seed' argument is ambiguous\. Did you forget/],
    [["--seed", "1.5"], /--seed wants an integer/],
    [["--seed", "99999999999999999999"], /--seed wants an integer/],
    [["--timeout-ms", "0"], /--timeout-ms wants an integer ≥ 1/],
    [["--shard", "0/2"], /--shard wants i\/n/],
    [["--shard", "3/2"], /--shard wants i\/n/],
    [["--shard", "1"], /--shard wants i\/n/],
    [["--grep", "("], /--grep/],
    [["--features", "election,teleport"], /unknown feature "teleport"/],
    [["--driver", "   "], /--driver wants a command/],
    [["--driver", `drv "unclosed`], /--driver: unterminated double quote/],
    [["--json", ""], /--json wants a file name/],
    [["--bogus"], /Unknown option '--bogus'/],
    [["--seed"], /--seed/],
  ])("reject %j as a usage error", (args, message) => {
    expect(() => parseRunArgs(args)).toThrow(UsageError);
    expect(() => parseRunArgs(args)).toThrow(message);
  });
});
