// Loading trace files: YAML with positions → schema → AST → semantic checks. Every problem comes
// back as a TraceError value; nothing a user wrote makes this throw.
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { TraceError } from "./errors.js";
import { schemaErrors } from "./schema.js";
import { semanticErrors } from "./semantic.js";
import { STEP_KINDS, type Behaviour, type Loc, type NodeConfigYaml, type Step, type StepKind, type Trace, type TraceSource, type Yaml, type YamlMap } from "./types.js";
import { binaryProblem } from "./text-guard.js";
import { MAX_TRACE_BYTES, parseYaml, tooLarge, type ParsedYaml } from "./yaml-doc.js";

export type LoadResult = { readonly ok: true; readonly trace: Trace } | { readonly ok: false; readonly errors: readonly TraceError[]; readonly id?: string | undefined };

export function loadTraceText(file: string, text: string): LoadResult {
  const parsed = parseYaml(file, text);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const doc = parsed.doc;
  const rawId = doc.value !== null && typeof doc.value === "object" && !Array.isArray(doc.value) ? (doc.value as YamlMap)["id"] : undefined;
  const id = typeof rawId === "string" ? rawId : undefined;
  const se = schemaErrors(doc);
  if (se.length > 0) return { ok: false, errors: se, id };
  const trace = toTrace(doc);
  const sem = semanticErrors(trace);
  if (sem.length > 0) return { ok: false, errors: sem, id };
  return { ok: true, trace };
}

export async function loadTraceFile(file: string): Promise<LoadResult> {
  try {
    const st = await stat(file);
    if (st.size > MAX_TRACE_BYTES) return { ok: false, errors: [tooLarge(file)] };
    const bytes = await readFile(file);
    const binary = binaryProblem(file, bytes);
    if (binary !== undefined) return { ok: false, errors: [binary] };
    return loadTraceText(file, bytes.toString("utf8"));
  } catch (e) {
    const code = (e as { code?: string }).code ?? "error";
    return { ok: false, errors: [{ file, line: 1, column: 1, message: `cannot read file (${code}): check that it exists and is readable` }] };
  }
}

/** Every *.yaml / *.yml under the given files and directories, sorted, without duplicates. */
export async function findTraceFiles(paths: readonly string[]): Promise<{ files: string[]; errors: TraceError[] }> {
  const files = new Set<string>();
  const errors: TraceError[] = [];
  const walk = async (p: string, named = false): Promise<void> => {
    let st;
    try {
      st = await stat(p);
    } catch {
      errors.push({ file: p, line: 1, column: 1, message: "no such file or directory" });
      return;
    }
    if (st.isDirectory()) {
      const names = (await readdir(p)).sort();
      for (const n of names) {
        if (n.startsWith(".")) continue;
        await walk(path.join(p, n));
      }
    } else if (/\.ya?ml$/.test(p)) {
      files.add(p);
    } else if (named) {
      // An explicitly named non-YAML file is a mistake; files found while walking are ignored.
      errors.push({ file: p, line: 1, column: 1, message: "not a trace file: traces are *.yaml or *.yml files (rename it, or name its directory)" });
    }
  };
  for (const p of paths) await walk(p, true);
  return { files: [...files].sort(), errors };
}

/** Loads files and flags ids used by more than one file (the later file, in path order, errors). */
export async function loadCorpus(files: readonly string[]): Promise<{ file: string; result: LoadResult }[]> {
  const out: { file: string; result: LoadResult }[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    let result = await loadTraceFile(file);
    if (result.ok) {
      const first = seen.get(result.trace.id);
      if (first !== undefined) {
        result = { ok: false, id: result.trace.id, errors: [{ ...result.trace.idLoc, message: `duplicate trace id '${result.trace.id}' (also used by ${first})` }] };
      } else {
        seen.set(result.trace.id, file);
      }
    }
    out.push({ file, result });
  }
  return out;
}

function toTrace(doc: ParsedYaml): Trace {
  const v = doc.value as YamlMap;
  const rawSteps = v["steps"] as readonly YamlMap[];
  const steps: Step[] = rawSteps.map((s, index) => {
    const kind = Object.keys(s).find((k) => (STEP_KINDS as readonly string[]).includes(k)) as StepKind;
    const loc = doc.locate(["steps", index, kind], true);
    const expectRaw = s["expect"] as readonly Yaml[] | undefined;
    const expect = expectRaw === undefined ? undefined : {
      events: expectRaw,
      locs: expectRaw.map((_, i): Loc => doc.locate(["steps", index, "expect", i])),
      loc: doc.locate(["steps", index, "expect"], true),
    };
    return {
      index,
      kind,
      args: s[kind] ?? null,
      loc,
      expect,
      outcome: s["outcome"] as "accepted" | "rejected" | undefined,
      sent: s["sent"] === undefined ? undefined : { messages: s["sent"] as YamlMap[], loc: doc.locate(["steps", index, "sent"], true) },
      needs: s["needs"] === undefined ? undefined : { behaviours: s["needs"] as Behaviour[], loc: doc.locate(["steps", index, "needs"], true) },
      standsInFor: s["stands_in_for"] === undefined ? undefined : { behaviours: s["stands_in_for"] as Behaviour[], loc: doc.locate(["steps", index, "stands_in_for"], true) },
      comment: s["comment"] as string | undefined,
    };
  });
  return {
    id: v["id"] as string,
    file: doc.file,
    description: v["description"] as string,
    source: v["source"] as TraceSource | undefined,
    features: (v["features"] as string[] | undefined) ?? [],
    notes: v["notes"] as string | undefined,
    seed: v["seed"] as number | undefined,
    defaults: (v["defaults"] as NodeConfigYaml | undefined) ?? {},
    steps,
    idLoc: doc.locate(["id"]),
  };
}
