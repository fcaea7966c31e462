// Explores a list of seeds one after another with one driver: the unit of work of a worker thread
// (or of the main thread when exploring without workers).
import { createDriver, type DriverSpec } from "./driver-spec.js";
import { exploreSeed, type SeedOptions, type SeedResult } from "./seed.js";

export interface SeedBatch {
  readonly seeds: readonly number[];
  readonly driver: DriverSpec;
  readonly seedOptions: Omit<SeedOptions, "now">;
  /** Epoch milliseconds after which no new seed is started (undefined: no limit). */
  readonly deadline?: number | undefined;
}

export async function exploreBatch(b: SeedBatch, onResult: (r: SeedResult) => boolean | void): Promise<void> {
  const driver = await createDriver(b.driver);
  try {
    const info = await driver.hello();
    for (const seed of b.seeds) {
      if (b.deadline !== undefined && Date.now() > b.deadline) return;
      const r = await exploreSeed(seed, driver, info, b.seedOptions);
      // The callback returns true to stop (e.g. after the first violation).
      if (onResult(r) === true) return;
    }
  } finally {
    await driver.close().catch(() => undefined);
  }
}
