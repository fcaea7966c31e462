#!/usr/bin/env node
// Protocol version 2 (`batch`) on an etcd driver, by hand: a harness that offers only version 1
// still gets 1 (and no batch); offered [1,2] the driver answers 2, runs a batch in order, stops
// after the first failing element, and refuses malformed batches as a whole.
//   node conformance/drivers/etcd-common/batch-smoke.mjs DRIVER-COMMAND
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { config, storage } from "./smoke-fixtures.mjs";

const driver = process.argv[2];
if (driver === undefined) {
  console.error("usage: node conformance/drivers/etcd-common/batch-smoke.mjs DRIVER-COMMAND");
  process.exit(2);
}
let failures = 0;
function check(what, ok, detail = "") {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${ok ? "" : `  (${detail})`}`);
  if (!ok) failures++;
}

function session() {
  const child = spawn(driver, [], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let nextId = 1;
  const call = async (cmd, params = {}) => {
    const req = { id: nextId++, cmd, ...params };
    child.stdin.write(`${JSON.stringify(req)}\n`);
    const { value, done } = await lines.next();
    if (done) throw new Error(`driver exited during ${cmd}`);
    const res = JSON.parse(value);
    if (res.id !== req.id) throw new Error(`response id ${res.id} for request ${req.id}`);
    return res;
  };
  const end = async () => {
    await call("bye");
    child.stdin.end();
  };
  return { call, end };
}

const hello = (versions) => ({ protocol: "raft-driver", versions, harness: { name: "batch-smoke", version: "0" } });

// A version-1 harness.
{
  const s = session();
  const h = await s.call("hello", hello([1]));
  check("hello offering [1] answers protocol_version 1", h.ok && h.result.protocol_version === 1, JSON.stringify(h));
  const b = await s.call("batch", { requests: [{ cmd: "reset" }] });
  check("batch under version 1 is unknown_command", b.error?.code === "unknown_command", JSON.stringify(b));
  await s.end();
}

// A version-2 harness.
{
  const s = session();
  const h = await s.call("hello", hello([1, 2]));
  check("hello offering [1,2] answers protocol_version 2", h.ok && h.result.protocol_version === 2, JSON.stringify(h));
  const create = (n) => ({ cmd: "create", node: n, config: { ...config, seed: Number(n) }, storage });
  const b1 = await s.call("batch", { requests: [{ cmd: "reset" }, create("1"), create("2"), create("3"), { cmd: "campaign", node: "1" }, { cmd: "ready", node: "1" }] });
  const r1 = b1.result?.responses ?? [];
  check("a batch answers every request in order", b1.ok && r1.length === 6 && r1.slice(0, 5).every((r) => r.ok && JSON.stringify(r.result) === "{}"), JSON.stringify(b1).slice(0, 300));
  const rd = r1[5]?.result?.ready;
  check("the batch's ready is node 1's campaign", rd?.soft_state?.raft_state === "StateCandidate" && rd.messages.length === 2, JSON.stringify(r1[5]).slice(0, 300));
  const b2 = await s.call("batch", { requests: [{ cmd: "advance", node: "1" }, { cmd: "tick", node: "9" }, { cmd: "tick", node: "1" }] });
  const r2 = b2.result?.responses ?? [];
  check("a batch stops after the first failing element", b2.ok && r2.length === 2 && r2[0].ok && r2[1].ok === false && r2[1].error.code === "invalid_params", JSON.stringify(b2).slice(0, 300));
  const b3 = await s.call("batch", { requests: [{ cmd: "propose", node: "3", data: "eA==" }, { cmd: "tick", node: "3" }] });
  const r3 = b3.result?.responses ?? [];
  check("a rejected element also stops the batch", b3.ok && r3.length === 1 && r3[0].error?.code === "rejected" && r3[0].error.message === "ErrProposalDropped", JSON.stringify(b3).slice(0, 300));
  const b4 = await s.call("batch", { requests: [{ cmd: "tick", node: "1" }, { cmd: "hello", ...hello([2]) }] });
  check("hello inside a batch refuses the whole batch", b4.error?.code === "invalid_params", JSON.stringify(b4));
  const b5 = await s.call("batch", { requests: [{ id: 99, cmd: "tick", node: "1" }] });
  check("an element with an id refuses the whole batch", b5.error?.code === "invalid_params", JSON.stringify(b5));
  const b6 = await s.call("batch", { requests: [{ cmd: "batch", requests: [] }] });
  check("a nested batch refuses the whole batch", b6.error?.code === "invalid_params", JSON.stringify(b6));
  const b7 = await s.call("batch", { requests: [{ cmd: "frobnicate" }] });
  check("an unknown command inside a batch is that element's unknown_command", b7.ok && b7.result.responses[0]?.error?.code === "unknown_command", JSON.stringify(b7));
  const b8 = await s.call("batch", { requests: [] });
  check("an empty batch answers no responses", b8.ok && b8.result.responses.length === 0, JSON.stringify(b8));
  const st = await s.call("status", { node: "1" });
  check("nothing after a refused batch ran (node 1 is still a candidate at term 1)", st.result?.status?.soft_state?.raft_state === "StateCandidate" && st.result.status.hard_state.term === "1", JSON.stringify(st).slice(0, 300));
  await s.end();
}
// A batch before hello.
{
  const s = session();
  const b = await s.call("batch", { requests: [] });
  check("batch before hello is not_initialized or unknown_command", b.error?.code === "not_initialized" || b.error?.code === "unknown_command", JSON.stringify(b));
  await s.end();
}
console.log(failures === 0 ? `${driver}: all batch checks passed` : `${driver}: ${failures} batch check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
