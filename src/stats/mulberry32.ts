/**
 * mulberry32, the PRNG the standard benchmark names (so any language reproduces its series bit for bit), as
 * a reseedable object: the benchmark data and every Monte Carlo path draw from this one implementation, and
 * reseeding a path allocates nothing.
 */
export class Mulberry32 {
  private state: number;

  constructor(seed = 0) {
    this.state = seed >>> 0;
  }

  /** Restart the stream at `seed` (taken modulo 2^32). */
  reset(seed: number): void {
    this.state = seed >>> 0;
  }

  /** A uniform number in [0, 1) with 32 bits of resolution. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
