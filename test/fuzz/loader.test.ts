// Mutated valid traces into the loader: whatever the bytes, loading returns a result (never
// throws), every error names the file and a line inside it, and no case takes long.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadTraceText } from "../../src/trace/load.js";
import { FUZZ_PARAMS, FUZZ_RUNS } from "./runs.js";

const SEEDS = [
  "test/fixtures/bad-traces/good.yaml",
  "test/fixtures/bad-traces/hostile-propose.yaml",
  "test/fixtures/traces/cli/pass.yaml",
  "traces/etcd/interaction/campaign.yaml",
  "traces/etcd/interaction/confchange-v1-add-single.yaml",
].flatMap((f) => {
  try {
    return [readFileSync(f, "utf8")];
  } catch {
    return [];
  }
});

/** Fragments that matter to YAML and to the trace format, to mix in with random characters. */
const TOKENS = [
  "&a ", "*a", "<<: *a\n", "[", "]", "{", "}", ": ", "\n- ", "\n  ", "!shell ", "!!binary ", "'", '"', "#", "---\n", "...\n",
  "\u0000", "\ufeff", "\t", "18446744073709551616", "-1", "1.5", "1e400", "null", "~", "true", "campaign: 9", "add-nodes: {count: 64}",
  "tick: {node: 1, count: 100000}", "__proto__: {x: 1}", "constructor: 1", "$(rm -rf /)", "../../etc/passwd", "data_b64: ====",
];

type Edit = { at: number; del: number; insert: string };

const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  del: fc.nat({ max: 8 }),
  insert: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 }), fc.constant("")),
});

function apply(text: string, edits: readonly Edit[]): string {
  let t = text;
  for (const e of edits) {
    const at = t.length === 0 ? 0 : e.at % (t.length + 1);
    t = t.slice(0, at) + e.insert + t.slice(at + e.del);
  }
  return t;
}

describe("the loader under mutated traces", () => {
  it(`returns a result with located errors for every mutation (${FUZZ_RUNS} cases)`, () => {
    expect(SEEDS.length).toBeGreaterThanOrEqual(3);
    fc.assert(
      fc.property(fc.nat({ max: SEEDS.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 6 }), (which, edits) => {
        const text = apply(SEEDS[which] ?? "", edits);
        const started = Date.now();
        const r = loadTraceText("fuzz.yaml", text);
        expect(Date.now() - started).toBeLessThan(2000);
        if (r.ok) return;
        expect(r.errors.length).toBeGreaterThan(0);
        const lines = text.split("\n").length;
        for (const e of r.errors) {
          expect(e.file).toBe("fuzz.yaml");
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.line).toBeLessThanOrEqual(lines + 1);
          expect(e.message.length).toBeGreaterThan(0);
        }
      }),
      FUZZ_PARAMS,
    );
  }, 600_000);

  it(`returns a result for arbitrary text (${FUZZ_RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (text) => {
        const r = loadTraceText("fuzz.yaml", text);
        expect(typeof r.ok).toBe("boolean");
      }),
      FUZZ_PARAMS,
    );
  }, 600_000);
});
