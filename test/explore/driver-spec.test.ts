import { describe, expect, test } from "vitest";
import { createDriver } from "../../src/explore/driver-spec.js";
import { fakeDriverArgv } from "../driver/helpers.js";

describe("explore's stdio driver", () => {
  test("a driver process that dies during one seed is started afresh at the next seed's reset", async () => {
    const driver = await createDriver({ kind: "stdio", argv: fakeDriverArgv("exit-mid-trace.mjs"), timeoutMs: 5000 });
    try {
      await driver.hello();
      await driver.reset();
      await expect(driver.tick(1)).rejects.toThrow(/panic/);
      // Without the restart every later seed failed here, at its reset, on the dead process.
      await driver.reset();
      await expect(driver.tick(1)).rejects.toThrow(/panic/);
    } finally {
      await driver.close();
    }
  });
});
