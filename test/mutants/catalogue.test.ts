import { describe, expect, test } from "vitest";
import { MUTANTS } from "./catalogue.js";
import { applyPatch, buildMutant, sourceOf } from "./load.js";

describe("the mutant catalogue", () => {
  test("names at least 15 distinct classic bugs", () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(15);
    expect(new Set(MUTANTS.map((m) => m.id)).size).toBe(MUTANTS.length);
  });

  test("a patch must match exactly once", () => {
    expect(applyPatch("a b c", "b", "x", "f")).toBe("a x c");
    expect(() => applyPatch("a b c", "z", "x", "f")).toThrow(/not found/);
    expect(() => applyPatch("b b", "b", "x", "f")).toThrow(/more than once/);
  });

  test.each(MUTANTS.map((m) => [m.id, m] as const))("%s applies to the current core", (_id, m) => {
    for (const p of m.patches) expect(applyPatch(sourceOf(p.file), p.find, p.replace, p.file)).not.toBe(sourceOf(p.file));
  });

  test("a patched copy of the core loads as an in-process driver", async () => {
    const m = MUTANTS[0];
    if (m === undefined) throw new Error("empty catalogue");
    const built = buildMutant(m);
    try {
      const driver = await built.createDriver();
      expect((await driver.hello()).messageModel).toBe("etcd");
    } finally {
      built.dispose();
    }
  });
});
