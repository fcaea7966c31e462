// Small statistics and timing helpers shared by the benchmarks.
import { performance } from "node:perf_hooks";

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall and CPU milliseconds of this process spent in `f` (CPU: user + system, all threads). */
export async function timed(f) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000, value };
}

/**
 * Runs `a` and `b` alternately (A B A B …) `runs` times after `warmup` unrecorded pairs, so drift
 * in a shared machine's load hits both sides alike. Each side returns a sample object.
 */
export async function interleave(runs, warmup, a, b, log = () => {}) {
  const as = [];
  const bs = [];
  for (let i = 0; i < warmup + runs; i++) {
    const ra = await a(i);
    const rb = await b(i);
    if (i >= warmup) {
      as.push(ra);
      bs.push(rb);
    }
    log(i < warmup ? `warmup ${i + 1}` : `run ${i - warmup + 1}/${runs}`, ra, rb);
  }
  return [as, bs];
}

/** Medians of every numeric field of the samples. */
export function medians(samples) {
  const out = {};
  for (const k of Object.keys(samples[0] ?? {})) {
    if (typeof samples[0][k] === "number") out[k] = round(median(samples.map((s) => s[k])));
  }
  return out;
}

export function round(x, digits = 3) {
  if (!Number.isFinite(x)) return x;
  const p = 10 ** Math.max(0, digits - Math.max(0, Math.floor(Math.log10(Math.abs(x) || 1)) + 1) + 1);
  return Math.round(x * p) / p;
}
