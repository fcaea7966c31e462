// Explores a list of seeds one after another with one driver: the unit of work of a worker thread
// (or of the main thread when exploring without workers).
import { createDriver, type DriverSpec } from "./driver-spec.js";
import { exploreSeed, type SeedOptions, type SeedResult } from "./seed.js";

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
    const main = { driver, info: await driver.hello() };
    const against = other === undefined ? undefined : { driver: other, info: await other.hello() };
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
