import { describe, expect, it } from "vitest";
import { toJsonReport } from "../../src/report/json.js";
import type { TraceResult } from "../../src/report/types.js";
import { input, results } from "./fixtures.js";
import { schemaErrors } from "./schema.js";

const parse = (s: string): { traces: Record<string, unknown>[]; summary: unknown } & Record<string, unknown> =>
  JSON.parse(s) as { traces: Record<string, unknown>[]; summary: unknown } & Record<string, unknown>;

describe("JSON report", () => {
  it("validates against spec/report.schema.json, with and without timings", () => {
    expect(schemaErrors(JSON.parse(toJsonReport(input, { timings: false })))).toBe("");
    expect(schemaErrors(JSON.parse(toJsonReport(input, { timings: true })))).toBe("");
  });

  it("is byte-identical for the same results in any completion order", () => {
    const reversed = { ...input, results: [...results].reverse() };
    expect(toJsonReport(reversed, { timings: false })).toBe(toJsonReport(input, { timings: false }));
  });

  it("lists traces sorted by id and counts them in the summary", () => {
    const report = parse(toJsonReport(input, { timings: false }));
    const ids = report.traces.map((t) => t["id"]);
    expect(ids).toEqual([
      "core/replication/append-<rejected>",
      "etcd/interaction/campaign",
      "etcd/interaction/snapshot-succeed-via-app-resp",
      "regressions/two-leaders",
      "toplevel",
    ]);
    expect(report.summary).toEqual({ total: 5, passed: 1, failed: 2, skipped: 1, errored: 1, assertionsSkipped: 0, tracesWithSkippedAssertions: 0 });
  });

  it("reports assertions skipped for behaviours per trace (after durationMs, before failure) and in the summary", () => {
    const withSkips = { ...input, results: results.map((r) => (r.status === "passed" || r.status === "failed" ? { ...r, assertionsSkipped: 2 } : r)) };
    const text = toJsonReport(withSkips, { timings: true });
    expect(schemaErrors(JSON.parse(text))).toBe("");
    const report = parse(text);
    expect(report.summary).toMatchObject({ assertionsSkipped: 6, tracesWithSkippedAssertions: 3 });
    const failed = report.traces.find((t) => t["status"] === "failed" && t["failure"] !== undefined);
    const keys = Object.keys(failed ?? {});
    expect(keys.indexOf("assertionsSkipped")).toBe(keys.indexOf("durationMs") + 1);
    expect(keys.indexOf("failure")).toBe(keys.indexOf("assertionsSkipped") + 1);
  });

  it("puts the seed right after the tool and keys in a fixed order", () => {
    const text = toJsonReport(input, { timings: false });
    expect(Object.keys(JSON.parse(text) as object)).toEqual(["tool", "seed", "level", "requestedLevel", "driver", "summary", "traces"]);
    const trace = parse(text).traces[0] ?? {};
    expect(Object.keys(trace)).toEqual(["id", "file", "status", "level", "features", "failure"]);
  });

  it("omits durationMs unless timings are asked for, then gives whole milliseconds", () => {
    const without = parse(toJsonReport(input, { timings: false }));
    expect(without.traces.every((t) => !("durationMs" in t))).toBe(true);
    const withTimings = parse(toJsonReport(input, { timings: true }));
    const campaign = withTimings.traces.find((t) => t["id"] === "etcd/interaction/campaign");
    expect(campaign?.["durationMs"]).toBe(13);
  });

  it("keeps the failure's step, line, message and invariant", () => {
    const report = parse(toJsonReport(input, { timings: false }));
    const t = report.traces.find((x) => x["id"] === "regressions/two-leaders");
    expect(t?.["failure"]).toEqual({
      step: 7,
      line: 40,
      message: "nodes 1 and 2 are both leader in term 3",
      invariant: "ElectionSafety",
    });
  });

  it("gives a skip or error that lacks a reason a placeholder, so the report stays valid", () => {
    const bare: TraceResult = { id: "a/b", file: "a/b.yaml", status: "skipped", features: [], durationMs: 0 };
    const text = toJsonReport({ ...input, results: [bare] }, { timings: false });
    expect(schemaErrors(JSON.parse(text))).toBe("");
    expect(parse(text).traces[0]?.["reason"]).toBe("no reason given");
  });

  it("the schema rejects a failed trace without its failure", () => {
    const report = parse(toJsonReport(input, { timings: false }));
    const broken = { ...report, traces: [{ id: "x", file: "x.yaml", status: "failed", features: [] }] };
    expect(schemaErrors(broken)).not.toBe("");
  });
});
