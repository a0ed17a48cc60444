import type { PathRng } from './rng.js';

/** Fill `out` with draws from `source`, uniformly and independently with replacement (iid bootstrap). */
export function bootstrapInto(source: Float64Array, out: Float64Array, rng: PathRng): void {
  const n = source.length;
  for (let i = 0; i < out.length; i++) out[i] = source[rng.below(n)];
}
