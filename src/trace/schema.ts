// JSON Schema validation of a parsed trace, with errors mapped back to file:line:column.
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import addFormatsImport from "ajv-formats";
import traceSchema from "../../spec/trace.schema.json" with { type: "json" };
import type { TraceError } from "./errors.js";
import type { ParsedYaml } from "./yaml-doc.js";
import { STEP_KINDS } from "./types.js";

// ajv-formats is CommonJS; under NodeNext its default export may arrive wrapped.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as unknown as (ajv: Ajv2020) => void;

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(traceSchema);

/** How many schema errors one file reports at most (the first ones are the useful ones). */
const MAX_ERRORS = 10;

export function schemaErrors(doc: ParsedYaml): TraceError[] {
  if (validate(doc.value)) return [];
  const raw = validate.errors ?? [];
  const out = new Map<string, TraceError>();
  for (const e of explain(raw, doc)) {
    if (!out.has(e.key)) out.set(e.key, e.error);
    if (out.size >= MAX_ERRORS) break;
  }
  return [...out.values()];
}

function pathOf(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function* explain(errors: readonly ErrorObject[], doc: ParsedYaml): Generator<{ key: string; error: TraceError }> {
  // A step must carry exactly one step key; the schema's oneOf over `required` reports that as noise.
  const stepShape = new Set<string>();
  for (const e of errors) {
    if (isStepShape(e)) stepShape.add(e.instancePath);
  }
  for (const p of stepShape) {
    const value = lookup(doc.value, pathOf(p));
    const keys = value !== null && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : [];
    const present = keys.filter((k) => (STEP_KINDS as readonly string[]).includes(k));
    const msg = present.length === 0
      ? `a step needs one step key (one of ${STEP_KINDS.join(", ")}); found ${keys.length ? keys.join(", ") : "none"}`
      : `a step has exactly one step key; found ${present.join(", ")}`;
    yield { key: p, error: { ...doc.locate(pathOf(p)), message: `${msg} (at ${p})` } };
  }
  // Keep the deepest errors: an error whose path is a prefix of another one's only says "something inside failed".
  const leaves = errors.filter((e) => !isStepShape(e))
    .filter((e) => !(e.keyword === "oneOf" && errors.some((o) => o !== e && o.instancePath.startsWith(e.instancePath + "/"))));
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of leaves) {
    const deeper = leaves.some((o) => o.instancePath.startsWith(e.instancePath + "/") && o.keyword !== "oneOf");
    if (deeper && (e.keyword === "oneOf" || e.keyword === "type" || e.keyword === "required" || e.keyword === "not")) continue;
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  for (const [p, list] of byPath) {
    const additional = list.filter((e) => e.keyword === "additionalProperties");
    for (const e of additional) {
      const prop = String((e.params as { additionalProperty?: string }).additionalProperty);
      yield { key: `${p}/${prop}`, error: { ...doc.locate([...pathOf(p), prop], true), message: `unknown key '${prop}' (at ${p || "/"})${hint(p)}` } };
    }
    const rest = list.filter((e) => e.keyword !== "additionalProperties" && e.keyword !== "oneOf");
    const msgs = [...new Set(rest.map(describe))];
    if (msgs.length === 0 && list.some((e) => e.keyword === "oneOf")) msgs.push("does not match any allowed form");
    if (msgs.length === 0) continue;
    yield { key: p, error: { ...doc.locate(pathOf(p)), message: `${p || "/"}: ${msgs.join("; or ")}${hint(p)}` } };
  }
}

/** What a value means where users often guess wrong. */
function hint(pointer: string): string {
  const tick = /^\/steps\/\d+\/(tick-election|tick-heartbeat)$/.exec(pointer);
  if (tick !== null) return ` (${tick[1]} takes the id of the node to tick, not a count; to repeat it write '${tick[1]}: {node: N, times: K}')`;
  if (/^\/steps\/\d+\/stands_in_for\/\d+$/.test(pointer)) return " (stands_in_for names behaviours of spec/protocol.md §5.1 only)";
  if (/^\/steps\/\d+\/needs\/\d+$/.test(pointer)) return " (needs names behaviours of spec/protocol.md §5.1 only; a capability the whole trace depends on goes in 'features')";
  return "";
}

/** The "exactly one step key" part of the step schema (oneOf over `required`). */
function isStepShape(e: ErrorObject): boolean {
  return /^\/steps\/\d+$/.test(e.instancePath) && /\/oneOf(\/\d+\/required)?$/.test(e.schemaPath) && (e.keyword === "oneOf" || e.keyword === "required");
}

function describe(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `missing required key '${String(params["missingProperty"])}'`;
    case "enum":
      return `must be one of: ${(params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "const":
      return `must be ${JSON.stringify(params["allowedValue"])}`;
    case "type":
      return `expected ${String(params["type"])}`;
    case "pattern":
      return `must match ${String(params["pattern"])}`;
    case "not":
      return "has a combination of keys that is not allowed (e.g. both data and data_b64)";
    default:
      return `${e.message ?? e.keyword}`;
  }
}

function lookup(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = Array.isArray(cur) ? cur[Number(seg)] : (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
