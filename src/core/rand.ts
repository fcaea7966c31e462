// A small seeded PRNG (mulberry32) so the core stays deterministic: the same seed yields the same
// randomized election timeouts on every run and platform. Not for anything security-related.

export class Rand {
  private state: number;

  /** seed may be any non-negative integer up to 2^53; both 32-bit halves feed the state. */
  constructor(seed: number) {
    const low = seed >>> 0;
    const high = Math.floor(seed / 0x1_0000_0000) >>> 0;
    // Mix the halves so that ids differing only in their high bits get different streams.
    this.state = (low ^ Math.imul(high ^ 0x9e3779b9, 0x85ebca6b)) >>> 0;
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n); n must be a positive integer no larger than 2^32. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x1_0000_0000) {
      throw new Error(`Rand.nextInt: n must be an integer in [1, 2^32], got ${n}`);
    }
    // Multiply-shift maps 32 random bits onto [0, n) without a modulo's clustering.
    return Math.floor((this.nextUint32() * n) / 0x1_0000_0000);
  }
}
