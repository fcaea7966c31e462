// The bad-input catalogue, trace side (spec/trace-format.md, "Bad input catalogue"): every class
// of broken trace file is reported as file:line:col with what is wrong and what to do, exit 2, no
// stack trace, and a good trace in the same run still passes. Fixtures: test/fixtures/bad-traces/.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync, ftruncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BAD, GOOD, GOOD_ID, runWithReport, STACK_FRAME, traceIn } from "./cli-run.js";

interface Class {
  readonly name: string;
  /** The bad file (relative to the repo), or a function making it in a scratch directory. */
  readonly file: string;
  /** Files run before it (e.g. the first holder of a duplicated id). */
  readonly before?: readonly string[];
  readonly at: string;
  readonly message: RegExp;
}

const scratch = mkdtempSync(join(tmpdir(), "rc-bad-traces-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A 100 MB file whose first line looks like a trace (sparse: the size check must come first). */
function hugeTrace(): string {
  const file = join(scratch, "huge.yaml");
  const fd = openSync(file, "w");
  writeSync(fd, "id: reliability/huge\n# padding follows\n");
  ftruncateSync(fd, 100 * 1024 * 1024);
  closeSync(fd);
  return file;
}

const f = (name: string): string => `${BAD}/${name}`;

const CLASSES: readonly Class[] = [
  { name: "YAML syntax error", file: f("yaml-syntax.yaml"), at: "6:3", message: /YAML: Flow map in block collection must be sufficiently indented and end with a \}/ },
  { name: "duplicate map key", file: f("duplicate-key.yaml"), at: "4:1", message: /YAML: Map keys must be unique/ },
  { name: "wrong type (string for a node id)", file: f("wrong-type.yaml"), at: "6:15", message: /^\/steps\/1\/campaign: expected integer$/ },
  { name: "unknown step", file: f("unknown-step.yaml"), at: "6:5", message: /a step needs one step key \(one of add-nodes, campaign, .*\); found elect-someone/ },
  { name: "unknown key in a step", file: f("unknown-key.yaml"), at: "5:27", message: /^unknown key 'colour' \(at \/steps\/0\/add-nodes\)$/ },
  { name: "unknown node", file: f("unknown-node.yaml"), at: "6:5", message: /^step 1 \(campaign\) refers to node 9, but only nodes 1\.\.3 exist at this point$/ },
  { name: "negative node id", file: f("negative-id.yaml"), at: "6:15", message: /^\/steps\/1\/campaign: must be >= 1$/ },
  { name: "non-integer node id", file: f("fractional-id.yaml"), at: "6:15", message: /^\/steps\/1\/campaign: expected integer$/ },
  { name: "uint64 overflow (above 2^53-1)", file: f("uint64-overflow.yaml"), at: "6:31", message: /^\/steps\/1\/compact\/index: must be <= 9007199254740991$/ },
  { name: "a step before any add-nodes", file: f("step-before-setup.yaml"), at: "5:5", message: /^step 0 \(campaign\) comes before any add-nodes: there is no node yet$/ },
  { name: "a step without a step key", file: f("no-step-key.yaml"), at: "6:5", message: /a step needs one step key .*; found comment/ },
  { name: "a step with two step keys", file: f("two-step-keys.yaml"), at: "6:5", message: /^a step has exactly one step key; found campaign, tick-election \(at \/steps\/1\)$/ },
  { name: "outcome on a step that is not an input", file: f("outcome-on-non-input.yaml"), at: "6:5", message: /'outcome' is only allowed on input steps/ },
  { name: "v1 conf change with two changes", file: f("v1-two-changes.yaml"), at: "6:5", message: /a v1 conf change carries exactly one change and no transition/ },
  { name: "progress check without progress_status", file: f("progress-without-feature.yaml"), at: "6:5", message: /needs the progress_status feature; add it to the trace's features/ },
  { name: "tick-election given a count", file: f("tick-election-count.yaml"), at: "6:5", message: /^step 1 \(tick-election\) refers to node 5, but only nodes 1\.\.3 exist at this point \(tick-election takes the id of the node to tick, not a count; to tick node N K times its interval write 'tick-election: \{node: N, times: K\}'\)$/ },
  { name: "expect on a step that produces no events", file: f("expect-on-tick.yaml"), at: "7:5", message: /^step 1 \(tick-heartbeat\): 'expect' is not allowed here: a tick-heartbeat step never produces events/ },
  { name: "expected event names a missing node", file: f("expect-unknown-node.yaml"), at: "8:9", message: /expected event names node 7, which does not exist/ },
  { name: "needs naming no behaviour", file: f("needs-unknown-behaviour.yaml"), at: "7:13", message: /^\/steps\/1\/needs\/0: must be one of: "campaign", "empty_entry_on_election", .* \(needs names behaviours of spec\/protocol\.md §5\.1 only; a capability the whole trace depends on goes in 'features'\)$/ },
  { name: "needs on a step without assertions", file: f("needs-without-assertion.yaml"), at: "7:5", message: /^step 1 \(stabilize\): 'needs' gates a step's observable assertions \(a check step, 'outcome', 'sent'\), and this step has none; remove it/ },
  { name: "stand-in step with an expect block", file: f("stands-in-with-expect.yaml"), at: "8:5", message: /^step 1 \(propose\): a step that stands in for a behaviour runs only with a driver lacking it, where 'expect' is not checked; remove the expect block$/ },
  { name: "add-nodes standing in for a behaviour", file: f("stands-in-add-nodes.yaml"), at: "7:5", message: /^step 1 \(add-nodes\): add-nodes cannot stand in for a behaviour: which nodes exist must not depend on the driver$/ },
  { name: "unknown feature", file: f("unknown-feature.yaml"), at: "3:12", message: /^\/features\/0: must be one of: "election", "replication"/ },
  { name: "id without a group", file: f("bad-id.yaml"), at: "1:5", message: /^\/id: must match / },
  { name: "missing required key", file: f("missing-description.yaml"), at: "1:1", message: /^\/: missing required key 'description'$/ },
  { name: "no steps", file: f("no-steps.yaml"), at: "4:8", message: /^\/steps: must NOT have fewer than 1 items$/ },
  { name: "top level is a list", file: f("top-level-list.yaml"), at: "1:1", message: /^\/: expected object$/ },
  { name: "two YAML documents", file: f("two-documents.yaml"), at: "7:1", message: /^a trace file holds exactly one YAML document$/ },
  { name: "negative seed", file: f("negative-seed.yaml"), at: "4:7", message: /^\/seed: must be >= 0$/ },
  { name: "unknown YAML tag (no code execution)", file: f("unresolved-tag.yaml"), at: "6:30", message: /^YAML: Unresolved tag: !shell$/ },
  { name: "duplicate trace id across files", file: f("dup-id-b.yaml"), before: [f("dup-id-a.yaml")], at: "1:5", message: /^duplicate trace id 'reliability\/same-id' \(also used by test\/fixtures\/bad-traces\/dup-id-a\.yaml\)$/ },
  { name: "missing provenance under traces/etcd/", file: f("traces/etcd/no-source.yaml"), at: "1:5", message: /^traces under traces\/etcd\/ need 'source' \(repo, path, commit and, for Go tests, test\)$/ },
  { name: "id prefix not matching its directory", file: f("traces/etcd/wrong-prefix.yaml"), at: "1:5", message: /^id 'elsewhere\/wrong-prefix' must start with 'etcd\/'/ },
  { name: "billion laughs (alias expansion)", file: f("billion-laughs.yaml"), at: "1:1", message: /^YAML: aliases would expand to more than 100 copies \(a "billion laughs" file\?\); write the values out/ },
  { name: "cyclic alias", file: f("cyclic-alias.yaml"), at: "6:35", message: /^YAML: alias \*loop refers to a node that contains it \(a cycle\); write the value out instead$/ },
  { name: "nesting deep enough to exhaust the parser", file: f("deep-nesting.yaml"), at: "4:72", message: /^nesting too deep \(more than 64 levels of \[ or \{\): flatten the structure$/ },
  { name: "a 100 MB file", file: "", at: "1:1", message: /^file is larger than 4194304 bytes: traces are small scenarios; split it, or check that this is the right file$/ },
  { name: "a binary file", file: f("binary.yaml"), at: "2:1", message: /^binary file \(NUL byte at offset 23\): this does not look like a YAML trace/ },
  { name: "not UTF-8", file: f("latin1.yaml"), at: "2:17", message: /^not valid UTF-8 \(offset 39\): traces are UTF-8 text; re-save the file as UTF-8$/ },
  { name: "an empty file", file: f("empty.yaml"), at: "1:1", message: /^empty file: a trace is one YAML document with id, description, features and steps/ },
  { name: "a file of comments only", file: f("comments-only.yaml"), at: "1:1", message: /^empty file: / },
  { name: "a named file that is not YAML", file: f("notes.txt"), at: "1:1", message: /^not a trace file: traces are \*\.yaml or \*\.yml files/ },
];

describe("a bad trace file", () => {
  it("the catalogue has at least 30 classes", () => {
    expect(CLASSES.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of CLASSES) {
    it(`${c.name}: exit 2, file:line:col and the reason on stderr, and the good trace still passes`, async () => {
      const file = c.file === "" ? hugeTrace() : c.file;
      const run = await runWithReport([...(c.before ?? []), file, GOOD]);
      expect(run.code).toBe(2);
      const lines = run.stderr.split("\n").filter((l) => l.startsWith(`${file}:`));
      expect(lines.length).toBeGreaterThanOrEqual(1);
      const line = lines[0] ?? "";
      expect(line.startsWith(`${file}:${c.at}: `)).toBe(true);
      expect(line.slice(`${file}:${c.at}: `.length)).toMatch(c.message);
      expect(run.stderr + run.stdout).not.toMatch(STACK_FRAME);
      expect(run.stderr).not.toContain("internal error");
      expect(traceIn(run, GOOD_ID)?.status).toBe("passed");
      const bad = run.report?.traces.find((t) => t.file === file);
      expect(bad).toMatchObject({ status: "errored", errorKind: "input" });
    });
  }
});
