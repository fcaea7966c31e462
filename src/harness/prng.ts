// The run's one source of randomness (splitmix32-style). Every harness choice draws from a stream
// derived from the seed, so a run is reproduced from its seed alone.

export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
  /** Uniform integer in [0, n). */
  below(n: number): number {
    return n <= 1 ? 0 : this.nextU32() % n;
  }
  /** An independent stream for a named purpose (e.g. one node's election timeouts). */
  derive(...salt: number[]): Prng {
    let s = this.state ^ 0x5bd1e995;
    for (const x of salt) s = (Math.imul(s ^ (x >>> 0), 0x01000193) + 0x7f4a7c15) >>> 0;
    return new Prng(new Prng(s).nextU32());
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = xs[i] as T;
      xs[i] = xs[j] as T;
      xs[j] = t;
    }
    return xs;
  }
}
