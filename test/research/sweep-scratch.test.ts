/**
 * Per-trial scratch (signal columns, order and trade logs reused from trial to trial) and the fused returns +
 * moments pass: a sweep's trials must give exactly what a backtest outside any scope gives.
 */
import { describe, expect, it } from 'vitest';
import { benchmarkBars } from '../../src/data/synthetic.js';
import { TrialScratch, scratchBytes, withTrialScratch } from '../../src/indicators/cache.js';
import { crossover, crossunder, sma } from '../../src/indicators/index.js';
import { allocateOrderLog } from '../../src/engine/logs.js';
import { returnsInOrder } from '../../src/engine/metrics.js';
import { blockStatsInto } from '../../src/research/overfitting/pbo.js';
import { equityReturnMoments, returnMoments } from '../../src/research/overfitting/sharpe-stats.js';
import { InThreadEvaluator, equityReturns, runTrial } from '../../src/research/sweep/index.js';
import type { SweepSpec } from '../../src/research/sweep/types.js';
import { runBacktest } from '../../src/strategies/backtest.js';
import { builtinStrategy } from '../../src/strategies/registry.js';
import { crossSignals } from '../../src/strategies/signals.js';
import { centralPowerSums } from '../../src/stats/moments.js';
import { Mulberry32 } from '../../src/stats/mulberry32.js';
import { oneByOneMoments } from '../helpers/moments.js';

const bars = benchmarkBars(6_000);

describe('TrialScratch', () => {
  it('hands distinct objects within a trial and the same ones to the next trial; allocates afresh outside', () => {
    const scratch = new TrialScratch();
    const [a, b] = withTrialScratch(scratch, () => [scratchBytes(100), scratchBytes(100)]);
    expect(a).not.toBe(b);
    const [c, d] = withTrialScratch(scratch, () => [scratchBytes(100), scratchBytes(100)]);
    expect(c).toBe(a);
    expect(d).toBe(b);
    // A shorter request is a view of the same memory; a longer one a new array.
    const shorter = withTrialScratch(scratch, () => scratchBytes(60));
    expect(shorter.length).toBe(60);
    expect(shorter.buffer).toBe(a.buffer);
    expect(withTrialScratch(scratch, () => scratchBytes(200)).length).toBe(200);
    expect(scratchBytes(100)).not.toBe(scratchBytes(100));
    // Logs come back emptied.
    const log = withTrialScratch(scratch, () => {
      const l = allocateOrderLog(10);
      l.count = 5;
      return l;
    });
    expect(withTrialScratch(scratch, () => allocateOrderLog(10))).toBe(log);
    expect(log.count).toBe(0);
  });

  it('crossSignals in a trial equals crossover/crossunder (whatever the buffers held before)', () => {
    const scratch = new TrialScratch();
    const close = bars.close;
    for (const [f, s] of [
      [5, 20],
      [3, 50],
      [10, 11],
    ]) {
      const fast = sma(close, f);
      const slow = sma(close, s);
      withTrialScratch(scratch, () => {
        const signals = crossSignals(fast, slow);
        expect(signals.entries).toEqual(crossover(fast, slow));
        expect(signals.exits).toEqual(crossunder(fast, slow));
        expect(signals.shortEntries).toBe(signals.exits);
      });
    }
  });
});

describe('runTrial with the per-trial scratch', () => {
  const strategy = builtinStrategy('sma-cross')!;
  const spec: SweepSpec = { strategy: 'sma-cross', sim: { feeRate: 0.001, direction: 'both', stopLoss: { kind: 'pct', value: 0.02 } }, periodsPerYear: 525_600, pboSplits: 4 };
  // Trade counts that go down and up again: a reused log holds stale rows past its count.
  const params = [
    { fast: 3, slow: 10 },
    { fast: 40, slow: 200 },
    { fast: 5, slow: 12 },
    { fast: 20, slow: 120 },
    { fast: 3, slow: 10 },
  ];

  it('gives the metrics, moments and blocks of a backtest outside any scope, trial after trial', async () => {
    const evaluator = new InThreadEvaluator();
    await evaluator.load([bars]);
    const out = await evaluator.run(spec, { from: 500, to: 6_000 }, params.map((p, number) => ({ number, params: p })));
    params.forEach((p, k) => {
      const alone = runBacktest(bars, { strategy, params: p, sim: spec.sim, periodsPerYear: spec.periodsPerYear, simulateFrom: 500 });
      expect(out[k].error).toBeUndefined();
      for (const [key, value] of Object.entries(out[k].metrics)) {
        const expected = alone.metrics[key as keyof typeof alone.metrics];
        expect(value, `${key} of ${JSON.stringify(p)}`).toBe(typeof expected === 'number' && Number.isFinite(expected) ? expected : null);
      }
      const returns = equityReturns(alone.result.equity);
      expect(out[k].moments).toEqual(returnMoments(returns));
      const blocks = new Float64Array(8);
      blockStatsInto(returns, 4, blocks, blocks.subarray(4));
      expect(out[k].blocks).toEqual(blocks);
    });
    expect(new Set(out.map((o) => o.metrics.tradeCount)).size).toBeGreaterThan(3);
    expect(out[4]).toEqual({ ...out[0], number: 4 });
  });

  it('leaves nothing in scope for a backtest after the trial', () => {
    runTrial(strategy, [bars], spec, { from: 0, to: 6_000 }, { number: 0, params: params[0] });
    const fast = sma(bars.close, 5);
    expect(crossSignals(fast, sma(bars.close, 20)).entries).not.toBe(crossSignals(fast, sma(bars.close, 20)).entries);
  });
});

