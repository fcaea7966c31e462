// Runs the CLI in this process with captured output, and reads back the JSON report it wrote.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIo } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/main.js";

export interface ReportTrace { readonly id: string; readonly file: string; readonly status: string; readonly reason?: string; readonly errorKind?: string }
export interface CliRun { readonly code: number; readonly stdout: string; readonly stderr: string; readonly report?: { traces: ReportTrace[] } | undefined; readonly reportText?: string | undefined }

export const BAD = "test/fixtures/bad-traces";
export const GOOD = `${BAD}/good.yaml`;
export const GOOD_ID = "reliability/zz-good";

/** A Node stack frame ("    at fn (file:1:2)") anywhere in the output. */
export const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

/** `raft-conformance run ARGS --json <tmp>`; the report is undefined when none was written. */
export async function runWithReport(args: readonly string[]): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), "rc-reliability-"));
  const json = join(dir, "report.json");
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
  try {
    const code = await runCli(["run", "--json", json, ...args], io);
    let report: CliRun["report"];
    let reportText: string | undefined;
    try {
      reportText = readFileSync(json, "utf8");
      report = JSON.parse(reportText) as CliRun["report"];
    } catch {
      report = undefined;
    }
    return { code, stdout, stderr, report, reportText };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function traceIn(run: CliRun, id: string): ReportTrace | undefined {
  return run.report?.traces.find((t) => t.id === id);
}
