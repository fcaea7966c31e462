#!/usr/bin/env bash
# Packaging check (run by .ci/run): the tarball `npm pack` makes must work on its own. It is
# installed into an empty folder and its `raft-conformance` bin runs the bundled traces with the
# bundled schemas, from outside the repository, writing every report format.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root"
# prepack cleans dist/ and builds it, so the tarball never carries stale output.
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
echo "packed $tarball ($(du -k "$work/$tarball" | cut -f1) KiB)"

# Only what a user needs: compiled code, schemas, traces, drivers, docs; no TypeScript, no tests.
tar -tzf "$work/$tarball" > "$work/contents.txt"
if grep -E '^package/(src|test|scripts)/|\.test\.js$' "$work/contents.txt"; then
  echo "the tarball carries sources or tests" >&2
  exit 1
fi
for f in package/dist/src/cli.js package/dist/spec/trace.schema.json package/dist/spec/run-log.schema.json \
  package/spec/report.schema.json package/traces/etcd/interaction/campaign.yaml; do
  grep -qx "$f" "$work/contents.txt" || { echo "the tarball lacks $f" >&2; exit 1; }
done

mkdir "$work/app"
cd "$work/app"
npm init -y > /dev/null
npm install --no-audit --no-fund --prefer-offline "$work/$tarball" > /dev/null

npx --no-install raft-conformance --version
npx --no-install raft-conformance validate
if ! npx --no-install raft-conformance run --json report.json --junit report.xml --html report.html --record run.ndjson > run.log; then
  tail -n 60 run.log
  echo "raft-conformance run failed from the installed tarball" >&2
  exit 1
fi
tail -n 1 run.log
npx --no-install raft-conformance check-log run.ndjson
node -e '
  const r = JSON.parse(require("fs").readFileSync("report.json", "utf8"));
  if (r.summary.total === 0 || r.summary.failed + r.summary.errored > 0) { console.error("unexpected summary", r.summary); process.exit(1); }
  if (!r.traces.every((t) => !t.file.startsWith("/") && t.file.includes("node_modules/raft-conformance/traces/"))) { console.error("trace files not from the package"); process.exit(1); }
'
test -s report.xml && test -s report.html
echo "packaging check passed"
