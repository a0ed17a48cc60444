/**
 * Seeded random streams for Monte Carlo paths. Each path draws from its own stream, seeded from
 * (seed, pathIndex), so a path's values never depend on which worker ran it or on how many paths came
 * before it in that worker: any split of [0, runs) gives the same paths, bit for bit.
 */
import { Mulberry32 } from '../../stats/mulberry32.js';

/**
 * splitmix32 (the 32-bit variant of Steele, Lea & Flood's SplitMix finalizer, as in bryc's PRNG list):
 * a bijective mixer of a 32-bit integer, so distinct inputs give distinct outputs.
 */
export function splitmix32(x: number): number {
  let z = ((x | 0) + 0x9e3779b9) | 0;
  z ^= z >>> 16;
  z = Math.imul(z, 0x21f0aaad);
  z ^= z >>> 15;
  z = Math.imul(z, 0x735a2d97);
  z ^= z >>> 15;
  return z >>> 0;
}

/**
 * The seed of path `pathIndex` of a study seeded `seed`: splitmix32(splitmix32(seed) xor pathIndex).
 * For one seed it is a bijection of the path index (xor then a bijective mixer), so no two paths share
 * a stream start; the inner mix keeps nearby study seeds from giving overlapping path seeds.
 */
export function pathSeed(seed: number, pathIndex: number): number {
  return splitmix32((splitmix32(seed) ^ pathIndex) >>> 0);
}

/** A path's stream: mulberry32 (src/stats/mulberry32.ts) plus uniform indices. */
export class PathRng extends Mulberry32 {
  /**
   * A uniform integer in [0, n). floor(u * n) with a 32-bit u: its bias is below n / 2^32 (under 1e-4
   * for a million items), far under Monte Carlo error, and it costs one draw.
   */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}
