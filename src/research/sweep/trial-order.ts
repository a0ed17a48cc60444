/**
 * The order a sweep runs its trials in, so that a thread's indicator cache keeps serving them. A grid walked
 * row by row reuses one parameter's indicators and recomputes the other's on every trial once the row is longer
 * than the cache holds (10,000 sma-cross trials: half the lookups missed). Walked in Z-order (Morton order) over
 * each parameter's rank, any run of consecutive trials forms a compact block of the grid: on a 100 x 100 grid,
 * any 64 consecutive trials need at most 24 distinct values, where row by row they need up to 66. Any number of
 * parameters, of any type, works the same way.
 */
import type { TrialInput } from './types.js';

/** Indices of `trials` in Z-order of their parameters' ranks; trials stay independent, so only the order changes. */
export function cacheFriendlyOrder(trials: readonly TrialInput[]): number[] {
  const order = trials.map((_, i) => i);
  if (trials.length < 3) return order;
  const names = Object.keys(trials[0].params);
  const ranks = names.map((name) => rankOf(trials.map((t) => t.params[name])));
  const key = (i: number) => ranks.map((r) => r[i]);
  const keys = order.map(key);
  return order.sort((a, b) => zCompare(keys[a], keys[b]) || a - b);
}

/** Each value's rank among the distinct values (numbers by size, anything else by first appearance). */
function rankOf(values: readonly unknown[]): number[] {
  const distinct = [...new Set(values)];
  if (distinct.every((v) => typeof v === 'number')) (distinct as number[]).sort((x, y) => x - y);
  const rank = new Map(distinct.map((v, k) => [v, k]));
  return values.map((v) => rank.get(v)!);
}

/**
 * Z-order compares the coordinates that differ in the most significant bit (Chan's comparison): no interleaved
 * code is built, so any number of dimensions fits.
 */
function zCompare(a: readonly number[], b: readonly number[]): number {
  let dim = 0;
  let highest = 0;
  for (let k = 0; k < a.length; k++) {
    const differ = a[k] ^ b[k];
    if (highest < differ && highest < (highest ^ differ)) {
      highest = differ;
      dim = k;
    }
  }
  return a[dim] - b[dim];
}

/** Runs `trials` in cacheFriendlyOrder and answers in their given order. */
export async function runInCacheOrder<T>(trials: readonly TrialInput[], run: (ordered: TrialInput[]) => Promise<T[]> | T[]): Promise<T[]> {
  const order = cacheFriendlyOrder(trials);
  const outputs = await run(order.map((i) => trials[i]));
  const given = new Array<T>(trials.length);
  order.forEach((i, k) => (given[i] = outputs[k]));
  return given;
}
