import { describe, expect, it } from "vitest";
import { announcingHello } from "../../src/cli/run.js";
import type { Driver, DriverInfo } from "../../src/driver/types.js";

const info: DriverInfo = {
  protocolVersion: 1,
  implementation: { name: "fake", version: "1", language: "none" },
  messageModel: "generic",
  capabilities: [],
};

/** Only what the test touches; the proxy forwards everything else untouched. */
class FakeDriver {
  resets = 0;
  async hello(): Promise<DriverInfo> {
    return info;
  }
  async reset(): Promise<void> {
    this.resets++;
  }
}

describe("the driver as the run sees it", () => {
  it("reports the handshake result and still returns it", async () => {
    const seen: DriverInfo[] = [];
    const driver = announcingHello(new FakeDriver() as unknown as Driver, (i) => seen.push(i));
    expect(await driver.hello()).toBe(info);
    expect(seen).toEqual([info]);
  });

  it("forwards every other call to the driver itself", async () => {
    const fake = new FakeDriver();
    const driver = announcingHello(fake as unknown as Driver, () => undefined);
    await driver.reset();
    expect(fake.resets).toBe(1);
  });
});
