import type { PathRng } from './rng.js';

/**
 * Fill `out` with a uniformly random permutation of `source` (Fisher-Yates). `out` is refilled from
 * `source` first, so each path's order depends only on its own stream, not on the previous path.
 */
export function permuteInto(source: Float64Array, out: Float64Array, rng: PathRng): void {
  out.set(source);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
}
