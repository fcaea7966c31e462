// How an exploration worker obtains its driver: a description that can cross a worker boundary.
import type { Driver } from "../driver/types.js";

export type DriverSpec =
  | { readonly kind: "inprocess" }
  | { readonly kind: "stdio"; readonly argv: readonly string[]; readonly timeoutMs: number }
  /** A module (file URL) exporting createInProcessDriver(), e.g. a patched copy of the core. */
  | { readonly kind: "module"; readonly url: string };

export async function createDriver(spec: DriverSpec): Promise<Driver> {
  switch (spec.kind) {
    case "inprocess": {
      const { createInProcessDriver } = await import("../driver/inprocess.js");
      return createInProcessDriver();
    }
    case "stdio": {
      const { createStdioDriver } = await import("../driver/stdio-client.js");
      return createStdioDriver([...spec.argv], { timeoutMs: spec.timeoutMs });
    }
    case "module": {
      const mod = (await import(spec.url)) as { createInProcessDriver?: () => Driver };
      if (typeof mod.createInProcessDriver !== "function") throw new Error(`${spec.url} does not export createInProcessDriver`);
      return mod.createInProcessDriver();
    }
  }
}
