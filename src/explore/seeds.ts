// Explores a list of seeds one after another with one driver: the unit of work of a worker thread
// (or of the main thread when exploring without workers).
import { createDriver, type DriverSpec } from "./driver-spec.js";
import type { Driver } from "../driver/types.js";
import { withBehaviours } from "../harness/behaviours.js";
import { type Explored, exploreSeed, type SeedOptions, type SeedResult } from "./seed.js";

export interface SeedBatch {
  readonly seeds: readonly number[];
  readonly driver: DriverSpec;
  /** Differential exploration: the driver each schedule is compared with. */
  readonly against?: DriverSpec | undefined;
  readonly seedOptions: Omit<SeedOptions, "now">;
  /** Epoch milliseconds after which no new seed is started (undefined: no limit). */
  readonly deadline?: number | undefined;
}

export async function exploreBatch(b: SeedBatch, onResult: (r: SeedResult) => boolean | void): Promise<void> {
  const driver = await createDriver(b.driver);
  const other = b.against === undefined ? undefined : await createDriver(b.against);
  try {
    // As `run` drives a trace: a driver without one of etcd's behaviours gets the harness's
    // stand-ins (campaign by ticks, CheckQuorum/PreVote always on; spec/protocol.md §5.1).
    const explored = async (d: Driver): Promise<Explored> => {
      const info = await d.hello();
      return { driver: withBehaviours(d, new Set(info.capabilities)), info };
    };
    const main = await explored(driver);
    const against = other === undefined ? undefined : await explored(other);
    for (const seed of b.seeds) {
      if (b.deadline !== undefined && Date.now() > b.deadline) return;
      const r = await exploreSeed(seed, main, b.seedOptions, against);
      // The callback returns true to stop (e.g. after the first violation).
      if (onResult(r) === true) return;
    }
  } finally {
    await driver.close().catch(() => undefined);
    await other?.close().catch(() => undefined);
  }
}
