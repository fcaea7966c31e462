// The compiled executable, spawned as users and CI run it. Fixture traces live in
// test/fixtures/traces/cli/: one that passes, and three invalid ones (a YAML syntax error, a step
// the schema does not know, a campaign on a node that does not exist).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { buildCli, CLI, ROOT } from "./build.js";
import { validateReport } from "../report/schema.js";

const FIXTURES = "test/fixtures/traces/cli";
const PASS = `${FIXTURES}/pass.yaml`;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[], cwd = ROOT): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A Node stack frame ("    at fn (file:1:2)") anywhere in the output. */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => /\.ya?ml$/.test(f));
}

const lastLine = (s: string): string => s.trimEnd().split("\n").at(-1) ?? "";

beforeAll(() => {
  if (inject("cliBuilt") !== true) buildCli();
}, 180_000);

describe("raft-conformance (compiled CLI)", () => {
  it("prints the package version", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(cli(["--version"])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it("answers a usage mistake with one line on stderr and exit 2", () => {
    const r = cli(["run", "--shard", "5/2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('raft-conformance: --shard wants i/n with 1 ≤ i ≤ n (e.g. 2/4), got "5/2"\n');
  });

  describe("validate", () => {
    it("lists every problem as file:line:col and exits 2, without a stack trace", () => {
      const r = cli(["validate", FIXTURES]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^${FIXTURES}/yaml-error\\.yaml:6:\\d+: YAML`, "m"));
      expect(r.stderr).toMatch(new RegExp(`^${FIXTURES}/schema-error\\.yaml:6:\\d+: .*elect-someone`, "m"));
      expect(r.stderr).toMatch(new RegExp(`^${FIXTURES}/unknown-node\\.yaml:6:\\d+: .*node 9`, "m"));
      expect(r.stderr).not.toContain("pass.yaml");
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(r.stdout).toBe("4 trace files checked: 1 valid, 3 invalid (4 problems)\n");
    });

    it("exits 0 for valid files", () => {
      expect(cli(["validate", PASS])).toMatchObject({ code: 0, stderr: "" });
    });
  });

  describe("invariants", () => {
    it("--json lists at least 23 invariants, each with a definition and its TLA+ counterpart", () => {
      const r = cli(["invariants", "--json"]);
      expect(r.code).toBe(0);
      const list = JSON.parse(r.stdout) as { id: string; name: string; definition: string; tla: string }[];
      expect(list.length).toBeGreaterThanOrEqual(23);
      for (const inv of list) {
        expect(Object.keys(inv)).toEqual(["id", "name", "definition", "tla"]);
        expect(inv.definition.length).toBeGreaterThan(0);
        expect(inv.tla.length).toBeGreaterThan(0);
      }
      expect(new Set(list.map((i) => i.id)).size).toBe(list.length);
    });

    it("prints the same list as text", () => {
      const r = cli(["invariants"]);
      expect(r.code).toBe(0);
      const count = (JSON.parse(cli(["invariants", "--json"]).stdout) as unknown[]).length;
      expect(lastLine(r.stdout)).toBe(`${count} invariants`);
    });
  });

  describe("run", () => {
    it("passes a valid trace: seed first, summary last, exit 0", () => {
      const r = cli(["run", PASS, "--seed", "5"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout.split("\n")[0]).toBe("seed: 5");
      expect(r.stdout).toMatch(/^driver: /m);
      expect(lastLine(r.stdout)).toBe("1 passed, 0 failed, 0 skipped, 0 errored");
    });

    it("reports invalid traces with file:line on stderr and in the report, still runs the valid one, and exits 2", () => {
      const r = cli(["run", FIXTURES]);
      expect(r.code).toBe(2);
      expect(lastLine(r.stdout)).toBe("1 passed, 0 failed, 0 skipped, 3 errored");
      for (const bad of ["unknown-node", "schema-error", "yaml-error"]) {
        expect(r.stderr).toMatch(new RegExp(`^${FIXTURES}/${bad}\\.yaml:6\\b`, "m"));
        expect(r.stdout).toContain(`${FIXTURES}/${bad}.yaml:6`);
      }
      expect(r.stdout).toMatch(/^\[\d\/4\] passed cli\/three-node-election$/m);
      expect(r.stdout + r.stderr).not.toMatch(STACK_FRAME);
    });

    it("writes a JSON report that validates and is byte-identical for the same seed", () => {
      const dir = mkdtempSync(join(tmpdir(), "rc-json-"));
      const first = cli(["run", FIXTURES, "--seed", "9", "--json", join(dir, "a.json")]);
      const second = cli(["run", FIXTURES, "--seed", "9", "--json", join(dir, "b.json")]);
      expect([first.code, second.code]).toEqual([2, 2]);
      const a = readFileSync(join(dir, "a.json"), "utf8");
      expect(readFileSync(join(dir, "b.json"), "utf8")).toBe(a);
      const report = JSON.parse(a) as { seed: number; traces: { id: string; status: string; errorKind?: string }[] };
      expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
      expect(report.seed).toBe(9);
      const outcomes = report.traces.map((t) => `${t.status}${t.errorKind !== undefined ? `:${t.errorKind}` : ""}`);
      expect(outcomes.sort()).toEqual(["errored:input", "errored:input", "errored:input", "passed"]);
    });

    it("writes a JUnit report with one testcase per trace", () => {
      const dir = mkdtempSync(join(tmpdir(), "rc-junit-"));
      const file = join(dir, "nested", "junit.xml");
      expect(cli(["run", FIXTURES, "--junit", file]).code).toBe(2);
      const xml = readFileSync(file, "utf8");
      expect(xml.match(/<testcase /g)).toHaveLength(4);
      expect(xml).toContain('<testsuite name="raft-conformance" tests="4" failures="0" errors="3" skipped="0"');
    });

    it("uses the traces bundled with the package when given no path, from any directory", () => {
      // Only where the files come from is checked here: the bundled corpus itself is tested elsewhere.
      const bundled = yamlFilesUnder(join(ROOT, "traces")).length;
      const v = cli(["validate"], tmpdir());
      expect(v.stdout).toMatch(new RegExp(`^${bundled} trace files? checked`));
      const out = join(mkdtempSync(join(tmpdir(), "rc-default-")), "r.json");
      const r = cli(["run", "--grep", "^no-trace-has-this-id$", "--json", out], tmpdir());
      expect(r.stdout).toMatch(/^\d+ passed, \d+ failed, \d+ skipped, \d+ errored$/m);
      const report = JSON.parse(readFileSync(out, "utf8")) as { traces: { file: string; errorKind?: string }[] };
      for (const t of report.traces) {
        expect(t.errorKind).toBe("input"); // --grep selects nothing, so only unloadable files appear
        expect(resolve(tmpdir(), t.file).startsWith(join(ROOT, "traces"))).toBe(true);
      }
    });

    it("runs the reference core as an external driver over the stdio protocol", () => {
      const driver = `"${process.execPath}" "${CLI}" reference-driver`;
      const r = cli(["run", PASS, "--driver", driver]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(lastLine(r.stdout)).toBe("1 passed, 0 failed, 0 skipped, 0 errored");
    });

    it("gives the same console output and JSON report with --jobs 3 (three driver processes) as with one", () => {
      const driver = `"${process.execPath}" "${CLI}" reference-driver`;
      const dir = mkdtempSync(join(tmpdir(), "raft-jobs-"));
      const one = cli(["run", "traces/etcd/interaction", "--driver", driver, "--json", join(dir, "one.json")]);
      const three = cli(["run", "traces/etcd/interaction", "--driver", driver, "--jobs", "3", "--json", join(dir, "three.json")]);
      expect(one.code).toBe(0);
      expect(three).toMatchObject({ code: 0, stdout: one.stdout });
      expect(readFileSync(join(dir, "three.json"), "utf8")).toBe(readFileSync(join(dir, "one.json"), "utf8"));
      expect(one.stdout).toMatch(/^\d+ passed, 0 failed/m);
    });

    it("fails a run in which nothing ran, and says at which level a generic driver's traces were checked", () => {
      const driver = `"${process.execPath}" test/fixtures/drivers/no-features.mjs`;
      const r = cli(["run", PASS, "--driver", driver]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^level: observable \(asked for exact; exact needs the etcd message model, the driver declares "generic"\)$/m);
      expect(lastLine(r.stdout)).toBe("0 passed, 0 failed, 1 skipped, 0 errored");
      expect(r.stderr).toBe("raft-conformance: nothing ran: all 1 traces were skipped (see the reasons above)\n");
      const none = cli(["run", PASS, "--grep", "^no-trace-has-this-id$"]);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain("no trace was selected");
    });

    it("fails a run with fewer passes than --min-passed", () => {
      expect(cli(["run", PASS, "--min-passed", "1"]).code).toBe(0);
      const r = cli(["run", PASS, "--min-passed", "2"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe("raft-conformance: only 1 traces passed, fewer than --min-passed 2\n");
    });

    it("reports a driver that cannot start as an error of each trace, exit 1, no stack trace", () => {
      const r = cli(["run", PASS, "--driver", "./no-such-driver-binary --flag"]);
      expect(r.code).toBe(1);
      expect(lastLine(r.stdout)).toBe("0 passed, 0 failed, 0 skipped, 1 errored");
      expect(r.stdout).toContain("cannot run driver");
      expect(r.stdout + r.stderr).not.toMatch(STACK_FRAME);
    });
  });
});
