// Shared by the driver tests: where the fake drivers live, and whether a process still exists.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/drivers/${name}`, import.meta.url));
}

/** A node command line running one fake driver. */
export function fakeDriverArgv(name: string, ...args: string[]): string[] {
  return [process.execPath, fixture(name), ...args];
}

/** True while `pid` names a live process (a zombie waiting to be reaped counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Waits until `pid` is gone, up to `ms`; returns whether it is. */
export async function waitGone(pid: number, ms = 2000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
