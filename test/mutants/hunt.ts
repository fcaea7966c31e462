// Hunts one mutant: first the corpus (every trace that passes on the reference core), then a
// bounded exploration. Shared by `npm run bugs` and the vitest catalogue test.
import { performance } from "node:perf_hooks";
import type { Driver } from "../../src/driver/types.js";
import { explore } from "../../src/explore/explore.js";
import { runCorpus } from "../../src/harness/run.js";
import type { TraceResult } from "../../src/report/types.js";
import type { Mutant } from "./catalogue.js";
import { buildMutant } from "./load.js";

export interface HuntOptions {
  /** Trace files or directories of the corpus. */
  readonly corpus: readonly string[];
  /** Trace ids that fail on the reference core (not evidence against a mutant). */
  readonly referenceFailures: ReadonlySet<string>;
  readonly seed: number;
  readonly maxOps: number;
  /** Wall-clock budget for exploration (ms), shrinking included. */
  readonly exploreMs: number;
  readonly shrinkMs: number;
  /** Where found traces are written (undefined: not written). */
  readonly outDir?: string | undefined;
  readonly skipCorpus?: boolean | undefined;
}

export interface HuntResult {
  readonly mutant: string;
  /** "trace <id>" or "seed <n> (<invariant>)", undefined when the mutant survived. */
  readonly caughtBy?: string | undefined;
  readonly file?: string | undefined;
  readonly ms: number;
}

export async function referenceFailures(corpus: readonly string[]): Promise<Set<string>> {
  const results = await referenceResults(corpus);
  return new Set(results.filter((r) => r.status === "failed" || r.status === "errored").map((r) => r.id));
}

async function passingOnReference(files: readonly string[]): Promise<Set<string>> {
  const results = await referenceResults(files);
  return new Set(results.filter((r) => r.status === "passed").map((r) => r.id));
}

/** One trace of a corpus against one mutant (`npm run bugs -- --corpus DIR`). */
export interface TraceVerdict {
  readonly id: string;
  readonly file: string;
  /** caught: the trace fails or errors on the mutant; missed: it passes; skipped: it did not run. */
  readonly verdict: "caught" | "missed" | "skipped";
  /** How it failed (step, line, first line of the message), or why it was skipped. */
  readonly detail?: string | undefined;
}

/** The corpus's traces, each run on the reference core (exact level, seed 1): id → result. */
export async function referenceResults(corpus: readonly string[]): Promise<readonly TraceResult[]> {
  const { createInProcessDriver } = await import("../../src/driver/inprocess.js");
  return (await runCorpus({ paths: [...corpus], driverFactory: createInProcessDriver, level: "exact", seed: 1 })).results;
}

/**
 * Every trace of the corpus against one mutant, at the exact level with seed 1. Only traces in
 * `usable` (those that pass on the reference core) are run: a trace failing on correct code is no
 * evidence against a bug.
 */
export async function mutantVerdicts(m: Mutant, usable: readonly TraceResult[]): Promise<TraceVerdict[]> {
  if (usable.length === 0) return [];
  const built = buildMutant(m);
  try {
    const mod = (await import(/* @vite-ignore */ built.driverUrl)) as { createInProcessDriver: () => Driver };
    const { results } = await runCorpus({ paths: usable.map((r) => r.file), driverFactory: mod.createInProcessDriver, level: "exact", seed: 1 });
    return results.map((r): TraceVerdict => {
      if (r.status === "passed") return { id: r.id, file: r.file, verdict: "missed" };
      if (r.status === "skipped") return { id: r.id, file: r.file, verdict: "skipped", detail: r.reason };
      const f = r.failure;
      const first = (f?.message ?? r.reason ?? r.status).split("\n")[0] ?? "";
      return { id: r.id, file: r.file, verdict: "caught", detail: f === undefined ? first : `line ${f.line}: ${first}` };
    });
  } finally {
    built.dispose();
  }
}

export async function hunt(m: Mutant, o: HuntOptions): Promise<HuntResult> {
  const started = performance.now();
  const built = buildMutant(m);
  try {
    const mod = (await import(/* @vite-ignore */ built.driverUrl)) as { createInProcessDriver: () => Driver };
    if (o.skipCorpus !== true) {
      const { results } = await runCorpus({ paths: [...o.corpus], driverFactory: mod.createInProcessDriver, level: "exact", seed: 1 });
      const hits = results.filter((r) => (r.status === "failed" || r.status === "errored") && !o.referenceFailures.has(r.id));
      // The corpus may have changed since the reference was run: confirm each hit passes there.
      const confirmed = hits.length === 0 ? new Set<string>() : await passingOnReference(hits.map((r) => r.file));
      const hit = hits.find((r) => confirmed.has(r.id));
      if (hit !== undefined) return { mutant: m.id, caughtBy: `trace ${hit.id}`, ms: performance.now() - started };
    }
    const summary = await explore({
      seed: o.seed,
      runs: 1_000_000,
      driver: { kind: "module", url: built.driverUrl },
      workers: 1,
      timeLimitMs: o.exploreMs,
      stopOnFirst: true,
      write: o.outDir !== undefined,
      seedOptions: { maxOps: o.maxOps, outDir: o.outDir ?? "traces/regressions", tool: { version: "mutant", commit: "0".repeat(40) }, shrinkMs: o.shrinkMs, label: m.id },
    });
    const f = summary.found[0];
    const ms = performance.now() - started;
    if (f?.found === undefined) return { mutant: m.id, ms };
    return { mutant: m.id, caughtBy: `seed ${f.seed} (${f.found.violation.invariant}, ${f.found.steps} steps)`, file: f.path, ms };
  } finally {
    built.dispose();
  }
}
