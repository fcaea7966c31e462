// --help texts of the offline tools (rewrite, check-log), next to help.ts's run/validate texts.

export const REWRITE_HELP = `Usage: raft-conformance rewrite FILE… [--check] [--fill]

Runs each trace against the reference core (in-process) and refreshes its exact \`expect:\` blocks
from what the reference produced; nothing else in the file changes (comments, formatting and the
other blocks stay byte for byte). Prints a unified diff of every change, then writes the files.

Options:
  --check               write nothing; exit 1 if any file would change (for CI)
  --fill                also add \`expect:\` to steps that have none and produced output events

Exit codes: 0 nothing to change (or changes written), 1 --check found changes, 2 bad usage or a
trace that is invalid or fails its checks or invariants against the reference (not rewritten).
`;

export const CHECK_LOG_HELP = `Usage: raft-conformance check-log FILE

Re-checks a recorded run offline: every step's node observations (NDJSON, spec/run-log.schema.json,
as written by \`run --record FILE\` or by any implementation's own harness) against every invariant,
with a fresh checker per trace. Violations are printed as FILE:LINE: trace ID step N: message.

Exit codes: 0 no violation, 1 a violation, 2 a malformed file (the line is named) or bad usage.
`;
