// The JUnit file of a real run (one trace of each status) validates with xmllint against
// spec/junit.xsd, and its counts are the JSON report's summary.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { buildCli, CLI, ROOT } from "../cli/build.js";

const dir = mkdtempSync(join(tmpdir(), "rc-junit-"));
const junit = join(dir, "report.xml");
const json = join(dir, "report.json");

function xmllint(): string {
  try {
    execFileSync("xmllint", ["--version"], { stdio: "pipe" });
    return "xmllint";
  } catch {
    throw new Error("xmllint is required for this test and was not found: install it with `apt-get install -y libxml2-utils` (.ci/run does this)");
  }
}

beforeAll(() => {
  if (inject("cliBuilt") !== true) buildCli();
  // pass.yaml passes, failing-election fails, needs-prevote is skipped under --features election,
  // and the three invalid cli fixtures are errored (input).
  const r = spawnSync(
    process.execPath,
    [CLI, "run", "test/fixtures/traces/cli", "test/fixtures/traces/html", "test/fixtures/traces/junit", "--features", "election", "--junit", junit, "--json", json],
    { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
  );
  expect(r.status, r.stderr).toBe(2);
}, 180_000);

describe("JUnit report of a run", () => {
  it("validates against spec/junit.xsd with xmllint", () => {
    const r = spawnSync(xmllint(), ["--noout", "--schema", join(ROOT, "spec/junit.xsd"), junit], { encoding: "utf8" });
    expect(r.stderr).toBe(`${junit} validates\n`);
    expect(r.status).toBe(0);
  });

  it("counts what the JSON summary counts, on both suite elements", () => {
    const summary = (JSON.parse(readFileSync(json, "utf8")) as { summary: Record<string, number> }).summary;
    expect(summary).toEqual({ total: 6, passed: 1, failed: 1, skipped: 1, errored: 3, assertionsSkipped: 0, tracesWithSkippedAssertions: 0 });
    const xml = readFileSync(junit, "utf8");
    for (const el of ["testsuites", "testsuite"]) {
      const attrs = new RegExp(`<${el} [^>]*tests="(\\d+)" failures="(\\d+)" errors="(\\d+)" skipped="(\\d+)"`).exec(xml);
      expect(attrs?.slice(1).map(Number)).toEqual([summary["total"], summary["failed"], summary["errored"], summary["skipped"]]);
    }
    expect(xml.match(/<testcase /g)).toHaveLength(summary["total"] as number);
    expect(xml.match(/<failure /g)).toHaveLength(summary["failed"] as number);
    expect(xml.match(/<error /g)).toHaveLength(summary["errored"] as number);
    expect(xml.match(/<skipped /g)).toHaveLength(summary["skipped"] as number);
  });
});
