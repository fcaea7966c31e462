// The Go sides: etcd raft 3.4's own test suite (P1) and the shuttle program (P4).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";

export const DRIVER_DIR = "conformance/drivers/etcd-raft-3.4";
export const ETCD_DRIVER = `${DRIVER_DIR}/bin/etcd-raft-3.4-driver`;
export const SHUTTLE = `${DRIVER_DIR}/bin/etcd-raft-3.4-shuttle`;
const GOCACHE = resolve(DRIVER_DIR, "bin/gocache");
// Debian's toolchain, as the driver's build.sh uses (go on PATH may be a newer Go); ETCD34_GO overrides.
const DEBIAN_GO = "/usr/lib/go-1.19/bin/go";
const GO = process.env.ETCD34_GO ?? (existsSync(DEBIAN_GO) ? DEBIAN_GO : "go");

export function goVersion() {
  const p = spawnSync(GO, ["version"], { encoding: "utf8" });
  return p.status === 0 ? p.stdout.trim() : undefined;
}

function goEnv() {
  const { GOROOT: _root, GOTOOLCHAIN: _toolchain, ...env } = process.env; // each Go finds its own
  return { ...env, GO111MODULE: "off", GOPATH: process.env.ETCD_GOPATH ?? "/usr/share/gocode", GOCACHE, GOFLAGS: "" };
}

/** Whether Debian's etcd 3.4 raft source is where GOPATH mode finds it. */
export function etcdSourcePresent() {
  return spawnSync(GO, ["list", "go.etcd.io/etcd/raft/confchange"], { env: goEnv(), encoding: "utf8" }).status === 0;
}

/** Parses the children's line of sh's `times` ("0m1.230000s 0m0.120000s") into CPU ms. */
function childCpuMs(out) {
  const lines = out.trim().split("\n");
  const m = (lines[lines.length - 1] ?? "").match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/);
  if (m === null) return NaN;
  return 1000 * (60 * +m[1] + +m[2] + 60 * +m[3] + +m[4]);
}

/**
 * `go test -count=1 go.etcd.io/etcd/raft/...` on Debian's etcd 3.4 source, GOPATH mode, with a
 * warm build cache (test binaries are still linked on every run, as a developer's run would).
 */
export function goTestRun() {
  const t0 = performance.now();
  const p = spawnSync("sh", ["-c", `"${GO}" test -count=1 go.etcd.io/etcd/raft/... >&2; s=$?; times; exit $s`], { env: goEnv(), encoding: "utf8", maxBuffer: 1 << 26 });
  const wallMs = performance.now() - t0;
  if (p.status !== 0) throw new Error(`go test failed (${p.status}):\n${p.stderr}`);
  const packages = p.stderr.split("\n").filter((l) => l.startsWith("ok")).length;
  return { wallMs, cpuMs: childCpuMs(p.stdout), packages };
}

export function buildShuttle() {
  if (existsSync(SHUTTLE)) return true;
  const p = spawnSync("sh", [`${DRIVER_DIR}/shuttle/build.sh`], { encoding: "utf8" });
  if (p.status !== 0) process.stderr.write(p.stderr);
  return p.status === 0;
}

export function buildDriver() {
  if (existsSync(ETCD_DRIVER)) return true;
  const p = spawnSync("sh", [`${DRIVER_DIR}/build.sh`], { encoding: "utf8" });
  if (p.status !== 0) process.stderr.write(p.stderr);
  return p.status === 0;
}

/** One run of the Go shuttle; timing is taken inside the Go process, around the timed rounds. */
export function shuttleGoRun({ entries = 20_000, batch = 10, warmup = 2_000 } = {}) {
  const p = spawnSync(SHUTTLE, ["-entries", String(entries), "-batch", String(batch), "-warmup", String(warmup)], { encoding: "utf8" });
  if (p.status !== 0) throw new Error(`shuttle failed: ${p.stderr}`);
  const r = JSON.parse(p.stdout);
  const wallMs = r.ns / 1e6;
  return { entries: r.entries, wallMs, entriesPerSec: r.entries / (wallMs / 1000) };
}
