#!/usr/bin/env node
// The raft-conformance executable (package.json "bin"); everything else lives in cli/.
import { processIo } from "./cli/io.js";
import { runCli } from "./cli/main.js";

// A reader that goes away (`raft-conformance run | head`) is not an error worth a stack trace.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await runCli(process.argv.slice(2), processIo);
