// How an exploration worker obtains its driver: a description that can cross a worker boundary.
import type { Driver } from "../driver/types.js";

export type DriverSpec =
  | { readonly kind: "inprocess" }
  | {
      readonly kind: "stdio";
      readonly argv: readonly string[];
      readonly timeoutMs: number;
      /** Poll for answers (src/driver/poll.ts); explore turns it off when several drivers run at once. */
      readonly poll?: boolean | undefined;
    }
  /** A module (file URL) exporting createInProcessDriver(), e.g. a patched copy of the core. */
  | { readonly kind: "module"; readonly url: string };

export async function createDriver(spec: DriverSpec): Promise<Driver> {
  switch (spec.kind) {
    case "inprocess": {
      const { createInProcessDriver } = await import("../driver/inprocess.js");
      return createInProcessDriver();
    }
    case "stdio": {
      // A process that dies (a crash found by one seed) is started afresh at the next seed's
      // reset, as `run` does between traces; otherwise every later seed would fail at its reset.
      const [{ createStdioDriver }, { restartingDriver }] = await Promise.all([import("../driver/stdio-client.js"), import("../driver/restarting.js")]);
      const opts = { timeoutMs: spec.timeoutMs, ...(spec.poll === false ? { poll: false } : {}) };
      return restartingDriver(() => createStdioDriver([...spec.argv], opts), spec.argv.join(" "));
    }
    case "module": {
      const mod = (await import(spec.url)) as { createInProcessDriver?: () => Driver };
      if (typeof mod.createInProcessDriver !== "function") throw new Error(`${spec.url} does not export createInProcessDriver`);
      return mod.createInProcessDriver();
    }
  }
}
