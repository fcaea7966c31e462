// spec/driver-protocol.schema.json: one $def per command with its request, result and response;
// the example session of spec/protocol.md is valid against it, line by line.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import Ajv2020Module from "ajv/dist/2020.js";
import { describe, expect, inject, it } from "vitest";
import { buildCli } from "../cli/build.js";
import { COMMANDS, isCommand, protocolValidators } from "../../src/driver/protocol-schema.js";
import { DRIVER_ERROR_CODES } from "../../src/driver/types.js";

const root = new URL("../../", import.meta.url);
const Ajv2020 = Ajv2020Module.default;
const schema = JSON.parse(readFileSync(new URL("spec/driver-protocol.schema.json", root), "utf8")) as {
  $schema: string;
  $defs: Record<string, {
    properties?: { cmd?: { const?: string } }; $ref?: string; required?: string[]; unevaluatedProperties?: boolean;
    $defs?: Record<string, { properties?: { cmd?: { const?: string } } }>; oneOf?: { $ref: string }[]; enum?: string[];
  }>;
};

/**
 * The commands whose Driver method returns an Outcome, and the two that apply committed entries:
 * a node refusing to apply one answers `rejected` and halts (spec/protocol.md §6.3).
 */
const MAY_REJECT = [
  "step", "campaign", "propose", "propose_conf_change", "read_index", "transfer_leader", "forget_leader",
  "report_unreachable", "report_snapshot", "advance", "storage_apply",
];

