// The --help texts. Kept next to the parsers so a new flag is documented where it is added.

export const MAIN_HELP = `Usage: raft-conformance <command> [options]

Commands:
  run [paths…]          run trace files (default: the bundled traces/)
  validate [paths…]     check trace files against the format; report problems as file:line:col
  invariants [--json]   list every invariant with its definition and TLA+ counterpart
  rewrite FILE…         refresh traces' exact expect: blocks from the reference (--check for CI)
  check-log FILE        re-check a recorded run log (run --record) against the invariants
  reference-driver      serve the reference Raft core as a stdio driver
  driver-check          exercise a driver (--driver "<cmd>") and print a pass/fail checklist

Options:
  -h, --help            show help (also: raft-conformance <command> --help)
  -v, --version         print the version

Exit codes: 0 all passed (or skipped with a reason) and something ran, 1 a failure, a driver
error, a run in which every trace was skipped, or fewer passes than run --min-passed; 2 bad usage
or an invalid trace file.
`;

export const RUN_HELP = `Usage: raft-conformance run [paths…] [options]

Runs every trace under the given files or directories (default: the traces/ bundled with the
package) against a driver, and reports each trace as passed, failed, skipped or errored.

Options:
  --driver "<cmd>"      external driver started over stdio; the command is split into words like
                        a shell does (quotes, backslashes) without any expansion.
                        Default: the built-in reference core, in-process.
  --level L             invariants | observable | exact (default exact); a trace is checked at the
                        highest level both it and the driver support
  --seed N              seed for every seeded choice (default 1); printed first in every report
  --shard i/n           run only the i-th of n shards (1 ≤ i ≤ n)
  --grep RE             run only traces whose id matches the regular expression
  --features a,b        only these driver features count as available
  --json FILE           write the JSON report (spec/report.schema.json)
  --junit FILE          write a JUnit XML report
  --html FILE           write a self-contained HTML report: filters, and for each failed trace
                        its diff and a message-sequence chart (no network access needed)
  --record FILE         write every step's node observations as NDJSON (spec/run-log.schema.json),
                        which \`raft-conformance check-log\` re-checks offline
  --timings             include durations (console, JSON, JUnit); off by default so reports
                        are byte-identical between runs
  --timeout-ms N        per-request driver timeout in milliseconds (default 10000)
  --jobs N              run N traces at once, each on a driver process of its own (default 1);
                        results and reports are the same as with 1, in the same order; not with
                        --record
  --baseline FILE       known failures of this implementation (YAML, spec/baseline.schema.json):
                        a listed trace that fails is reported as a known failure and does not
                        fail the run; a listed trace that passes is reported as stale
  --strict-baseline     a stale baseline entry (the trace passes, or no trace has its id) fails
                        the run
  --min-passed N        fewer than N passed traces fail the run (exit 1); a run in which every
                        trace was skipped fails whatever N is
`;

export const VALIDATE_HELP = `Usage: raft-conformance validate [paths…]

Loads every trace file under the given files or directories (default: the bundled traces/),
checks YAML syntax, the schema (spec/trace.schema.json) and the semantic rules, and prints each
problem as file:line:col: message. Exits 2 if there is any problem, 0 otherwise.
`;

export const INVARIANTS_HELP = `Usage: raft-conformance invariants [--json]

Lists every invariant the checker evaluates after each step, with its definition and the TLA+
property it corresponds to. --json prints the list as a JSON array.
`;

export const REFERENCE_DRIVER_HELP = `Usage: raft-conformance reference-driver [--protocol-version N]

Serves the reference Raft core as a driver over stdin/stdout (the protocol of spec/protocol.md),
so the harness can exercise the real protocol: run --driver "raft-conformance reference-driver".

  --protocol-version N   speak only protocol version N (1: no batch; default: every version, 1 and 2)
`;
