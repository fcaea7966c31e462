import { describe, expect, test } from "vitest";
import { Scenario } from "./scenario.js";

describe("vote-once", () => {
  test("voting for a second candidate in the same term fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 1, vote: 1 });
    expect(s.step()).toEqual([]);
    s.set(2, { vote: 3 });
    expect(s.step()).toEqual(["vote-once"]);
  });

  test("a vote forgotten on restart fires (and the restart does not restore the durable vote)", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 1, vote: 1 });
    expect(s.step()).toEqual([]);
    s.crash(2);
    expect(s.step()).toEqual([]);
    s.restart(2, { vote: 0 });
    expect(s.step()).toEqual(["durability", "vote-once"]);
  });

  test("a vote lost with a crash before it was persisted may be cast differently after restart", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 1, vote: 1 });
    expect(s.step()).toEqual([]);
    s.crash(2, { term: 0, vote: 0 }); // the durable state predates the vote
    expect(s.step()).toEqual([]);
    s.restart(2);
    expect(s.step()).toEqual([]);
    s.set(2, { term: 1, vote: 3 });
    expect(s.step()).toEqual([]);
  });
});

describe("term-monotonic", () => {
  test("a term going back within an incarnation fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 3 });
    expect(s.step()).toEqual([]);
    s.set(2, { term: 2 });
    expect(s.step()).toEqual(["term-monotonic"]);
  });

  test("restarting below the durable term fires", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 3 });
    expect(s.step()).toEqual([]);
    s.crash(2);
    expect(s.step()).toEqual([]);
    s.restart(2, { term: 2 });
    expect(s.step()).toEqual(["durability", "term-monotonic"]);
  });

  test("a crash may drop a term that was never persisted", () => {
    const s = new Scenario([1, 2, 3]);
    s.set(2, { term: 2 });
    expect(s.step()).toEqual([]);
    s.set(2, { term: 3 });
    expect(s.step()).toEqual([]);
    s.crash(2, { term: 2 });
    expect(s.step()).toEqual([]);
    s.restart(2);
    expect(s.step()).toEqual([]);
  });
});