describe('a trial reuses the returns its metrics computed', () => {
  const withGap = (() => {
    // A missing close while a position is open: that bar's equity, and so two returns, are not finite.
    const close = bars.close.slice();
    close[3_000] = NaN;
    return { ...bars, close };
  })();
  const params = [
    { fast: 3, slow: 10 },
    { fast: 40, slow: 200 },
    { fast: 10, slow: 50 },
  ];

  it('only when the metrics pass over the equity and leave the returns in bar order', () => {
    expect(returnsInOrder(['sharpe', 'tradeCount'])).toBe(true);
    expect(returnsInOrder(['maxDrawdownPct'])).toBe(true);
    expect(returnsInOrder(['finalEquity', 'tradeCount'])).toBe(false);
    expect(returnsInOrder(['sharpe', 'valueAtRisk95Pct'])).toBe(false);
    expect(returnsInOrder(undefined)).toBe(false);
  });

  it('gives the moments, blocks and refusals of a trial that computes them from the equity itself', async () => {
    for (const series of [bars, withGap]) {
      const evaluator = new InThreadEvaluator();
      await evaluator.load([series]);
      for (const moments of [true, false]) {
        const base = { strategy: 'sma-cross', sim: { feeRate: 0.001, direction: 'both' as const }, periodsPerYear: 525_600, pboSplits: 4, moments };
        const trials = params.map((p, number) => ({ number, params: p }));
        const reusing = await evaluator.run({ ...base, metrics: ['sharpe', 'tradeCount'] }, { from: 200, to: 6_000 }, trials);
        const own = await evaluator.run({ ...base, metrics: ['finalEquity', 'tradeCount'] }, { from: 200, to: 6_000 }, trials);
        reusing.forEach((r, k) => {
          expect(r.moments).toEqual(own[k].moments);
          expect(r.blocks).toEqual(own[k].blocks);
          expect(r.error).toBe(own[k].error);
        });
        if (series === withGap) expect(own.every((o) => o.error !== undefined)).toBe(true);
        else {
          expect(own.every((o) => o.error === undefined && o.blocks !== undefined)).toBe(true);
          // And both are the statistics of the returns of the equity, computed here by hand.
          const alone = runBacktest(series, { strategy: builtinStrategy('sma-cross')!, params: params[0], sim: base.sim, periodsPerYear: 525_600, simulateFrom: 200 });
          const returns = Float64Array.from({ length: alone.result.equity.length - 1 }, (_, i) => alone.result.equity[i + 1] / alone.result.equity[i] - 1);
          if (moments) expect(reusing[0].moments).toEqual(returnMoments(returns));
          const blocks = new Float64Array(8);
          blockStatsInto(returns, 4, blocks, blocks.subarray(4));
          expect(reusing[0].blocks).toEqual(blocks);
        }
      }
    }
  });
});

describe('the moments passes', () => {
  const stream = new Mulberry32(11);
  const rand = () => stream.next();
  const walk = (n: number) => {
    const equity = new Float64Array(n);
    let v = 1000;
    for (let i = 0; i < n; i++) equity[i] = v *= 1 + (rand() - 0.49) * 0.02;
    return equity;
  };

  it('equityReturnMoments = returnMoments(equityReturns) exactly, and writes the returns; odd and even counts', () => {
    for (const n of [3, 4, 1001, 1002]) {
      const equity = walk(n);
      const returns = new Float64Array(n + 5).fill(7);
      expect(equityReturnMoments(equity, returns)).toEqual(returnMoments(equityReturns(equity)));
      expect(returns.subarray(0, n - 1)).toEqual(equityReturns(equity));
    }
    const flat = new Float64Array(10).fill(5);
    expect(equityReturnMoments(flat, new Float64Array(9))).toMatchObject({ mean: 0, std: 0, sharpe: 0, skewness: 0, kurtosis: 3 });
    expect(() => equityReturnMoments(Float64Array.from([1, 2, 3]), new Float64Array(1))).toThrow(/must hold the 2 returns/);
    expect(() => equityReturnMoments(Float64Array.from([1, NaN, 3, 4]), new Float64Array(3))).toThrow(/finite/);
  });

  it('centralPowerSums equals one-by-one summation to rounding, odd and even counts', () => {
    for (const n of [0, 1, 2, 7, 10_000, 10_001]) {
      const values = Array.from({ length: n }, () => rand() * 2 - 1);
      const { mean, m2, m3, m4 } = oneByOneMoments(values);
      const out = new Float64Array(3);
      centralPowerSums(values, n, mean, out);
      expect(out[0]).toBeCloseTo(m2, 10);
      expect(out[1]).toBeCloseTo(m3, 10);
      expect(out[2]).toBeCloseTo(m4, 10);
      if (n === 7) expect(out[0]).not.toBe(0);
    }
  });
});
