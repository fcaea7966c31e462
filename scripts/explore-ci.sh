#!/usr/bin/env bash
# CI exploration step (called from .ci/run after the build and the drivers): explores a fixed
# seed range with 250-operation schedules of 1–7 nodes, first on the reference core in-process,
# then on each driver given, judged against that driver's baseline (its `exploration` list names
# the invariants with known findings, which end a run quietly). Fails if any exploration finds a
# violation outside the baselines; every run still explores its whole range, and what it found
# is written under $EXPLORE_CI_OUT/<name>/ as shrunk traces to replay with `run`.
#
#   scripts/explore-ci.sh [DRIVER-COMMAND BASELINE-FILE]...
#
# Deterministic per seed range: run k explores seed EXPLORE_CI_SEED + k on its own, whatever the
# worker, so the same range passes or fails alike on every machine (only the time a shrink takes,
# bounded by --shrink-s, depends on the machine). Sized to stay within about five minutes on two
# cores for the reference (100000 seeds, ~2 min) and six drivers (2000 seeds each, 25-45 s each);
# EXPLORE_CI_REF_RUNS / EXPLORE_CI_DRIVER_RUNS change the range.
set -uo pipefail
cd "$(dirname "$0")/.."

SEED="${EXPLORE_CI_SEED:-1}"
REF_RUNS="${EXPLORE_CI_REF_RUNS:-100000}"
DRIVER_RUNS="${EXPLORE_CI_DRIVER_RUNS:-2000}"
OUT="${EXPLORE_CI_OUT:-explore-ci}"
CLI=dist/src/cli.js
if [ ! -f "$CLI" ]; then
  echo "explore-ci: $CLI is missing; build first (npm run build)" >&2
  exit 2
fi
if [ $(($# % 2)) -ne 0 ]; then
  echo "usage: scripts/explore-ci.sh [DRIVER-COMMAND BASELINE-FILE]..." >&2
  exit 2
fi

failed=()
explore() {
  local name="$1"
  shift
  local started=$SECONDS
  echo "== explore $name: seeds $SEED..$((SEED + $2 - 1))"
  node "$CLI" explore --seed "$SEED" --runs "$2" --steps 250 --shrink-s 30 --out "$OUT/$name" "${@:3}"
  local rc=$?
  echo "== explore $name: exit $rc after $((SECONDS - started))s"
  if [ "$rc" -ne 0 ]; then failed+=("$name"); fi
}

explore reference -- "$REF_RUNS"
while [ $# -gt 0 ]; do
  driver="$1"
  baseline="$2"
  shift 2
  # A driver command with options (a variant of the same binary) gets them in its name.
  name="$(basename "${driver%% *}")"
  if [ "$driver" != "${driver%% *}" ]; then name="$name$(printf '%s' "${driver#* }" | tr -c 'A-Za-z0-9.-' '_')"; fi
  explore "$name" -- "$DRIVER_RUNS" --driver "$driver" --baseline "$baseline"
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "explore-ci: violations outside the baselines on: ${failed[*]} (traces under $OUT/)" >&2
  exit 1
fi
echo "explore-ci: no violation outside the baselines"
