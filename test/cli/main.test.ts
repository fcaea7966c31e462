import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/main.js";

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = { out: "", err: "" };
  const sinks: CliIo = { stdout: { write: (s: string) => (io.out += s) }, stderr: { write: (s: string) => (io.err += s) } };
  const code = await runCli(argv, sinks);
  return { code, ...io };
}

describe("command dispatch", () => {
  it("prints help for --help and exits 0", async () => {
    const r = await cli("--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Usage: raft-conformance <command>");
  });

  it("prints per-command help", async () => {
    for (const command of ["run", "validate", "invariants", "reference-driver"]) {
      const r = await cli(command, "--help");
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: raft-conformance ${command}`);
    }
  });

  it("answers no command with the usage on stderr and exit 2", async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.err).toContain("Usage:");
  });

  it.each([
    [["frobnicate"], 'raft-conformance: unknown command "frobnicate"'],
    [["run", "--level", "strict"], "raft-conformance: --level wants one of"],
    [["run", "no/such/dir"], "raft-conformance: no such file or directory: no/such/dir"],
    [["validate", "no/such/file.yaml"], "raft-conformance: no such file or directory: no/such/file.yaml"],
    [["invariants", "extra"], "raft-conformance: invariants takes no arguments"],
  ])("reports %j as one line on stderr with exit 2", async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err.startsWith(message)).toBe(true);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
  });
});
