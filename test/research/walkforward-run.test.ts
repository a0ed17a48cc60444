import { describe, expect, it } from 'vitest';
import { sliceBars, type Bars } from '../../src/data/bars.js';
import { computeMetrics } from '../../src/engine/metrics.js';
import { parseConstraint } from '../../src/research/optimize/objective.js';
import type { SearchSettings } from '../../src/research/optimize/types.js';
import { strategyCheck, type SearchSpace } from '../../src/research/search/index.js';
import { createEvaluator } from '../../src/research/sweep/index.js';
import { parameterStability } from '../../src/research/walkforward/stability.js';
import { stitchEquity } from '../../src/research/walkforward/stitch.js';
import { runWalkForward, type WalkForwardSetup } from '../../src/research/walkforward/run.js';
import { parseWindowLength, walkForwardWindows } from '../../src/research/walkforward/windows.js';
import { runBacktest } from '../../src/strategies/backtest.js';
import { builtinStrategy } from '../../src/strategies/registry.js';
import { Mulberry32 } from '../../src/stats/mulberry32.js';
import { readCsvBars } from '../helpers/shared.js';

const strategy = builtinStrategy('sma-cross')!;
const PPY = 365;
const space: SearchSpace = {
  dimensions: [
    { kind: 'values', name: 'fast', values: [5, 10, 20] },
    { kind: 'values', name: 'slow', values: [30, 60, 120] },
  ],
};
const search = (extra: Partial<SearchSettings> = {}): SearchSettings => ({ space, method: 'grid', direction: 'maximize', objective: 'sharpe', constraints: [], validate: strategyCheck(strategy), ...extra });
const demo = () => readCsvBars('datasets/demo-a_1d.csv');
const windowsOf = (bars: Bars, train = '365d', test = '180d') => walkForwardWindows(bars.time, { train: parseWindowLength(train, 'train'), test: parseWindowLength(test, 'test') });

function setup(bars: Bars, extra: Partial<WalkForwardSetup> = {}): WalkForwardSetup {
  return { strategy, strategyRef: 'sma-cross', series: [bars], periodsPerYear: PPY, sim: { feeRate: 0.001 }, search: search(), windows: windowsOf(bars), ...extra };
}

async function walk(s: WalkForwardSetup, hooks = {}) {
  const evaluator = await createEvaluator(1);
  try {
    return await runWalkForward(evaluator, s, hooks);
  } finally {
    await evaluator.close();
  }
}

/** Every pair of the grid run by hand on bars [from, to) with signals from bar 0: the best Sharpe, first on ties. */
function bruteForce(bars: Bars, from: number, to: number) {
  let best: { fast: number; slow: number; sharpe: number; undefinedSharpe: number } | undefined;
  let undefinedSharpe = 0;
  for (const fast of [5, 10, 20]) {
    for (const slow of [30, 60, 120]) {
      const r = runBacktest(sliceBars(bars, 0, to), { strategy, params: { fast, slow }, sim: { feeRate: 0.001 }, periodsPerYear: PPY, simulateFrom: from });
      const sharpe = r.metrics.sharpe;
      if (sharpe === null) undefinedSharpe++;
      else if (best === undefined || sharpe > best.sharpe) best = { fast, slow, sharpe, undefinedSharpe: 0 };
    }
  }
  return { ...best!, undefinedSharpe };
}

