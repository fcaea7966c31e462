// The exploration loop: run k of `runs` explores seed `seed + k`. `--shard i/n` keeps the runs
// with k ≡ i-1 (mod n), the way `run` splits traces; the runs of a shard are dealt round-robin to
// worker threads. Every seed is explored on its own, so a result depends only on its seed, never
// on the worker or shard that ran it. Files are written by the main thread only.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { DriverSpec } from "./driver-spec.js";
import type { SeedOptions, SeedResult } from "./seed.js";
import { exploreBatch, type SeedBatch } from "./seeds.js";

export interface ExploreOptions {
  readonly seed: number;
  readonly runs: number;
  readonly driver: DriverSpec;
  /** Differential exploration: compare every schedule's run on `driver` with one on this driver. */
  readonly against?: DriverSpec | undefined;
  readonly seedOptions: Omit<SeedOptions, "now">;
  readonly workers: number;
  readonly shard?: { readonly index: number; readonly count: number } | undefined;
  /** Wall-clock limit for starting new seeds (ms). */
  readonly timeLimitMs?: number | undefined;
  readonly stopOnFirst?: boolean | undefined;
  /** Write found traces under seedOptions.outDir (default true). */
  readonly write?: boolean | undefined;
}

export interface ExploreSummary {
  readonly runs: number;
  readonly events: number;
  readonly found: readonly (SeedResult & { readonly path?: string | undefined })[];
  /** Runs that ended quietly at a known finding, per invariant. */
  readonly stopped: ReadonlyMap<string, number>;
}

/** The seeds this shard explores, in order. */
export function shardSeeds(seed: number, runs: number, shard: ExploreOptions["shard"]): number[] {
  const out: number[] = [];
  for (let k = 0; k < runs; k++) {
    if (shard === undefined || k % shard.count === shard.index) out.push(seed + k);
  }
  return out;
}

/** Worker threads need the compiled worker; from TypeScript sources (tests) exploration stays in this thread. */
function workerUrl(): URL | undefined {
  const url = new URL("./worker.js", import.meta.url);
  return import.meta.url.endsWith(".js") ? url : undefined;
}

export async function explore(opts: ExploreOptions, onSeed?: (r: SeedResult, file?: string) => void): Promise<ExploreSummary> {
  const seeds = shardSeeds(opts.seed, opts.runs, opts.shard);
  const deadline = opts.timeLimitMs === undefined ? undefined : Date.now() + opts.timeLimitMs;
  const found: (SeedResult & { path?: string })[] = [];
  let runs = 0;
  let events = 0;
  let stop = false;
  const stopped = new Map<string, number>();
  const record = (r: SeedResult): boolean => {
    runs++;
    events += r.events;
    if (r.stoppedAt !== undefined) stopped.set(r.stoppedAt, (stopped.get(r.stoppedAt) ?? 0) + 1);
    let file: string | undefined;
    if (r.found !== undefined) {
      if (opts.write !== false) {
        mkdirSync(opts.seedOptions.outDir, { recursive: true });
        file = path.join(opts.seedOptions.outDir, r.found.fileName);
        writeFileSync(file, r.found.text);
      }
      found.push({ ...r, ...(file !== undefined ? { path: file } : {}) });
      if (opts.stopOnFirst === true) stop = true;
    }
    onSeed?.(r, file);
    return stop;
  };

  const workers = Math.max(1, Math.min(opts.workers, seeds.length));
  const url = workerUrl();
  // Polling for a driver's answers pays only while one driver runs at a time (src/driver/poll.ts).
  const single = (workers === 1 || url === undefined) && opts.against === undefined;
  const noPoll = (d: DriverSpec): DriverSpec => (d.kind === "stdio" && !single ? { ...d, poll: false } : d);
  const driver = noPoll(opts.driver);
  const against = opts.against === undefined ? undefined : noPoll(opts.against);
  if (workers === 1 || url === undefined) {
    await exploreBatch({ seeds, driver, against, seedOptions: opts.seedOptions, deadline }, record);
  } else {
    await Promise.all(
      Array.from({ length: workers }, (_, w) => {
        const batch: SeedBatch = { seeds: seeds.filter((_, i) => i % workers === w), driver, against, seedOptions: opts.seedOptions, deadline };
        return runWorker(url, batch, record);
      }),
    );
  }
  found.sort((a, b) => a.seed - b.seed);
  return { runs, events, found, stopped: new Map([...stopped].sort(([a], [b]) => a.localeCompare(b))) };
}

function runWorker(url: URL, batch: SeedBatch, record: (r: SeedResult) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const w = new Worker(url, { workerData: batch });
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      void w.terminate().then(() => (err === undefined ? resolve() : reject(err)));
    };
    w.on("message", (m: { type: "result"; result: SeedResult } | { type: "done" } | { type: "error"; message: string }) => {
      if (m.type === "result") {
        if (record(m.result)) finish();
      } else if (m.type === "done") {
        finish();
      } else {
        finish(new Error(m.message));
      }
    });
    w.on("error", (e) => finish(e));
    w.on("exit", () => finish());
  });
}
