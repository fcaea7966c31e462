// `raft-conformance reference-driver`: the in-process reference core behind the stdio protocol,
// so `run --driver "raft-conformance reference-driver"` exercises the real wire format.
// Both modules are loaded only here: other commands do not pay for them.
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
  const [{ createInProcessDriver }, { serveDriver }, { PROTOCOL_VERSIONS }] = await Promise.all([
    import("../driver/inprocess.js"),
    import("../driver/stdio-server.js"),
    import("../driver/protocol-schema.js"),
  ]);
  if (only !== undefined && !PROTOCOL_VERSIONS.includes(only)) {
    throw new UsageError(`reference-driver: --protocol-version ${only} is not one this driver speaks (${PROTOCOL_VERSIONS.join(", ")})`);
  }
  // stdout carries the protocol only; nothing else may be written there.
  await serveDriver(createInProcessDriver(), process.stdin, process.stdout, only === undefined ? {} : { versions: [only] });
  return 0;
}
