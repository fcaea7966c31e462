#!/usr/bin/env node
// Speaks the driver protocol to a driver by hand, checking every response against
// spec/driver-protocol.schema.json: a three-node cluster bootstrapped from a snapshot at index 2
// elects node 1, replicates one proposal to every node, and answers the edge cases (refusals,
// unsupported features, unknown commands, ticks with a pinned timeout).
//   node conformance/drivers/etcd-raft-3.4/smoke.mjs [driver command]   (default: bin/etcd-raft-3.4-driver)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { config, storage } from "../etcd-common/smoke-fixtures.mjs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";

const here = dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(readFileSync(join(here, "../../../spec/driver-protocol.schema.json"), "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(schema);
const validator = (cmd) => ajv.getSchema(`${schema.$id}#/$defs/${cmd}/$defs/response`);

const argv = process.argv.length > 2 ? process.argv.slice(2) : [join(here, "bin/etcd-raft-3.4-driver")];
const child = spawn(argv[0], argv.slice(1), { stdio: ["pipe", "pipe", "inherit"] });
const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();

let nextId = 1;
let failures = 0;
async function call(cmd, params = {}) {
  const req = { id: nextId++, cmd, ...params };
  child.stdin.write(`${JSON.stringify(req)}\n`);
  const { value, done } = await lines.next();
  if (done) throw new Error(`driver exited during ${cmd}`);
  const res = JSON.parse(value);
  const validate = validator(cmd);
  if (validate !== undefined && !validate(res)) {
    failures++;
    console.error(`schema: ${cmd} response invalid: ${ajv.errorsText(validate.errors)}\n  ${value.slice(0, 300)}`);
  }
  if (res.id !== req.id) throw new Error(`response id ${res.id} for request ${req.id}`);
  return res;
}
function check(what, ok, detail = "") {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${detail ? `  (${detail})` : ""}`);
  if (!ok) failures++;
}
const b64 = (s) => Buffer.from(s).toString("base64");


const before = await call("tick", { node: "1" });
check("a command before hello is not_initialized", before.error?.code === "not_initialized");
const hello = await call("hello", { protocol: "raft-driver", versions: [1], harness: { name: "smoke", version: "0" } });
check("hello answers protocol 1, message model etcd", hello.ok && hello.result.protocol_version === 1 && hello.result.message_model === "etcd");
check("no async storage writes or forget-leader declared", !hello.result.capabilities.includes("async_storage_writes") && !hello.result.capabilities.includes("forget_leader"));
const unknown = await call("frobnicate");
check("an unknown command is unknown_command", unknown.error?.code === "unknown_command");
await call("reset");
for (const n of ["1", "2", "3"]) {
  const r = await call("create", { node: n, config: { ...config, seed: Number(n) }, storage });
  check(`create node ${n}`, r.ok, JSON.stringify(r.error ?? ""));
}
const async = await call("create", { node: "9", config: { ...config, async_storage_writes: true }, storage });
check("async storage writes are unsupported", async.error?.code === "unsupported" && async.error.feature === "async_storage_writes");
const forget = await call("forget_leader", { node: "1" });
check("forget_leader is unsupported", forget.error?.code === "unsupported");
const early = await call("propose", { node: "3", data: b64("early") });
check("a proposal without a leader is rejected with ErrProposalDropped", early.error?.code === "rejected" && early.error.message === "ErrProposalDropped");

// Ready/advance every node and deliver every message until nothing is left to do.
const applied = { 1: [], 2: [], 3: [] };
async function stabilize() {
  for (let round = 0; round < 100; round++) {
    const msgs = [];
    for (const n of ["1", "2", "3"]) {
      const rd = (await call("ready", { node: n })).result.ready;
      if (rd === null) continue;
      msgs.push(...rd.messages);
      for (const e of rd.committed_entries) applied[n].push(Buffer.from(e.data ?? "", "base64").toString());
      const adv = await call("advance", { node: n });
      if (!adv.ok) throw new Error(`advance ${n}: ${JSON.stringify(adv.error)}`);
    }
    if (msgs.length === 0) return;
    for (const m of msgs) {
      const r = await call("step", { node: m.to, msg: m });
      if (!r.ok) console.log(`     step ${m.type} ${m.from}->${m.to}: ${r.error.code} ${r.error.message}`);
    }
  }
  throw new Error("no quiescence after 100 rounds");
}

const camp = await call("campaign", { node: "1" });
check("campaign 1", camp.ok);
const first = await call("ready", { node: "1" });
const rd = first.result.ready;
check("the candidate's Ready holds its vote and two MsgVotes at term 1",
  rd?.soft_state?.raft_state === "StateCandidate" && rd.hard_state?.term === "1" && rd.hard_state.vote === "1" &&
  rd.messages.length === 2 && rd.messages.every((m) => m.type === "MsgVote" && m.log_term === "1" && m.index === "2"),
  JSON.stringify(rd));
const twice = await call("ready", { node: "1" });
check("a second ready before advance is refused", twice.error?.code === "invalid_params");
await call("advance", { node: "1" });
for (const m of rd.messages) await call("step", { node: m.to, msg: m });
await stabilize();
let st = (await call("status", { node: "1" })).result.status;
check("node 1 is leader at term 1", st.soft_state.raft_state === "StateLeader" && st.hard_state.term === "1", JSON.stringify(st.soft_state));
check("the leader's empty entry at index 3 is committed", st.hard_state.commit === "3");
check("status reports progress for every voter", Object.keys(st.progress).sort().join() === "1,2,3" &&
  Object.values(st.progress).every((p) => p.state === "StateReplicate" && p.match === "3"), JSON.stringify(st.progress));
const follower = (await call("status", { node: "2" })).result.status;
check("a follower knows the leader and reports no progress", follower.soft_state.lead === "1" && Object.keys(follower.progress).length === 0);

const prop = await call("propose", { node: "1", data: b64("hello") });
check("propose on the leader", prop.ok);
const fwd = await call("propose", { node: "2", data: b64("forwarded") });
check("propose on a follower is forwarded", fwd.ok);
await stabilize();
for (const n of ["1", "2", "3"]) {
  st = (await call("status", { node: n })).result.status;
  check(`node ${n} committed and applied both proposals`, st.hard_state.commit === "5" && st.applied === "5" &&
    applied[n].join("|") === "|hello|forwarded", `${st.hard_state.commit}/${st.applied} ${applied[n].join("|")}`);
}

// A conf change (v2, add learner 4) commits and its ConfState comes back from advance.
const cc = await call("propose_conf_change", { node: "1", cc: { version: 2, transition: "auto", changes: [{ type: "ConfChangeAddLearnerNode", node_id: "4" }] } });
check("propose_conf_change v2", cc.ok);
let sawConfState = false;
for (let round = 0; round < 20; round++) {
  const msgs = [];
  for (const n of ["1", "2", "3"]) {
    const r = (await call("ready", { node: n })).result.ready;
    if (r === null) continue;
    msgs.push(...r.messages.filter((m) => m.to !== "4"));
    const adv = await call("advance", { node: n });
    if (adv.result.conf_states.some((c) => c.conf_state.learners?.includes("4"))) sawConfState = true;
  }
  if (msgs.length === 0) break;
  for (const m of msgs) await call("step", { node: m.to, msg: m });
}
check("advance returns the ConfState with learner 4", sawConfState);

// Pinned timeout: a follower campaigns after exactly that many ticks.
await call("create", { node: "7", config: { ...config, seed: 7 }, storage: { ...storage, snapshot: { data: "", metadata: { conf_state: { voters: ["7", "8"] }, index: "2", term: "1" } } } });
await call("set_randomized_election_timeout", { node: "7", ticks: 12 });
let ticks = 0;
for (; ticks < 40; ticks++) {
  const s = (await call("status", { node: "7" })).result.status;
  if (s.soft_state.raft_state !== "StateFollower") break;
  await call("tick", { node: "7" });
}
check("with the timeout pinned to 12, node 7 campaigns after 12 ticks", ticks === 12, `${ticks}`);

const bye = await call("bye");
check("bye", bye.ok);
const code = await new Promise((resolve) => child.on("exit", resolve));
check("the driver exits 0 after bye", code === 0, `${code}`);
console.log(failures === 0 ? "all checks passed" : `${failures} failure(s)`);
process.exit(failures === 0 ? 0 : 1);