describe("the driver protocol schema", () => {
  it("is JSON Schema 2020-12", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  it("has one closed request per command, with its result and response", () => {
    for (const cmd of COMMANDS) {
      const def = schema.$defs[cmd];
      // The request is its id plus $defs/fields, which is also what a batch element is.
      expect(def?.$defs?.["fields"]?.properties?.cmd?.const, cmd).toBe(cmd);
      expect(def?.$ref, cmd).toBe(`#/$defs/${cmd}/$defs/fields`);
      expect(def?.required, cmd).toEqual(["id"]);
      expect(def?.unevaluatedProperties, cmd).toBe(false);
      expect(Object.keys(def?.$defs ?? {}).sort(), cmd).toEqual(["fields", "response", "result"]);
    }
    expect(schema.$defs["request"]?.oneOf?.map((r) => r.$ref)).toEqual(COMMANDS.map((c) => `#/$defs/${c}`));
  });

  it("takes a batch of version-1 requests without id, and no hello, bye or batch inside", () => {
    const batch = protocolValidators().request("batch");
    const ok = { id: 9, cmd: "batch", requests: [{ cmd: "tick", node: "1" }, { cmd: "ready", node: "1" }] };
    expect(batch(ok), JSON.stringify(batch.errors)).toBe(true);
    expect(batch({ ...ok, requests: [] })).toBe(false);
    expect(batch({ ...ok, requests: [{ id: 1, cmd: "tick", node: "1" }] })).toBe(false);
    expect(batch({ ...ok, requests: [{ cmd: "tick", node: "1", extra: 1 }] })).toBe(false);
    for (const cmd of ["hello", "bye", "batch"]) expect(batch({ ...ok, requests: [{ cmd }] }), cmd).toBe(false);
    const element = protocolValidators().element("tick");
    expect(element({ cmd: "tick", node: "1" })).toBe(true);
    expect(element({ cmd: "tick", node: "1", id: 3 })).toBe(false);
  });

  it("answers a batch with one element per executed request, each a response without id", () => {
    const response = protocolValidators().response("batch");
    const ok = { id: 9, ok: true, result: { responses: [{ ok: true, result: {} }, { ok: false, error: { code: "rejected", message: "ErrProposalDropped" } }] } };
    expect(response(ok), JSON.stringify(response.errors)).toBe(true);
    expect(response({ ...ok, result: { responses: [{ ok: true }] } })).toBe(false);
    expect(response({ ...ok, result: { responses: [{ ok: false, error: { code: "nonsense", message: "" } }] } })).toBe(false);
    expect(response({ id: 9, ok: false, error: { code: "invalid_params", message: "a nested hello" } })).toBe(true);
    expect(protocolValidators().result("ready")({ ready: null })).toBe(true);
    expect(protocolValidators().errorCodes("tick")).not.toContain("rejected");
    expect(protocolValidators().errorCodes("step")).toContain("rejected");
  });

  it("has exactly the error codes of DriverErrorCode", () => {
    expect(schema.$defs["error_code"]?.enum).toEqual([...DRIVER_ERROR_CODES]);
  });

  it("allows rejected only for the commands whose outcome the implementation may refuse", () => {
    const accepting = COMMANDS.filter((cmd) =>
      protocolValidators().response(cmd)({ id: 1, ok: false, error: { code: "rejected", message: "ErrProposalDropped" } }),
    );
    expect(accepting).toEqual(MAY_REJECT);
  });

  it("accepts every line of the example session in spec/protocol.md", () => {
    const doc = readFileSync(new URL("spec/protocol.md", root), "utf8");
    const section = doc.slice(doc.indexOf("## 8. Example session"), doc.indexOf("## 9."));
    const lines = section.split("\n").filter((l) => l.startsWith("→ ") || l.startsWith("← "));
    expect(lines.length).toBeGreaterThan(10);
    let cmd = "";
    for (const line of lines) {
      const value = JSON.parse(line.slice(2)) as { cmd?: string };
      if (line.startsWith("→ ")) {
        cmd = value.cmd ?? "";
        expect(isCommand(cmd), line).toBe(true);
      }
      if (!isCommand(cmd)) throw new Error(`no command before ${line}`);
      const validate = line.startsWith("→ ") ? protocolValidators().request(cmd) : protocolValidators().response(cmd);
      expect(validate(value), `${line.slice(0, 80)}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});

describe("the validators compiled ahead of time (npm run build)", () => {
  it("come from this schema and judge as the ones compiled at run time", async () => {
    if (inject("cliBuilt") !== true) buildCli(); // the global setup builds once for the whole run
    const generated = (await import(new URL("dist/src/driver/protocol-validators.js", root).href)) as Record<string, ((v: unknown) => boolean) & { errors?: unknown }> & { SCHEMA_SHA256: string };
    expect(generated.SCHEMA_SHA256).toBe(createHash("sha256").update(JSON.stringify(schema)).digest("hex"));
    const samples: [string, unknown][] = [
      ["response_ready", { id: 2, ok: true, result: { ready: { messages: [{ type: "MsgApp", to: "2", term: "1" }] } } }],
      ["response_ready", { id: 2, ok: true, result: { ready: null } }],
      ["response_step", { id: 2, ok: false, error: { code: "rejected", message: "x" } }],
      ["response_tick", { id: 2, ok: false, error: { code: "rejected", message: "x" } }],
      ["request_tick", { id: 2, cmd: "tick", node: "1" }],
      ["request_tick", { id: 2, cmd: "tick", node: 1 }],
      ["element_tick", { cmd: "tick", node: "1" }],
      ["element_tick", { cmd: "tick", node: "1", id: 4 }],
      ["result_status", { status: { id: "1" } }],
    ];
    for (const [name, value] of samples) {
      const v = generated[name];
      expect(v, name).toBeTypeOf("function");
      const ajv = new Ajv2020({ strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false });
      ajv.addSchema(schema);
      const [kind, cmd] = name.split(/_(.*)/s) as [string, string];
      const pointer = { request: cmd, response: `${cmd}/$defs/response`, result: `${cmd}/$defs/result`, element: `${cmd}/$defs/fields` }[kind] as string;
      const reference = ajv.compile({ $ref: `${(schema as unknown as { $id: string }).$id}#/$defs/${pointer}`, ...(kind === "element" ? { unevaluatedProperties: false } : {}) });
      expect(v?.(value), `${name} ${JSON.stringify(value)}`).toBe(reference(value));
      expect(v?.errors ?? null, name).toEqual(reference.errors ?? null);
    }
  });
});
