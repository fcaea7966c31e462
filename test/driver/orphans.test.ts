// A harness that is interrupted (Ctrl-C, SIGTERM) or exits while a driver runs leaves no driver
// behind. The harness here is a separate node process running the real stdio client, transpiled
// from src/ into a scratch directory.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, waitGone } from "./helpers.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const SOURCES = [
  "src/core/types.ts", "src/driver/types.ts", "src/driver/ndjson.ts", "src/driver/process-group.ts",
  "src/driver/protocol-schema.ts", "src/driver/wire.ts", "src/driver/poll.ts", "src/driver/stdio-client.ts",
];

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "raft-harness-"));
  for (const file of SOURCES) {
    const out = ts.transpileModule(readFileSync(join(repo, file), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    const target = join(scratch, file.replace(/\.ts$/, ".js"));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out.outputText);
  }
  writeFileSync(join(scratch, "package.json"), '{"type":"module"}');
  symlinkSync(join(repo, "spec"), join(scratch, "spec"));
  symlinkSync(join(repo, "node_modules"), join(scratch, "node_modules"));
  writeFileSync(
    join(scratch, "harness.mjs"),
    `import { createStdioDriver } from "./src/driver/stdio-client.js";
const driver = createStdioDriver([process.execPath, ${JSON.stringify(fixture("never-answers.mjs"))}], { timeoutMs: 60000 });
driver.hello().catch(() => {});
process.stdout.write(driver.pid + "\\n");
if (process.argv[2] === "exit") setTimeout(() => process.exit(0), 100);
else setInterval(() => {}, 1000);
`,
  );
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Starts the harness, waits for its driver's pid, then ends it the given way. */
async function endHarness(how: "SIGINT" | "SIGTERM" | "exit"): Promise<{ driverPid: number; signal: string | null; code: number | null }> {
  const harness = spawn(process.execPath, [join(scratch, "harness.mjs"), how], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<{ signal: string | null; code: number | null }>((resolve) => harness.on("exit", (code, signal) => resolve({ code, signal })));
  const driverPid = await new Promise<number>((resolve, reject) => {
    harness.stdout.once("data", (b: Buffer) => resolve(Number(String(b).trim())));
    void exited.then((e) => reject(new Error(`harness exited early: ${JSON.stringify(e)}`)));
  });
  await new Promise((r) => setTimeout(r, 50));
  if (how !== "exit") harness.kill(how);
  return { driverPid, ...(await exited) };
}

describe("a harness that stops while a driver runs", () => {
  it("takes the driver down when interrupted by Ctrl-C (SIGINT), and still dies of SIGINT", async () => {
    const r = await endHarness("SIGINT");
    expect(r.signal).toBe("SIGINT");
    expect(await waitGone(r.driverPid)).toBe(true);
  });

  it("takes the driver down when terminated (SIGTERM)", async () => {
    const r = await endHarness("SIGTERM");
    expect(r.signal).toBe("SIGTERM");
    expect(await waitGone(r.driverPid)).toBe(true);
  });

  it("takes the driver down when it exits without closing it", async () => {
    const r = await endHarness("exit");
    expect(r.code).toBe(0);
    expect(await waitGone(r.driverPid)).toBe(true);
  });
});