describe('runWalkForward on demo data (sma-cross, 3 x 3 grid, 365d train, 180d test)', () => {
  it('each window picks the brute-force best of its training range and runs it on its test range', async () => {
    const bars = demo();
    const s = setup(bars);
    expect(s.windows.length).toBe(11);
    const result = await walk(s);
    expect(result.interrupted).toBe(false);
    expect(result.windows).toHaveLength(s.windows.length);
    const evaluator = await createEvaluator(1);
    await evaluator.load([bars]);
    for (const [k, w] of result.windows.entries()) {
      const { train, test } = s.windows[k];
      expect([w.train.from, w.train.to, w.test.from, w.test.to]).toEqual([train.from, train.to, test.from, test.to]);
      const want = bruteForce(bars, train.from, train.to);
      expect(w.params).toEqual({ fast: want.fast, slow: want.slow });
      expect(w.inSample!.objective).toBe(want.sharpe);
      // A pair that never trades has no Sharpe ratio: a failed trial, as the brute force skips it.
      expect(w.trials).toEqual({ total: 9, complete: 9 - want.undefinedSharpe, pruned: 0, failed: want.undefinedSharpe });
      // Second path: the trial runner on the test range gives the same out-of-sample metrics.
      const [trial] = await evaluator.run({ strategy: 'sma-cross', sim: { feeRate: 0.001 }, periodsPerYear: PPY, pboSplits: 0 }, test, [{ number: 0, params: w.params! }]);
      for (const key of ['sharpe', 'totalReturnPct', 'cagrPct', 'maxDrawdownPct', 'tradeCount', 'bars'] as const) expect(w.outOfSample[key]).toBe(trial.metrics[key]);
      expect(w.outOfSample.bars).toBe(test.to - test.from);
      expect(w.test.start).toBe(new Date(bars.time[test.from]).toISOString().replace('.000Z', 'Z'));
    }
    await evaluator.close();
  });

  it('the stitched equity chains the windows: its return is the product of theirs, and its metrics are computeMetrics of it', async () => {
    const bars = demo();
    const result = await walk(setup(bars));
    const { equity, time, metrics } = result.stitched;
    expect(equity.length).toBe(result.windows.reduce((a, w) => a + w.test.bars, 0));
    let growth = 1;
    let at = 0;
    for (const w of result.windows) {
      growth *= 1 + w.outOfSample.totalReturnPct! / 100;
      at += w.test.bars;
      expect(equity[at - 1] / 10_000).toBeCloseTo(growth, 9);
      expect(time[at - 1]).toBe(bars.time[w.test.to - 1]);
    }
    expect(metrics.totalReturnPct! / 100 + 1).toBeCloseTo(growth, 9);
    // A position open at the end of a window but the last is closed at its mark in the stitched record.
    const carried = result.windows.slice(0, -1).reduce((a, w) => a + w.openPositions, 0);
    expect(carried).toBeGreaterThan(0);
    expect(metrics.tradeCount).toBe(result.windows.reduce((a, w) => a + w.outOfSample.tradeCount, 0) + carried);
    expect(metrics.openTrades).toHaveLength(result.windows.at(-1)!.openPositions);
    expect(metrics.bars).toBe(equity.length);
    const direct = computeMetrics({ time, equity, trades: { entryBar: new Int32Array(0), exitBar: new Int32Array(0), pnl: new Float64Array(0), returnPct: new Float64Array(0), count: 0 }, exposureBars: 0, feesPaid: 0, initialCash: 10_000 }, { periodsPerYear: PPY });
    for (const key of ['sharpe', 'cagrPct', 'maxDrawdownPct', 'annualVolatilityPct', 'sortino'] as const) expect(metrics[key]).toBe(direct[key]);
  });

  it('walk-forward efficiency is the stitched out-of-sample CAGR over the mean in-sample CAGR; stability lists the choices', async () => {
    const result = await walk(setup(demo()));
    const is = result.windows.map((w) => w.inSample!.metrics.cagrPct!);
    const meanIs = is.reduce((a, b) => a + b, 0) / is.length;
    expect(result.efficiency.inSampleCagrPct).toBeCloseTo(meanIs, 12);
    expect(result.efficiency.outOfSampleCagrPct).toBe(result.stitched.metrics.cagrPct);
    expect(meanIs).toBeGreaterThan(0);
    expect(result.efficiency.value).toBeCloseTo(result.stitched.metrics.cagrPct! / meanIs, 12);
    for (const w of result.windows) {
      const c = w.inSample!.metrics.cagrPct!;
      expect(w.efficiency).toBe(c > 0 ? w.outOfSample.cagrPct! / c : null);
    }
    expect(result.stability.map((p) => p.param)).toEqual(['fast', 'slow']);
    expect(result.stability[0].values).toEqual(result.windows.map((w) => w.params!.fast));
    expect(result.stability[1].values).toEqual(result.windows.map((w) => w.params!.slow));
  });

  it('no look-ahead: changing every bar after a test window changes nothing up to it, and the test signals equal a full-series run', async () => {
    const bars = demo();
    const s = setup(bars);
    const cut = s.windows[4].test.to;
    const changed = sliceBars(bars, 0, bars.length);
    const copy = (a: Float64Array) => Float64Array.from(a);
    const rng = new Mulberry32(3);
    const [open, high, low, close] = [copy(bars.open), copy(bars.high), copy(bars.low), copy(bars.close)];
    for (let i = cut; i < bars.length; i++) {
      const f = 0.5 + rng.next();
      open[i] *= f;
      close[i] *= f;
      high[i] = Math.max(high[i] * f, open[i], close[i]);
      low[i] = Math.min(low[i] * f, open[i], close[i]);
    }
    const other: Bars = { ...changed, open, high, low, close };
    const a = await walk(s);
    const b = await walk(setup(other));
    for (let k = 0; k <= 4; k++) expect(b.windows[k]).toEqual(a.windows[k]);
    // The change is visible after the cut, so the equality above is not vacuous.
    expect(b.windows.slice(5)).not.toEqual(a.windows.slice(5));

    // Signals inside each test window are those of a run over the whole series (warm-up from earlier bars).
    for (const w of a.windows) {
      const p = { fast: w.params!.fast as number, slow: w.params!.slow as number };
      const full = strategy.signals!(bars, p, { periodsPerYear: PPY });
      const run = runBacktest(sliceBars(bars, 0, w.test.to), { strategy, params: p, sim: { feeRate: 0.001 }, periodsPerYear: PPY, simulateFrom: w.test.from });
      expect(Array.from(run.signals!.entries!)).toEqual(Array.from(full.entries!.subarray(w.test.from, w.test.to)));
      expect(Array.from(run.signals!.exits!)).toEqual(Array.from(full.exits!.subarray(w.test.from, w.test.to)));
      expect(run.metrics.sharpe).toBe(w.outOfSample.sharpe);
    }
  });

  it('a window whose search completes no trial stays in cash over its test, and says why', async () => {
    const bars = demo();
    const result = await walk(setup(bars, { search: search({ constraints: [parseConstraint('tradeCount>=1000')] }) }));
    for (const w of result.windows) {
      expect(w.params).toBeUndefined();
      expect(w.reason).toMatch(/^No trial completed on the training range \(\d pruned, \d failed; first: constraint tradeCount>=1000 failed \(tradeCount is \d+\)\): the test stays in cash\.$/);
      expect(w.outOfSample.totalReturnPct).toBe(0);
      expect(w.outOfSample.tradeCount).toBe(0);
    }
    expect(Array.from(new Set(result.stitched.equity))).toEqual([10_000]);
    expect(result.efficiency.value).toBeNull();
    expect(result.stability[0]).toMatchObject({ mode: null, modeShare: null });
  });

  it('gives the same result on a pool of 2 worker threads as in this thread', async () => {
    const bars = demo();
    const s = setup(bars, { search: search({ method: 'random', trials: 6, seed: 5 }) });
    const one = await walk(s);
    const pool = await createEvaluator(2);
    let two;
    try {
      two = await runWalkForward(pool, s);
    } finally {
      await pool.close();
    }
    expect(two.windows).toEqual(one.windows);
    expect(Array.from(two.stitched.equity)).toEqual(Array.from(one.stitched.equity));
    expect(two.efficiency).toEqual(one.efficiency);
  });

  it('stops at the signal and keeps the windows tested before it', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const result = await walk(setup(demo()), {
      signal: controller.signal,
      onWindow: (w: { index: number }) => {
        seen.push(w.index);
        if (w.index === 1) controller.abort();
      },
    });
    expect(seen).toEqual([0, 1]);
    expect(result.interrupted).toBe(true);
    expect(result.windows.map((w) => w.index)).toEqual([0, 1]);
    expect(result.stitched.equity.length).toBe(result.windows[0].test.bars + result.windows[1].test.bars);
  });
});

