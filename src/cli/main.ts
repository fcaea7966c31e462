// Command dispatch and the top-level error policy: user errors are one line and exit 2, a driver
// that fails outside any trace is one line and exit 1, anything else is reported as a bug (exit 1)
// without a stack trace unless RAFT_CONFORMANCE_DEBUG is set.
import { DriverError } from "../driver/types.js";
import { isUserError, UsageError } from "./errors.js";
import { EXIT_FAILED, EXIT_USAGE } from "./exit-code.js";
import { MAIN_HELP } from "./help.js";
import type { CliIo } from "./io.js";
import { packageInfo, TOOL_NAME } from "./package-info.js";
import { referenceDriverCommand } from "./reference-driver.js";

type Command = (args: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  // Loaded on use: a command pays only for its own modules (the reference driver, started once per
  // trace run, skips the trace loader, YAML and the report schemas; exploration's fast-check
  // matters to no other command).
  run: async (args, io) => (await import("./run.js")).runCommand(args, io),
  validate: async (args, io) => (await import("./validate.js")).validateCommand(args, io),
  invariants: async (args, io) => (await import("./invariants.js")).invariantsCommand(args, io),
  "reference-driver": referenceDriverCommand,
  explore: async (args, io) => (await import("../explore/cli.js")).exploreCommand(args, io),
  rewrite: async (args, io) => (await import("./rewrite.js")).rewriteCommand(args, io),
  "driver-check": async (args, io) => (await import("./driver-check.js")).driverCheckCommand(args, io),
  "check-log": async (args, io) => (await import("./check-log.js")).checkLogCommand(args, io),
};

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (isUserError(e)) {
      io.stderr.write(`${TOOL_NAME}: ${e.message}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof DriverError) {
      // A driver that cannot even start or greet is the driver's failure, not ours (exit 1).
      io.stderr.write(`${TOOL_NAME}: driver error (${e.kind}): ${e.message}\n`);
      return EXIT_FAILED;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`${TOOL_NAME}: internal error: ${message}\n`);
    io.stderr.write(`this is a bug in ${TOOL_NAME}; please report it with the command line and the seed\n`);
    if (process.env["RAFT_CONFORMANCE_DEBUG"] && e instanceof Error && e.stack !== undefined) {
      io.stderr.write(`${e.stack}\n`);
    }
    return EXIT_FAILED;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(MAIN_HELP);
    return EXIT_USAGE;
  }
  if (first === "-h" || first === "--help" || first === "help") {
    io.stdout.write(MAIN_HELP);
    return 0;
  }
  if (first === "-v" || first === "--version") {
    io.stdout.write(`${packageInfo().version}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (command === undefined) {
    throw new UsageError(`unknown command ${JSON.stringify(first)} (commands: ${Object.keys(COMMANDS).join(", ")}; see --help)`);
  }
  return command(rest, io);
}
