// `raft-conformance run`: resolve the driver, run the corpus through the harness, report to the
// console and the requested files, and turn the results into the exit code.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type Driver, DriverError, type DriverInfo } from "../driver/types.js";
import { ConsoleReporter } from "../report/console.js";
import { toJsonReport } from "../report/json.js";
import { toJunitReport } from "../report/junit.js";
import { toHtmlReport } from "../report/html.js";
import { RunLogWriter } from "./run-log.js";
import type { RunOptions } from "../harness/run.js";
import type { ReportInput } from "../report/summary.js";
import type { BaselineSummary, TraceResult } from "../report/types.js";
import { BaselineMatcher } from "../report/baseline.js";
import { BaselineError, loadBaselineFile } from "../report/baseline-file.js";
import { UsageError } from "./errors.js";
import { EXIT_FAILED, EXIT_USAGE, exitCodeFor, shortfall } from "./exit-code.js";
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
  let matcher: BaselineMatcher | undefined;
  if (opts.baseline !== undefined) {
    try {
      matcher = new BaselineMatcher(loadBaselineFile(opts.baseline));
    } catch (e) {
      if (!(e instanceof BaselineError)) throw e;
      for (const line of e.problems) io.stderr.write(`${line}\n`);
      return EXIT_USAGE;
    }
  }
  const mark = (r: TraceResult): TraceResult => (matcher === undefined ? r : matcher.mark(r));
  const reporter = new ConsoleReporter(io.stdout, { timings: opts.timings });
  reporter.header(opts.seed, opts.level);

  let announced = false;
  const announce = (info: DriverInfo): void => {
    if (announced) return;
    announced = true;
    reporter.driver(info);
  };
  const recorder = opts.record !== undefined ? new RunLogWriter({ tool: `${TOOL_NAME} ${packageInfo().version}`, seed: opts.seed }) : undefined;
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
    jobs: opts.jobs,
    ...(recorder !== undefined ? { record: recorder } : {}),
  };
  let outcome: Awaited<ReturnType<typeof runCorpus>>;
  try {
    outcome = await runCorpus(
      runOptions,
      (r, done, total) => reporter.traceFinished(mark(r), done, total),
      (id, file) => reporter.traceStarted(id, file),
    );
  } catch (e) {
    if (!(e instanceof DriverError)) throw e;
    // The driver never completed its handshake, so there is no driver to name in a report file;
    // the console still accounts for every trace that was attempted.
    reporter.finish();
    io.stderr.write(`${TOOL_NAME}: driver error (${e.kind}): ${e.message}\n`);
    if (opts.json !== undefined || opts.junit !== undefined || opts.html !== undefined) {
      io.stderr.write(`${TOOL_NAME}: no report file written: the driver never answered hello\n`);
    }
    return EXIT_FAILED;
  }
  const { driver } = outcome;
  // A run narrowed by --grep or --shard cannot tell a renamed trace from one left out.
  const complete = opts.grep === undefined && opts.shard === undefined;
  const applied = matcher?.apply(outcome.results, complete);
  const results = applied?.results ?? outcome.results;
  const baseline: BaselineSummary | undefined = applied?.summary;
  announce(driver);
  reporter.finish(results, baseline);
  for (const line of inputProblems(results)) io.stderr.write(`${line}\n`);

  const input: ReportInput = {
    tool: { name: TOOL_NAME, version: packageInfo().version },
    seed: opts.seed,
    level: opts.level,
    driver,
    results,
    ...(baseline !== undefined ? { baseline } : {}),
  };
  if (opts.json !== undefined) writeReport("--json", opts.json, toJsonReport(input, { timings: opts.timings }));
  if (opts.junit !== undefined) writeReport("--junit", opts.junit, toJunitReport(input, { timings: opts.timings }));
  if (opts.html !== undefined) writeReport("--html", opts.html, toHtmlReport(input));
  if (recorder !== undefined) writeReport("--record", opts.record ?? "", recorder.text());
  const code = exitCodeFor(results, opts.minPassed);
  const why = code === EXIT_USAGE ? undefined : shortfall(results, opts.minPassed);
  if (why !== undefined) io.stderr.write(`${TOOL_NAME}: ${why}\n`);
  if (code === 0 && opts.strictBaseline && (baseline?.stale.length ?? 0) > 0) return EXIT_FAILED;
  return code;
}

async function driverFactoryFor(opts: RunCliOptions): Promise<() => Driver> {
  const argv = opts.driver;
  if (argv === undefined) {
    const { createInProcessDriver } = await import("../driver/inprocess.js");
    return () => createInProcessDriver();
  }
  const [{ createStdioDriver }, { restartingDriver }, { pollingUseful }] = await Promise.all([
    import("../driver/stdio-client.js"),
    import("../driver/restarting.js"),
    import("../driver/poll.js"),
  ]);
  // A driver that breaks during one trace is restarted for the next; its errors name the command.
  // Polling for answers pays only while one driver runs at a time (src/driver/poll.ts).
  const poll = (opts.jobs ?? 1) === 1 && pollingUseful();
  return () => restartingDriver(() => createStdioDriver([...argv], { timeoutMs: opts.timeoutMs, poll }), argv.join(" "));
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
