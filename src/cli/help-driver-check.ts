// The --help text of driver-check.
export const DRIVER_CHECK_HELP = `Usage: raft-conformance driver-check --driver "<cmd>" [--timeout-ms N]

Exercises a driver over the real protocol and prints a checklist, one line per item:
the handshake, each capability the driver declares (a small scenario using it), an unknown
command answered with the unknown_command error, and determinism (the same session on two fresh
driver processes gives byte-identical responses). Exit code 0 only if every item passes.

  --driver "<cmd>"      the driver to check; split into words like a shell would (no shell runs)
  --timeout-ms N        per-request driver timeout in milliseconds (default 10000)
`;
