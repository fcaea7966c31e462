// A driver that answers `unsupported` (a config value or command its implementation lacks) skips
// the trace with the driver's own words as the reason: spec/protocol.md, "Errors".
import { describe, expect, test } from "vitest";
import { createInProcessDriver } from "../../src/driver/inprocess.js";
import { type Driver, DriverError } from "../../src/driver/types.js";
import type { InvariantChecker } from "../../src/invariants/observation.js";
import { runTrace } from "../../src/harness/run.js";
import { loadTraceText } from "../../src/trace/load.js";

const noInvariants: InvariantChecker = { invariants: [], check: () => [] };

/** The reference core, except that `method` answers like a driver without the feature. */
function refusing(method: keyof Driver, code: "unsupported" | "internal"): Driver {
  const inner = createInProcessDriver();
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === method) {
        return async () => {
          throw new DriverError("driver", `driver answered \`${method}\` (id 7, node 1) with error ${code}: this implementation has no MaxInflightBytes`, method, code);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const text = `id: test/unsupported
description: d
features: [election]
steps:
  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}
  - campaign: 1
  - stabilize: {}
`;

describe("a driver that answers unsupported", () => {
  test("skips the trace, with the driver's message as the reason", async () => {
    const loaded = loadTraceText("t.yaml", text);
    if (!loaded.ok) throw new Error("fixture invalid");
    const r = await runTrace(loaded.trace, refusing("create", "unsupported"), { level: "exact", seed: 1, checker: noInvariants });
    expect(r.status).toBe("skipped");
    expect(r.reason).toBe("driver does not support: this implementation has no MaxInflightBytes");
  });

  test("any other driver error still errors the trace", async () => {
    const loaded = loadTraceText("t.yaml", text);
    if (!loaded.ok) throw new Error("fixture invalid");
    const r = await runTrace(loaded.trace, refusing("create", "internal"), { level: "exact", seed: 1, checker: noInvariants });
    expect(r.status).toBe("errored");
  });
});
