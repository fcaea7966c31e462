// The driver protocol's JSON Schema (spec/driver-protocol.schema.json), compiled once with ajv.
// Both sides validate against it: the client every response, the server every request.
import Ajv2020Module from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import driverProtocolSchema from "../../spec/driver-protocol.schema.json" with { type: "json" };

/** Every command of protocol version 1, in the order of spec/protocol.md. */
export const COMMANDS = [
  "hello", "reset", "create", "crash", "tick", "step", "campaign", "propose", "propose_conf_change",
  "read_index", "transfer_leader", "forget_leader", "report_unreachable", "report_snapshot",
  "set_randomized_election_timeout", "ready", "advance", "storage_append", "storage_apply",
  "compact", "status", "bye",
] as const;
export type Command = (typeof COMMANDS)[number];

export const PROTOCOL_NAME = "raft-driver";
export const PROTOCOL_VERSIONS: readonly number[] = [1];

export function isCommand(s: string): s is Command {
  return (COMMANDS as readonly string[]).includes(s);
}

export interface ProtocolValidators {
  request(cmd: Command): ValidateFunction;
  response(cmd: Command): ValidateFunction;
}

let cached: ProtocolValidators | undefined;

export function protocolValidators(): ProtocolValidators {
  if (cached !== undefined) return cached;
  const schema: { $id: string } = driverProtocolSchema;
  const Ajv2020 = Ajv2020Module.default;
  const ajv = new Ajv2020({ strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false });
  ajv.addSchema(schema);
  const requests = new Map<Command, ValidateFunction>();
  const responses = new Map<Command, ValidateFunction>();
  const compile = (map: Map<Command, ValidateFunction>, cmd: Command, pointer: string): ValidateFunction => {
    let v = map.get(cmd);
    if (v === undefined) {
      v = ajv.compile({ $ref: `${schema.$id}#/$defs/${pointer}` });
      map.set(cmd, v);
    }
    return v;
  };
  cached = {
    request: (cmd) => compile(requests, cmd, cmd),
    response: (cmd) => compile(responses, cmd, `${cmd}/$defs/response`),
  };
  return cached;
}

/** The most specific schema error, as "at /result/ready/messages/0: must have required property 'from'". */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (first === undefined) return "does not match the schema";
  const where = first.instancePath === "" ? "the top level" : first.instancePath;
  const extra =
    first.keyword === "additionalProperties" || first.keyword === "unevaluatedProperties"
      ? ` (${JSON.stringify(first.params["additionalProperty"] ?? first.params["unevaluatedProperty"])})`
      : first.keyword === "enum"
        ? ` (${(first.params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")})`
        : "";
  return `at ${where}: ${first.message ?? first.keyword}${extra}`;
}
