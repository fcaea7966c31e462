// Polling a pipe for a short while before sleeping on it. In a lockstep protocol one side always
// waits for the other; a process that sleeps in the kernel must be woken, and on a virtual machine
// that wake-up (an interrupt to an idle virtual CPU) costs the writer 60–80 µs per line and the
// reader as much again. A reader that polls for a bounded time is still running when the answer
// comes, so the write is cheap and the read immediate (README, Performance: P2). Polling is used
// only where a spare core exists, and gives up after its budget so an idle process really sleeps.
import { readSync } from "node:fs";
import { availableParallelism } from "node:os";

/** How long a reader polls before it sleeps (wall milliseconds). */
export const POLL_BUDGET_MS = 2;

/**
 * Polling helps only if the other side can run meanwhile: two cores or more. RAFT_CONFORMANCE_POLL=0
 * turns it off (in the harness and in the reference driver it starts), e.g. on a crowded machine.
 */
export function pollingUseful(): boolean {
  return availableParallelism() >= 2 && process.env["RAFT_CONFORMANCE_POLL"] !== "0";
}

/** The file descriptor under a child process's pipe or this process's stdin, if Node exposes it. */
export function streamFd(stream: unknown): number | undefined {
  const fd = (stream as { _handle?: { fd?: unknown } } | null)?._handle?.fd;
  return typeof fd === "number" && fd >= 0 ? fd : undefined;
}

/**
 * Reads what `fd` (a non-blocking pipe) has, polling for up to `budgetMs`: the number of bytes
 * read into `buf`, 0 at end of file, or undefined if nothing came within the budget. Errors other
 * than "nothing yet" are left to the caller's stream, which will see them too: undefined.
 */
export function pollRead(fd: number, buf: Buffer, budgetMs: number): number | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0; // each empty poll throws EAGAIN; a stack trace would be most of its cost
  try {
    const deadline = performance.now() + budgetMs;
    for (;;) {
      try {
        return readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (code !== "EAGAIN" && code !== "EWOULDBLOCK") return undefined;
      }
      if (performance.now() >= deadline) return undefined;
    }
  } finally {
    Error.stackTraceLimit = limit;
  }
}