describe('stitchEquity and parameterStability, by hand', () => {
  const none = { entryBar: new Int32Array(0), exitBar: new Int32Array(0), pnl: new Float64Array(0), returnPct: new Float64Array(0), count: 0 };
  it('chains returns from the starting cash; an open position of a middle window counts as closed', () => {
    const trade = (entry: number, exit: number, pnl: number, open: number) => ({ entryBar: Int32Array.of(entry), exitBar: Int32Array.of(exit), pnl: Float64Array.of(pnl), returnPct: Float64Array.of(pnl), isOpen: Uint8Array.of(open), count: 1 });
    const s = stitchEquity(
      [
        { time: Float64Array.of(1, 2, 3), equity: Float64Array.of(100, 110, 121), trades: trade(0, 2, 21, 1), exposureBars: 2, feesPaid: 1 },
        { time: Float64Array.of(4, 5), equity: Float64Array.of(100, 90), trades: trade(0, 1, -10, 1), exposureBars: 1, feesPaid: 2 },
      ],
      100,
    );
    [100, 110, 121, 121, 108.9].forEach((v, i) => expect(s.equity[i]).toBeCloseTo(v, 12));
    expect(Array.from(s.time)).toEqual([1, 2, 3, 4, 5]);
    expect(s.scale).toEqual([1, 1.21]);
    expect(Array.from(s.trades.entryBar)).toEqual([0, 3]);
    expect(Array.from(s.trades.exitBar)).toEqual([2, 4]);
    expect(s.trades.pnl[0]).toBe(21);
    expect(s.trades.pnl[1]).toBeCloseTo(-12.1, 12);
    expect(Array.from(s.trades.isOpen!)).toEqual([0, 1]);
    expect(s.exposureBars).toBe(3);
    expect(s.feesPaid).toBeCloseTo(1 + 2 * 1.21, 12);
    expect(stitchEquity([{ time: Float64Array.of(1), equity: Float64Array.of(100), trades: none, exposureBars: 0, feesPaid: 0 }], 100).close).toBeUndefined();
  });

  it('mode, its share, mean, sample standard deviation and coefficient of variation', () => {
    const [fast, mode] = parameterStability(['fast', 'mode'], [{ fast: 10, mode: 'a' }, undefined, { fast: 10, mode: 'b' }, { fast: 20, mode: 'b' }]);
    expect(fast.values).toEqual([10, null, 10, 20]);
    expect(fast.mode).toBe(10);
    expect(fast.modeShare).toBeCloseTo(2 / 3, 15);
    expect(fast.mean).toBeCloseTo(40 / 3, 12);
    // deviations -10/3, -10/3, 20/3: squares sum 600/9, over n - 1 = 2: 100/3.
    expect(fast.std).toBeCloseTo(Math.sqrt(100 / 3), 12);
    expect(fast.coefficientOfVariation).toBeCloseTo(Math.sqrt(100 / 3) / (40 / 3), 12);
    expect(mode).toEqual({ param: 'mode', values: ['a', null, 'b', 'b'], mode: 'b', modeShare: 2 / 3 });
  });
});
