/**
 * Grid search: every combination of the dimensions' values, in a fixed order — the first dimension varies
 * slowest, the last fastest (nested loops in declaration order), so trial k is always the same point.
 */
import { checkGridSize, dimensionValues, type ParamValue, type SearchSpace } from './space.js';
import type { Proposer } from './study.js';

export class GridProposer implements Proposer {
  readonly size: number;
  private readonly names: string[];
  private readonly values: ParamValue[][];
  private next = 0;

  /** Refuses (one sentence) a continuous dimension, or a grid over 1,000,000 points unless allowLarge. */
  constructor(space: SearchSpace, allowLarge = false) {
    this.size = checkGridSize(space, allowLarge);
    this.names = space.dimensions.map((d) => d.name);
    this.values = space.dimensions.map((d) => dimensionValues(d));
  }

  /** The grid point with this index (0 <= index < size). */
  point(index: number): Record<string, ParamValue> {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new RangeError(`grid index ${index} is outside 0..${this.size - 1}`);
    const out: Record<string, ParamValue> = {};
    let rest = index;
    for (let d = this.names.length - 1; d >= 0; d--) {
      const n = this.values[d].length;
      out[this.names[d]] = this.values[d][rest % n];
      rest = Math.floor(rest / n);
    }
    // Keep the declaration order of keys for stable display and JSON.
    const ordered: Record<string, ParamValue> = {};
    for (const name of this.names) ordered[name] = out[name];
    return ordered;
  }

  propose(): Record<string, ParamValue> | undefined {
    if (this.next >= this.size) return undefined;
    return this.point(this.next++);
  }
}
