// Driver processes run in their own process group so that the driver and anything it started
// (a wrapper script's child, a JVM's helpers) are killed together. Every live group is also
// killed when the harness exits or is interrupted, so no driver outlives it.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

const liveGroups = new Set<number>();
let hooksInstalled = false;
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** SIGKILL the whole group; a group that is already gone is not an error. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: nothing left in the group.
  }
}

function killAll(): void {
  for (const pid of liveGroups) killGroup(pid);
  liveGroups.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  uninstallHooks();
  // We were the only listener, so Node's default action (exit) was suppressed: restore it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", killAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstallHooks(): void {
  if (!hooksInstalled) return;
  hooksInstalled = false;
  process.off("exit", killAll);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** Spawns argv without a shell, as the leader of a new process group, with `env` added to ours. */
export function spawnGroup(argv: readonly string[], env: Readonly<Record<string, string>> = {}): ChildProcessWithoutNullStreams {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error("empty driver command");
  const child = spawn(file, args, { detached: true, stdio: ["pipe", "pipe", "pipe"], ...(Object.keys(env).length > 0 ? { env: { ...process.env, ...env } } : {}) });
  const pid = child.pid;
  if (pid !== undefined) {
    liveGroups.add(pid);
    installHooks();
  }
  return child;
}

/** The group is gone (or was never started): stop tracking it. */
export function forgetGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  liveGroups.delete(pid);
  if (liveGroups.size === 0) uninstallHooks();
}
