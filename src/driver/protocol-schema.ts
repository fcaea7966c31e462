// The driver protocol's JSON Schema (spec/driver-protocol.schema.json), compiled once with ajv.
// Both sides validate against it: the client every response, the server every request.
import { createHash } from "node:crypto";
import type { ErrorObject, ValidateFunction } from "ajv";
import driverProtocolSchema from "../../spec/driver-protocol.schema.json" with { type: "json" };

/** Every command of protocol version 1, in the order of spec/protocol.md. */
export const V1_COMMANDS = [
  "hello", "reset", "create", "crash", "tick", "step", "campaign", "propose", "propose_conf_change",
  "read_index", "transfer_leader", "forget_leader", "report_unreachable", "report_snapshot",
  "set_randomized_election_timeout", "ready", "advance", "storage_append", "storage_apply",
  "compact", "status", "bye",
] as const;
/** Every command: version 2 is version 1 plus `batch`. */
export const COMMANDS = [...V1_COMMANDS, "batch"] as const;
export type Command = (typeof COMMANDS)[number];
/** A command that may be an element of a `batch`: every version-1 command but `hello` and `bye`. */
export type BatchableCommand = Exclude<(typeof V1_COMMANDS)[number], "hello" | "bye">;

export const PROTOCOL_NAME = "raft-driver";
export const PROTOCOL_VERSIONS: readonly number[] = [1, 2, 3];
/** The first protocol version with `batch`. */
export const BATCH_VERSION = 2;
/** The first protocol version with `ready` + `advance: true` (spec/protocol.md §6.5). */
export const READY_ADVANCE_VERSION = 3;

export function isBatchable(cmd: string): cmd is BatchableCommand {
  return cmd !== "hello" && cmd !== "bye" && cmd !== "batch" && isCommand(cmd);
}

export function isCommand(s: string): s is Command {
  return (COMMANDS as readonly string[]).includes(s);
}

export interface ProtocolValidators {
  request(cmd: Command): ValidateFunction;
  response(cmd: Command): ValidateFunction;
  /** A batch element's request: the command's request without `id`. */
  element(cmd: BatchableCommand): ValidateFunction;
  /** The command's success result alone (a batch element's `result`). */
  result(cmd: Command): ValidateFunction;
  /** The error codes the command may answer with. */
  errorCodes(cmd: Command): readonly string[];
}

let cached: ProtocolValidators | undefined;

/**
 * The validators compiled ahead of time by scripts/gen-protocol-validators.mjs (npm run build puts
 * them next to this module in dist/), keyed `request_<cmd>`, `response_<cmd>`, `result_<cmd>` and
 * `element_<cmd>`; undefined when absent (running from the sources), where ajv compiles them.
 */
const precompiled: Readonly<Record<string, ValidateFunction>> | undefined = await import(new URL("./protocol-validators.js", import.meta.url).href)
  .then((m: Record<string, ValidateFunction> & { SCHEMA_SHA256?: unknown }) =>
    m.SCHEMA_SHA256 === createHash("sha256").update(JSON.stringify(driverProtocolSchema)).digest("hex") ? m : undefined, () => undefined);
/** ajv, loaded only when there is something to compile (a process on the generated module never needs it). */
const Ajv2020 = precompiled === undefined ? (await import("ajv/dist/2020.js")).default.default : undefined;

/** Where a command's schema lists the error codes its response may carry. */
interface ErrorCodeDefs { $defs: { response: { else: { properties: { error: { properties: { code: { enum: string[] } } } } } } } }

export function protocolValidators(): ProtocolValidators {
  if (cached !== undefined) return cached;
  const schema: { $id: string } = driverProtocolSchema;
  let ajv: import("ajv/dist/2020.js").default | undefined;
  const compileRef = (pointer: string, closed: boolean): ValidateFunction => {
    if (ajv === undefined) {
      if (Ajv2020 === undefined) throw new Error(`protocol validator ${pointer} is missing from the generated module; rebuild (npm run build)`);
      ajv = new Ajv2020({ strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false });
      ajv.addSchema(schema);
    }
    const ref = `${schema.$id}#/$defs/${pointer}`;
    return ajv.compile(closed ? { $ref: ref, unevaluatedProperties: false } : { $ref: ref });
  };
  const maps = { request: new Map<Command, ValidateFunction>(), response: new Map<Command, ValidateFunction>(), element: new Map<Command, ValidateFunction>(), result: new Map<Command, ValidateFunction>() };
  const get = (kind: keyof typeof maps, cmd: Command, pointer: string): ValidateFunction => {
    let v = maps[kind].get(cmd);
    if (v === undefined) {
      v = precompiled?.[`${kind}_${cmd}`] ?? compileRef(pointer, kind === "element");
      maps[kind].set(cmd, v);
    }
    return v;
  };
  const defs = (driverProtocolSchema as unknown as { $defs: Record<string, ErrorCodeDefs> }).$defs;
  cached = {
    request: (cmd) => get("request", cmd, cmd),
    response: (cmd) => get("response", cmd, `${cmd}/$defs/response`),
    element: (cmd) => get("element", cmd, `${cmd}/$defs/fields`),
    result: (cmd) => get("result", cmd, `${cmd}/$defs/result`),
    errorCodes: (cmd) => defs[cmd]?.$defs.response.else.properties.error.properties.code.enum ?? [],
  };
  return cached;
}

/** The most specific schema error, as "at /result/ready/messages/0: must have required property 'from'". */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined, prefix = ""): string {
  const first = errors?.[0];
  if (first === undefined) return "does not match the schema";
  const path = prefix + first.instancePath;
  const where = path === "" ? "the top level" : path;
  const extra =
    first.keyword === "additionalProperties" || first.keyword === "unevaluatedProperties"
      ? ` (${JSON.stringify(first.params["additionalProperty"] ?? first.params["unevaluatedProperty"])})`
      : first.keyword === "enum"
        ? ` (${(first.params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")})`
        : "";
  return `at ${where}: ${first.message ?? first.keyword}${extra}`;
}
