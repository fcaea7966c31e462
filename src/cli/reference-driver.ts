// `raft-conformance reference-driver`: the in-process reference core behind the stdio protocol,
// so `run --driver "raft-conformance reference-driver"` exercises the real wire format.
// Both modules are loaded only here: other commands do not pay for them.
import { fstatSync } from "node:fs";
import { intFlag, parseFlags } from "./args.js";
import { UsageError } from "./errors.js";
import { REFERENCE_DRIVER_HELP } from "./help.js";
import type { CliIo } from "./io.js";

export async function referenceDriverCommand(args: readonly string[], io: CliIo): Promise<number> {
  const p = parseFlags("reference-driver", args, { "protocol-version": { type: "string" } });
  if (p.values["help"] === true) {
    io.stdout.write(REFERENCE_DRIVER_HELP);
    return 0;
  }
  if (p.positionals.length > 0) throw new UsageError(`reference-driver takes no arguments, got ${p.positionals.join(" ")}`);
  const only = p.values["protocol-version"] === undefined ? undefined : intFlag(p, "protocol-version", 1, 1);
  const [{ createInProcessDriver }, { serveDriver }, { PROTOCOL_VERSIONS }, { pollingUseful, streamFd }] = await Promise.all([
    import("../driver/inprocess.js"),
    import("../driver/stdio-server.js"),
    import("../driver/protocol-schema.js"),
    import("../driver/poll.js"),
  ]);
  if (only !== undefined && !PROTOCOL_VERSIONS.includes(only)) {
    throw new UsageError(`reference-driver: --protocol-version ${only} is not one this driver speaks (${PROTOCOL_VERSIONS.join(", ")})`);
  }
  // stdout carries the protocol only; nothing else may be written there. Requests are polled for
  // when stdin is a pipe (Node made it non-blocking) and a spare core exists.
  const pollFd = pollingUseful() && isPipe(process.stdin) ? streamFd(process.stdin) : undefined;
  await serveDriver(createInProcessDriver(), process.stdin, process.stdout, { pollFd, ...(only === undefined ? {} : { versions: [only] }) });
  return 0;
}

/** stdin is a pipe or socket (not a file or a terminal, whose reads may block). */
function isPipe(stdin: NodeJS.ReadStream): boolean {
  try {
    const st = fstatSync(0);
    return !stdin.isTTY && (st.isFIFO() || st.isSocket());
  } catch {
    return false;
  }
}
