/**
 * Random search: each dimension drawn independently and uniformly from a seeded mulberry32 stream, so the
 * same seed gives the same trials. A stepped range draws uniformly among its grid values.
 */
import { mulberry32 } from '../../data/synthetic.js';
import { dimensionSize, steppedValue, type Dimension, type ParamValue, type SearchSpace } from './space.js';
import type { Proposer } from './study.js';

/** One uniform draw of a dimension from `rand` (uniform in [0, 1)). */
export function sampleUniform(d: Dimension, rand: () => number): ParamValue {
  if (d.kind === 'values') return d.values[Math.floor(rand() * d.values.length)];
  const n = dimensionSize(d);
  if (n === undefined) return d.low + rand() * (d.high - d.low);
  return steppedValue(d, Math.floor(rand() * n));
}

export class RandomProposer implements Proposer {
  readonly size = undefined;
  private readonly rand: () => number;
  private readonly space: SearchSpace;

  constructor(space: SearchSpace, seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, not ${seed}`);
    this.space = space;
    this.rand = mulberry32(seed);
  }

  propose(): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    for (const d of this.space.dimensions) out[d.name] = sampleUniform(d, this.rand);
    return out;
  }
}
