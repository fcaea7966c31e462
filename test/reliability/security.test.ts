// A trace is data: whatever its strings say, running it starts no process and reads no file
// outside the trace set and the package. The CLI runs under Node's permission model
// (--experimental-permission), which turns any such attempt into an error, with strings full of
// shell syntax and paths in every string field, and a canary file any shell command would create.
// Also here: the driver command cannot come from a trace, and the run leaves no temporary files.
// YAML alias/size/nesting limits: test/reliability/bad-traces.test.ts; killing the driver's
// process group on every exit path: test/reliability/hostile-drivers.test.ts and
// test/driver/orphans.test.ts (Ctrl-C and SIGTERM of the harness).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildCli, CLI, ROOT } from "../cli/build.js";
import { STACK_FRAME } from "./cli-run.js";

const scratch = mkdtempSync(join(tmpdir(), "rc-security-"));
const CANARY = join(scratch, "canary");
const SECRET = "/etc/shadow";
const hostile = (tag: string): string =>
  `${tag} $(touch ${CANARY}) \`touch ${CANARY}\` ; touch ${CANARY} | cat ${SECRET} && rm -rf ${scratch} ../../../../etc/passwd file://${SECRET} \${HOME} %s %n`;
const q = (s: string): string => JSON.stringify(s);

const TRACE = `id: reliability/hostile-strings
description: ${q(hostile("description"))}
notes: ${q(hostile("notes"))}
features: [election, replication]
steps:
  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2, content: ${q(hostile("content"))}}
    comment: ${q(hostile("comment"))}
  - campaign: 1
  - stabilize: {}
  - propose: {node: 1, data: ${q(hostile("data"))}}
  - read-index: {node: 1, ctx: ${q(hostile("ctx"))}}
  - stabilize: {}
  - check: {nodes: [1, 2, 3], commit: 4}
`;

beforeAll(() => {
  if (inject("cliBuilt") !== true) buildCli();
  mkdirSync(join(scratch, "traces"));
  mkdirSync(join(scratch, "tmp"));
  writeFileSync(join(scratch, "traces", "hostile-strings.yaml"), TRACE);
  writeFileSync(join(scratch, "traces", "driver-in-trace.yaml"), `id: reliability/driver-in-trace
description: A trace cannot choose the driver.
driver: ${q(`sh -c 'touch ${CANARY}'`)}
features: [election]
steps:
  - add-nodes: {count: 1}
`);
}, 180_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The compiled CLI, allowed to read only the package and the scratch directory, to write only there, and to start no process. */
function confinedCli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(
    process.execPath,
    ["--experimental-permission", `--allow-fs-read=${ROOT}*`, `--allow-fs-read=${scratch}/*`, `--allow-fs-write=${scratch}/*`, "--no-warnings", CLI, ...args],
    { cwd: scratch, encoding: "utf8", timeout: 120_000, env: { ...process.env, TMPDIR: join(scratch, "tmp") } },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("a trace with shell syntax and paths in every string field", () => {
  it("runs as data: it passes, no command ran, nothing outside was read, no temporary file is left", () => {
    const r = confinedCli("run", "--json", join(scratch, "report.json"), join(scratch, "traces", "hostile-strings.yaml"));
    expect(r.stderr).not.toMatch(/ERR_ACCESS_DENIED|internal error/);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(scratch, "report.json"), "utf8")) as { traces: { id: string; status: string }[] };
    expect(report.traces).toEqual([expect.objectContaining({ id: "reliability/hostile-strings", status: "passed" })]);
    expect(existsSync(CANARY)).toBe(false);
    expect(readdirSync(join(scratch, "tmp"))).toEqual([]);
  });

  it("the confinement is real: the same CLI cannot read a valid trace outside it", () => {
    const outside = mkdtempSync(join(tmpdir(), "rc-outside-"));
    try {
      const file = join(outside, "good.yaml");
      writeFileSync(file, readFileSync(join(ROOT, "test/fixtures/bad-traces/good.yaml")));
      expect(spawnSync(process.execPath, [CLI, "validate", file], { encoding: "utf8" }).status).toBe(0);
      expect(confinedCli("validate", file).code).not.toBe(0);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe("the driver command", () => {
  it("cannot come from a trace: a `driver` key is an unknown key, and nothing is started", () => {
    const r = confinedCli("validate", join(scratch, "traces", "driver-in-trace.yaml"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/driver-in-trace\.yaml:3:1: unknown key 'driver' \(at \/\)/);
    expect(r.stderr + r.stdout).not.toMatch(STACK_FRAME);
    expect(existsSync(CANARY)).toBe(false);
  });
});
