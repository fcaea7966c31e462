// Loading a baseline file (spec/baseline.schema.json): YAML with line numbers, checked against the
// schema on load, plus the one rule a schema cannot say (an id listed twice). Every problem is
// reported as file:line: message, so a bad baseline reads like a bad trace.
import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { LineCounter, parseDocument } from "yaml";
import { offsetOf } from "../trace/yaml-doc.js";
import baselineSchema from "../../spec/baseline.schema.json" with { type: "json" };

export interface BaselineEntry {
  readonly id: string;
  readonly reason: string;
  /** Link to the upstream PR or commit that explains the difference. */
  readonly change: string;
  /** The outcome the difference produces. */
  readonly status: "failed" | "errored";
  /** 1-based line of the entry in its file. */
  readonly line: number;
}

/** The exploration findings that are errors, not invariants: known as a whole or by `message`. */
export const ERROR_FINDINGS: readonly string[] = ["driver-error", "harness-error"];

/** A known exploration finding: violations of `invariant` found by `explore` on the implementation. */
export interface ExplorationEntry {
  readonly invariant: string;
  readonly reason: string;
  readonly change: string;
  readonly trace?: string | undefined;
  /**
   * The defect leaves the cluster's state sound, so an exploration run goes on past it (the
   * invariant is not judged for the run). Otherwise a run stops at the first violation of the
   * invariant, since what follows may be its consequences.
   */
  readonly continue: boolean;
  /**
   * For `driver-error` / `harness-error`: only an error whose message or details contain this text
   * is the finding (e.g. the source line of a known panic); any other is judged as usual.
   */
  readonly message?: string | undefined;
  readonly line: number;
}

export interface Baseline {
  readonly file: string;
  readonly implementation?: string | undefined;
  readonly entries: readonly BaselineEntry[];
  readonly exploration: readonly ExplorationEntry[];
}

/** A baseline file that cannot be used; `problems` are `file:line: message` lines. */
export class BaselineError extends Error {
  override readonly name = "BaselineError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

const validate = new Ajv2020({ allErrors: true, strict: true, verbose: true }).compile(baselineSchema);

/** Baselines are short lists; aliases are allowed (a shared reason) but bounded. */
const MAX_ALIAS_COUNT = 1000;

export function loadBaselineFile(file: string): Baseline {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new BaselineError([`${file}: cannot read the baseline: ${e instanceof Error ? e.message : String(e)}`]);
  }
  return parseBaseline(file, text);
}

export function parseBaseline(file: string, text: string): Baseline {
  const lc = new LineCounter();
  const lineAt = (offset: number): number => lc.linePos(offset).line;
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const yamlErrors = [...doc.errors, ...doc.warnings];
  if (yamlErrors.length > 0) {
    throw new BaselineError(yamlErrors.map((e) => `${file}:${lineAt(e.pos[0])}: YAML: ${firstLine(e.message)}`));
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    throw new BaselineError([`${file}:1: YAML: ${firstLine(e instanceof Error ? e.message : String(e))}`]);
  }
  const locate = (pointer: string): number => lineAt(offsetOf(doc.contents, pathOf(pointer)));
  if (!validate(value)) {
    throw new BaselineError(schemaProblems(validate.errors ?? []).map((e) => `${file}:${locate(e.at)}: ${e.message}`));
  }
  const raw = value as {
    implementation?: string;
    entries: { id: string; reason: string; change: string; status?: "failed" | "errored" }[];
    exploration?: { invariant: string; reason: string; change: string; trace?: string; continue?: boolean; message?: string }[];
  };
  const entries: BaselineEntry[] = raw.entries.map((e, i) => ({
    id: e.id,
    reason: e.reason.trim(),
    change: e.change,
    status: e.status ?? "failed",
    line: locate(`/entries/${i}`),
  }));
  const firstLineOf = new Map<string, number>();
  const duplicates: string[] = [];
  for (const e of entries) {
    const first = firstLineOf.get(e.id);
    if (first === undefined) firstLineOf.set(e.id, e.line);
    else duplicates.push(`${file}:${e.line}: trace ${e.id} is already listed at line ${first}`);
  }
  const exploration: ExplorationEntry[] = (raw.exploration ?? []).map((e, i) => ({
    invariant: e.invariant,
    reason: e.reason.trim(),
    change: e.change,
    ...(e.trace !== undefined ? { trace: e.trace } : {}),
    continue: e.continue === true,
    ...(e.message !== undefined ? { message: e.message } : {}),
    line: locate(`/exploration/${i}`),
  }));
  const firstExplorationLine = new Map<string, number>();
  for (const e of exploration) {
    if (e.message !== undefined && !ERROR_FINDINGS.includes(e.invariant)) {
      duplicates.push(`${file}:${e.line}: exploration finding ${e.invariant}: \`message\` applies to driver-error and harness-error only (an invariant is known as a whole)`);
    }
    // Errors may be listed once per message (each a known crash of its own).
    const key = e.message === undefined ? e.invariant : `${e.invariant}\u0000${e.message}`;
    const first = firstExplorationLine.get(key);
    if (first === undefined) firstExplorationLine.set(key, e.line);
    else duplicates.push(`${file}:${e.line}: exploration finding ${e.invariant}${e.message !== undefined ? ` (${e.message})` : ""} is already listed at line ${first}`);
  }
  if (duplicates.length > 0) throw new BaselineError(duplicates);
  return { file, implementation: raw.implementation, entries, exploration };
}

/** The deepest, most specific schema errors, one message per location. */
function schemaProblems(errors: readonly ErrorObject[]): { at: string; message: string }[] {
  const out = new Map<string, string>();
  for (const e of errors) {
    const at = e.keyword === "additionalProperties"
      ? `${e.instancePath}/${String((e.params as { additionalProperty?: unknown }).additionalProperty)}`
      : e.instancePath;
    if (!out.has(at)) out.set(at, `${at || "/"}: ${describe(e)}`);
  }
  return [...out].map(([at, message]) => ({ at, message }));
}

function describe(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `missing required key '${String(params["missingProperty"])}'`;
    case "additionalProperties":
      return `unknown key (allowed: ${allowedKeys(e)})`;
    case "enum":
      return `must be one of: ${(params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "pattern":
      return e.instancePath.endsWith("/change")
        ? "must link to a GitHub pull request, commit or issue (https://github.com/owner/repo/pull/N or /commit/SHA), or to a source line at a pinned commit (/blob/<40-hex SHA>/path#Lnn)"
        : `must match ${String(params["pattern"])}`;
    case "minLength":
      return `is too short (at least ${String(params["limit"])} characters)`;
    case "type":
      return `expected ${String(params["type"])}`;
    default:
      return e.message ?? e.keyword;
  }
}

function allowedKeys(e: ErrorObject): string {
  const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  return Object.keys(props).join(", ");
}

function pathOf(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function firstLine(s: string): string {
  return (s.split("\n")[0] ?? s).trim();
}
