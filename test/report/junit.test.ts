import { describe, expect, it } from "vitest";
import { classnameOf, toJunitReport } from "../../src/report/junit.js";
import { escapeAttr, escapeText } from "../../src/report/xml.js";
import { input, results } from "./fixtures.js";

const xml = toJunitReport(input, { timings: false });

/** Opening tags of one element name, each as its attribute map. */
function elements(doc: string, name: string): Record<string, string>[] {
  return [...doc.matchAll(new RegExp(`<${name}\\b([^>]*?)/?>`, "g"))].map((m) =>
    Object.fromEntries([...(m[1] ?? "").matchAll(/([\w.-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
  );
}

/**
 * Well-formedness as far as escaping goes: once every tag is removed no markup character is left,
 * every & starts an entity, and no character XML 1.0 forbids appears anywhere.
 */
function escapingIsSound(doc: string): boolean {
  const text = doc.replace(/<[^<>]*>/g, "");
  const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
  return !/[<>]/.test(text) && !/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(doc) && !forbidden.test(doc);
}

describe("JUnit report", () => {
  it("has one testsuite whose counts match the results", () => {
    const suites = elements(xml, "testsuite");
    expect(suites).toHaveLength(1);
    expect(suites[0]).toMatchObject({ tests: "5", failures: "2", errors: "1", skipped: "1", time: "0" });
    expect(elements(xml, "testcase")).toHaveLength(results.length);
    expect(elements(xml, "failure")).toHaveLength(2);
    expect(elements(xml, "error")).toHaveLength(1);
    expect(elements(xml, "skipped")).toHaveLength(1);
  });

  it("names each testcase by trace id, with the id's directory as classname", () => {
    const names = elements(xml, "testcase").map((t) => [t["classname"], t["name"]]);
    expect(names).toContainEqual(["etcd/interaction", "etcd/interaction/campaign"]);
    expect(names).toContainEqual(["", "toplevel"]);
    expect(classnameOf("a/b/c")).toBe("a/b");
  });

  it("records the seed as a property", () => {
    expect(elements(xml, "property")).toContainEqual({ name: "seed", value: "7" });
  });

  it("gives a skip its reason and a failure its step, line, invariant and diff", () => {
    expect(elements(xml, "skipped")).toEqual([{ message: "capability:snapshots" }]);
    const invariant = elements(xml, "failure").find((f) => f["type"] === "invariant");
    expect(invariant?.["message"]).toBe("step 7, line 40: invariant ElectionSafety: nodes 1 and 2 are both leader in term 3");
    expect(xml).toContain("step: 4\nline: 23\n\nexpected term 2\n- term: 2\n+ term: 3 &amp; \"more\" \\u0001 end</failure>");
  });

  it("reports an errored trace as <error> with its kind and reason", () => {
    expect(elements(xml, "error")).toEqual([{ message: "driver did not answer within 10000 ms", type: "timeout" }]);
  });

  it("escapes markup, quotes and control characters everywhere", () => {
    expect(xml).toContain('name="core/replication/append-&lt;rejected&gt;"');
    expect(escapingIsSound(xml)).toBe(true);
  });

  it("is byte-identical for the same results in any completion order", () => {
    const reversed = { ...input, results: [...results].reverse() };
    expect(toJunitReport(reversed, { timings: false })).toBe(xml);
  });

  it("gives times in seconds only with timings", () => {
    const timed = toJunitReport(input, { timings: true });
    expect(elements(timed, "testcase").find((t) => t["name"] === "etcd/interaction/campaign")?.["time"]).toBe("0.013");
  });
});

describe("XML escaping", () => {
  it("escapes the five markup characters in attributes and keeps whitespace as references", () => {
    expect(escapeAttr(`a<b>&"c'\td\ne\r`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;&#9;d&#10;e&#13;");
  });

  it("writes characters XML cannot carry as visible \\u escapes", () => {
    expect(escapeText("bell\u0007 esc\u001B nul\u0000")).toBe("bell\\u0007 esc\\u001B nul\\u0000");
    expect(escapeText("lone \uD800 surrogate")).toBe("lone \\uD800 surrogate");
    expect(escapeText("pair 😀 kept, tab\tand newline\nkept")).toBe("pair 😀 kept, tab\tand newline\nkept");
  });
});
