// spec/driver-protocol.schema.json: one $def per command with its request, result and response;
// the example session of spec/protocol.md is valid against it, line by line.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMMANDS, isCommand, protocolValidators } from "../../src/driver/protocol-schema.js";
import { DRIVER_ERROR_CODES } from "../../src/driver/types.js";

const root = new URL("../../", import.meta.url);
const schema = JSON.parse(readFileSync(new URL("spec/driver-protocol.schema.json", root), "utf8")) as {
  $schema: string;
  $defs: Record<string, { properties?: { cmd?: { const?: string } }; unevaluatedProperties?: boolean; $defs?: Record<string, unknown>; oneOf?: { $ref: string }[]; enum?: string[] }>;
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
      expect(def?.properties?.cmd?.const, cmd).toBe(cmd);
      expect(def?.unevaluatedProperties, cmd).toBe(false);
      expect(Object.keys(def?.$defs ?? {}).sort(), cmd).toEqual(["response", "result"]);
    }
    expect(schema.$defs["request"]?.oneOf?.map((r) => r.$ref)).toEqual(COMMANDS.map((c) => `#/$defs/${c}`));
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
