// `raft-conformance run`: resolve the driver, run the corpus through the harness, report to the
// console and the requested files, and turn the results into the exit code.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type Driver, DriverError, type DriverInfo } from "../driver/types.js";
import { ConsoleReporter } from "../report/console.js";
import { toJsonReport } from "../report/json.js";
import { toJunitReport } from "../report/junit.js";
import type { RunOptions } from "../harness/run.js";
import type { ReportInput } from "../report/summary.js";
import type { TraceResult } from "../report/types.js";
import { UsageError } from "./errors.js";
import { EXIT_FAILED, exitCodeFor } from "./exit-code.js";
import { RUN_HELP } from "./help.js";
import type { CliIo } from "./io.js";
import { packageInfo, TOOL_NAME } from "./package-info.js";
import { tracePaths } from "./paths.js";
import { parseRunArgs, type RunCliOptions } from "./run-options.js";

export async function runCommand(args: readonly string[], io: CliIo): Promise<number> {
  const opts = parseRunArgs(args);
  if (opts.help) {
    io.stdout.write(RUN_HELP);
    return 0;
  }
  const paths = tracePaths(opts.paths);
  const reporter = new ConsoleReporter(io.stdout, { timings: opts.timings });
  reporter.header(opts.seed, opts.level);

  let announced = false;
  const announce = (info: DriverInfo): void => {
    if (announced) return;
    announced = true;
    reporter.driver(info);
  };
  const baseFactory = await driverFactoryFor(opts);
  const { runCorpus } = await import("../harness/run.js");
  const runOptions: RunOptions = {
    paths,
    driverFactory: () => announcingHello(baseFactory(), announce),
    level: opts.level,
    seed: opts.seed,
    ...(opts.grep !== undefined ? { grep: opts.grep } : {}),
    ...(opts.features !== undefined ? { features: [...opts.features] } : {}),
    ...(opts.shard !== undefined ? { shard: opts.shard } : {}),
    timeoutMs: opts.timeoutMs,
  };
  let outcome: Awaited<ReturnType<typeof runCorpus>>;
  try {
    outcome = await runCorpus(
      runOptions,
      (r, done, total) => reporter.traceFinished(r, done, total),
      (id, file) => reporter.traceStarted(id, file),
    );
  } catch (e) {
    if (!(e instanceof DriverError)) throw e;
    // The driver never completed its handshake, so there is no driver to name in a report file;
    // the console still accounts for every trace that was attempted.
    reporter.finish();
    io.stderr.write(`${TOOL_NAME}: driver error (${e.kind}): ${e.message}\n`);
    if (opts.json !== undefined || opts.junit !== undefined) {
      io.stderr.write(`${TOOL_NAME}: no report file written: the driver never answered hello\n`);
    }
    return EXIT_FAILED;
  }
  const { driver, results } = outcome;
  announce(driver);
  reporter.finish(results);
  for (const line of inputProblems(results)) io.stderr.write(`${line}\n`);

  const input: ReportInput = {
    tool: { name: TOOL_NAME, version: packageInfo().version },
    seed: opts.seed,
    level: opts.level,
    driver,
    results,
  };
  if (opts.json !== undefined) writeReport("--json", opts.json, toJsonReport(input, { timings: opts.timings }));
  if (opts.junit !== undefined) writeReport("--junit", opts.junit, toJunitReport(input, { timings: opts.timings }));
  return exitCodeFor(results);
}

async function driverFactoryFor(opts: RunCliOptions): Promise<() => Driver> {
  const argv = opts.driver;
  if (argv === undefined) {
    const { createInProcessDriver } = await import("../driver/inprocess.js");
    return () => createInProcessDriver();
  }
  const { createStdioDriver } = await import("../driver/stdio-client.js");
  return () => createStdioDriver([...argv], { timeoutMs: opts.timeoutMs });
}

/**
 * The driver, unchanged except that its handshake result is also passed to `onHello`: the console
 * names the driver as soon as it is known, before the first trace result.
 */
export function announcingHello(driver: Driver, onHello: (info: DriverInfo) => void): Driver {
  return new Proxy(driver, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (prop === "hello") {
        return async (): Promise<DriverInfo> => {
          const info = await target.hello();
          onHello(info);
          return info;
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

/**
 * Invalid trace files, also as compiler-style `file:line[:col]: message` lines on stderr, where
 * editors and CI annotate them, like `validate` prints them.
 */
export function inputProblems(results: readonly TraceResult[]): string[] {
  return results
    .filter((r) => r.status === "errored" && r.errorKind === "input")
    .flatMap((r) => {
      const text = r.reason ?? r.failure?.message ?? "invalid trace file";
      const located = text.split("\n").filter((l) => l.startsWith(`${r.file}:`));
      if (located.length > 0) return located;
      const line = r.failure?.line;
      return [`${r.file}${line != null ? `:${line}` : ""}: ${text.split("\n")[0] ?? ""}`];
    });
}

function writeReport(flag: string, file: string, content: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  } catch (e) {
    throw new UsageError(`${flag}: cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
