// The streams a command writes to, passed in so commands can be exercised without a process.
import type { ConsoleSink } from "../report/console.js";

export interface CliIo {
  readonly stdout: ConsoleSink;
  readonly stderr: ConsoleSink;
}

export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };
