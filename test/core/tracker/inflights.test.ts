import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Inflights } from "../../../src/core/tracker/inflights.js";

function filled(size: number, maxBytes: number, sends: readonly [number, number][]): Inflights {
  const in_ = new Inflights(size, maxBytes);
  for (const [index, bytes] of sends) in_.add(index, bytes);
  return in_;
}

describe("inflights window", () => {
  it("accepts appends until the count limit, then is full", () => {
    const in_ = new Inflights(3, 0);
    expect(in_.full()).toBe(false);
    in_.add(1, 10);
    in_.add(2, 10);
    expect(in_.full()).toBe(false);
    in_.add(3, 10);
    expect(in_.full()).toBe(true);
    expect(in_.count()).toBe(3);
    expect(in_.bytes()).toBe(30);
  });

  it("refuses (throws on) an add into a full window", () => {
    const in_ = filled(1, 0, [[1, 1]]);
    expect(() => in_.add(2, 1)).toThrow("cannot add into a Full inflights");
  });

  it("is full once the byte limit is reached; the append crossing it is still accepted", () => {
    const in_ = new Inflights(10, 100);
    in_.add(1, 60);
    expect(in_.full()).toBe(false);
    in_.add(2, 60); // crosses 100: accepted (soft limit)
    expect(in_.full()).toBe(true);
    expect(in_.bytes()).toBe(120);
    in_.freeLE(1);
    expect(in_.full()).toBe(false);
    expect(in_.bytes()).toBe(60);
  });

  it("a byte limit of 0 means no byte limit", () => {
    const in_ = filled(2, 0, [[1, 1e12]]);
    expect(in_.full()).toBe(false);
  });

  it("freeLE releases every append up to and including the index, oldest first", () => {
    const in_ = filled(10, 0, [
      [2, 1],
      [4, 2],
      [6, 4],
      [8, 8],
    ]);
    in_.freeLE(5);
    expect(in_.indexes()).toEqual([6, 8]);
    expect(in_.bytes()).toBe(12);
    in_.freeLE(6);
    expect(in_.indexes()).toEqual([8]);
    in_.freeLE(100);
    expect(in_.count()).toBe(0);
    expect(in_.bytes()).toBe(0);
  });

  it("freeLE below the oldest append, or on an empty window, changes nothing", () => {
    const in_ = filled(10, 0, [[5, 1]]);
    in_.freeLE(4);
    expect(in_.indexes()).toEqual([5]);
    const empty = new Inflights(10, 0);
    empty.freeLE(100);
    expect(empty.count()).toBe(0);
  });

  it("wraps around the ring buffer", () => {
    const in_ = new Inflights(4, 0);
    for (let i = 1; i <= 4; i++) in_.add(i, 1);
    in_.freeLE(2);
    in_.add(5, 1);
    in_.add(6, 1); // slots 0 and 1 again
    expect(in_.full()).toBe(true);
    expect(in_.indexes()).toEqual([3, 4, 5, 6]);
    in_.freeLE(5);
    expect(in_.indexes()).toEqual([6]);
    in_.add(7, 1);
    expect(in_.indexes()).toEqual([6, 7]);
  });

  it("reset forgets everything in flight", () => {
    const in_ = filled(2, 5, [
      [1, 3],
      [2, 3],
    ]);
    in_.reset();
    expect(in_.count()).toBe(0);
    expect(in_.bytes()).toBe(0);
    expect(in_.full()).toBe(false);
    expect(in_.indexes()).toEqual([]);
  });

  it("clone is independent of the original", () => {
    const in_ = filled(3, 0, [[1, 1]]);
    const copy = in_.clone();
    copy.add(2, 1);
    in_.freeLE(1);
    expect(copy.indexes()).toEqual([1, 2]);
    expect(in_.count()).toBe(0);
  });

  it("behaves like a simple queue under any sequence of adds and frees (property)", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("add" as const), bytes: fc.nat(50) }),
      fc.record({ kind: fc.constant("free" as const), back: fc.nat(6) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.nat(200), fc.array(op, { maxLength: 60 }), (size, maxBytes, ops) => {
        const in_ = new Inflights(size, maxBytes);
        const model: [number, number][] = [];
        let last = 0;
        for (const o of ops) {
          const modelBytes = model.reduce((s, [, b]) => s + b, 0);
          const modelFull = model.length === size || (maxBytes !== 0 && modelBytes >= maxBytes);
          expect(in_.full()).toBe(modelFull);
          if (o.kind === "add") {
            if (modelFull) continue;
            last += 1 + (o.bytes % 3);
            in_.add(last, o.bytes);
            model.push([last, o.bytes]);
          } else {
            const to = last - o.back;
            in_.freeLE(to);
            while (model.length > 0 && (model[0]?.[0] ?? Infinity) <= to) model.shift();
          }
          expect(in_.indexes()).toEqual(model.map(([i]) => i));
          expect(in_.bytes()).toBe(model.reduce((s, [, b]) => s + b, 0));
        }
      }),
    );
  });
});
