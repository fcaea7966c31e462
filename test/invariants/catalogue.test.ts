import { describe, expect, test } from "vitest";
import { createChecker, INVARIANTS } from "../../src/invariants/index.js";
import { Scenario } from "./scenario.js";

describe("the invariant catalogue", () => {
  test("lists the 23 invariants of research/tla.md §5.1 in run order, then read-index safety, with unique kebab-case ids", () => {
    expect(INVARIANTS).toHaveLength(24);
    const ids = INVARIANTS.map((i) => i.id);
    expect(new Set(ids).size).toBe(24);
    expect(ids[23]).toBe("read-index-safety");
    for (const i of INVARIANTS) {
      expect(i.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(i.name.length).toBeGreaterThan(0);
      expect(i.definition.length).toBeGreaterThan(40);
      expect(i.tla.length).toBeGreaterThan(10);
    }
    expect(ids.slice(0, 4)).toEqual(["term-monotonic", "vote-once", "election-safety", "election-quorum"]);
    expect(ids.indexOf("log-matching")).toBeLessThan(ids.indexOf("committed-agreement"));
    expect(ids.indexOf("committed-agreement")).toBeLessThan(ids.indexOf("leader-completeness"));
  });

  test("`only` reports just the named invariants while still keeping the history of the others", () => {
    const s = new Scenario([1, 2, 3, 4, 5], { only: ["election-safety"] });
    expect(s.elect(1, 1, [2])).toEqual([]); // election-quorum fires but is not reported
    expect(s.checker.invariants.map((i) => i.id)).toEqual(["election-safety"]);
  });

  test("`except` silences the named invariants", () => {
    const s = new Scenario([1, 2, 3, 4, 5], { except: ["election-quorum"] });
    expect(s.elect(1, 1, [2])).toEqual([]);
  });

  test("an unknown id is refused", () => {
    expect(() => createChecker({ only: ["no-such-invariant"] })).toThrow(/unknown invariant/);
  });

  test("a long run stays incremental: 20,000 replicated entries check quickly", () => {
    const s = new Scenario([1, 2, 3]);
    expect(s.elect(1, 1, [2])).toEqual([]);
    const t0 = performance.now();
    for (let i = 0; i < 2000; i++) {
      s.append(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1).replicate(1, 2).replicate(1, 3);
      const last = s.node(1).log.lastIndex;
      s.set(1, { commit: last - 10 }).set(2, { commit: last - 10, leader: 1 }).set(3, { term: 1, commit: last - 10, leader: 1 });
      expect(s.step()).toEqual([]);
    }
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});

describe("spec/invariants.md", () => {
  test("documents every invariant id", async () => {
    const { readFile } = await import("node:fs/promises");
    const doc = await readFile(new URL("../../spec/invariants.md", import.meta.url), "utf8");
    for (const i of INVARIANTS) expect(doc).toContain(`\`${i.id}\``);
  });
});
