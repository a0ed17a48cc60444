import { describe, expect, it } from 'vitest';
import { equityReturnMoments, returnMoments } from '../../src/research/overfitting/sharpe-stats.js';
import { equityReturns } from '../../src/research/sweep/in-thread.js';

describe('a sweep trial\'s per-bar returns follow the metrics\' definition (docs/metrics.md)', () => {
  // Equity at 0 for two bars: the return after a bar with no capital is 0, never NaN or Infinity (which would
  // fail the trial). The definition holds for any curve, not only those the engine makes.
  const equity = new Float64Array([100, 50, 0, 0, 10, 20]);
  const byHand = [-0.5, -1, 0, 0, 1];

  it('equityReturns gives 0 after a bar with equity <= 0', () => {
    expect(Array.from(equityReturns(equity))).toEqual(byHand);
  });

  it('equityReturnMoments equals returnMoments of the hand-written returns, and writes them', () => {
    const returns = new Float64Array(5);
    const moments = equityReturnMoments(equity, returns);
    expect(Array.from(returns)).toEqual(byHand);
    const reference = returnMoments(byHand);
    expect(moments.count).toBe(5);
    for (const key of ['mean', 'std', 'sharpe', 'skewness', 'kurtosis'] as const) expect(moments[key]).toBeCloseTo(reference[key], 12);
  });
});
