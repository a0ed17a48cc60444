import { describe, expect, it } from 'vitest';
import { benchmarkBars } from '../../src/data/synthetic.js';
import { IndicatorCache, withIndicatorCache } from '../../src/indicators/cache.js';
import { builtinStrategy } from '../../src/strategies/registry.js';
import { InThreadEvaluator, runTrial, type SweepSpec, type TrialInput } from '../../src/research/sweep/index.js';
import { cacheFriendlyOrder } from '../../src/research/sweep/trial-order.js';

const grid = (fasts: number, slows: number): TrialInput[] => {
  const trials: TrialInput[] = [];
  for (let f = 0; f < fasts; f++) for (let s = 0; s < slows; s++) trials.push({ number: trials.length, params: { fast: 2 + f, slow: 60 + 2 * s } });
  return trials;
};
/** The most distinct fast plus slow values any `size` consecutive trials of `order` need. */
const widest = (trials: readonly TrialInput[], order: readonly number[], size: number) => {
  let most = 0;
  for (let i = 0; i + size <= order.length; i += size) {
    const block = order.slice(i, i + size).map((k) => trials[k].params);
    most = Math.max(most, new Set(block.map((p) => p.fast)).size + new Set(block.map((p) => p.slow)).size);
  }
  return most;
};

describe('the order a sweep runs its trials in', () => {
  it('is a permutation, and any 64 consecutive trials of a 100 x 100 grid need at most 24 values (row by row: 66)', () => {
    const trials = grid(100, 100);
    const order = cacheFriendlyOrder(trials);
    expect([...order].sort((a, b) => a - b)).toEqual(trials.map((_, i) => i));
    expect(widest(trials, order, 64)).toBeLessThanOrEqual(24);
    expect(widest(trials, trials.map((_, i) => i), 64)).toBe(66);
  });

  it('orders three parameters, text and booleans too, by their ranks', () => {
    const trials: TrialInput[] = [];
    for (const side of ['long', 'short']) for (const on of [true, false]) for (let n = 0; n < 4; n++) trials.push({ number: trials.length, params: { n: 10 - n, side, on } });
    const order = cacheFriendlyOrder(trials);
    expect(new Set(order).size).toBe(trials.length);
    // Z-order visits the lowest ranks of every dimension first: n = 10 (rank 3 when sorted) is not first.
    expect(trials[order[0]].params).toEqual({ n: 7, side: 'long', on: true });
  });

  it('changes no result: a shuffled sweep answers in its own order with what each trial gives alone', async () => {
    const bars = [benchmarkBars(3_000)];
    const spec: SweepSpec = { strategy: 'sma-cross', sim: { fill: 'close', feeRate: 0.001 }, periodsPerYear: 525_600, pboSplits: 4 };
    const trials = grid(12, 12).map((t, i, all) => all[(i * 97) % all.length]);
    const evaluator = new InThreadEvaluator();
    await evaluator.load(bars);
    const got = await evaluator.run(spec, { from: 0, to: 3_000 }, trials);
    const strategy = builtinStrategy('sma-cross')!;
    expect(got).toEqual(trials.map((t) => runTrial(strategy, bars, spec, { from: 0, to: 3_000 }, t)));
  });

  it('leaves a worker-sized indicator cache fewer misses than the grid row by row', async () => {
    const bars = [benchmarkBars(20_000)];
    const spec: SweepSpec = { strategy: 'sma-cross', sim: {}, periodsPerYear: 525_600, metrics: ['finalEquity'], pboSplits: 0 };
    const trials = grid(30, 30);
    const bytes = 20 * 20_000 * 8; // room for 20 lines, as a worker's default cache holds at 100,000 bars
    const evaluator = new InThreadEvaluator({ indicatorCacheBytes: bytes });
    await evaluator.load(bars);
    await evaluator.run(spec, { from: 0, to: 20_000 }, trials);
    const rowByRow = new IndicatorCache(bytes);
    const strategy = builtinStrategy('sma-cross')!;
    withIndicatorCache(rowByRow, () => trials.forEach((t) => runTrial(strategy, bars, spec, { from: 0, to: 20_000 }, t)));
    // Measured: 418 misses row by row, 303 in this order; each of the 60 lines must be computed once at least.
    expect(evaluator.indicatorCache.stats.misses).toBeGreaterThanOrEqual(60);
    expect(evaluator.indicatorCache.stats.misses).toBeLessThan(rowByRow.stats.misses * 0.8);
  });
});
