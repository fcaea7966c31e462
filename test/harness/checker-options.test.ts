// The checker `run` builds for a trace: explore's traces replay with the checker that found them.
import { expect, test } from "vitest";
import { checkerOptionsFor } from "../../src/harness/run.js";
import { loadTraceText } from "../../src/trace/load.js";

function load(source: string, defaults = "{}") {
  const r = loadTraceText("t.yaml", `id: test/t\ndescription: d\n${source}features: []\ndefaults: ${defaults}\nsteps:\n  - add-nodes: {count: 3, voters: [1, 2, 3], index: 2}\n`);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("\n"));
  return r.trace;
}

test("a trace explore wrote replays without the invariants explore does not judge", () => {
  const explored = load("source: {repo: raft-conformance/explore, path: seed/7, commit: '0000000000000000000000000000000000000000', test: prevote}\n");
  expect(checkerOptionsFor(explored).except).toEqual(["leader-knowledge"]);
  expect(checkerOptionsFor(load("")).except).toBeUndefined();
  expect(checkerOptionsFor(load("", "{disable_conf_change_validation: true}")).except).toEqual(["reconfig-discipline"]);
});
