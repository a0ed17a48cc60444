import { describe, expect, it } from 'vitest';
import { readCsvBars } from '../helpers/shared.js';
import { runBacktest } from '../../src/strategies/backtest.js';
import { resolveStrategy } from '../../src/strategies/registry.js';
import { InThreadEvaluator, equityReturns } from '../../src/research/sweep/index.js';
import { runSearch } from '../../src/research/optimize/search-loop.js';
import { heatmap, overfitting, rankTrials, sensitivity, shellQuote, winnerCommand } from '../../src/research/optimize/summary.js';
import { parseConstraint, parseObjective } from '../../src/research/optimize/objective.js';
import type { FinishedTrial } from '../../src/research/optimize/types.js';
import { auditReturns } from '../../src/research/overfitting/index.js';
import { spaceFromSchema, strategyCheck, type SearchSpace } from '../../src/research/search/index.js';

describe('overfitting beside the winner', () => {
  it('equals the audit of the full return columns of the same trials (second path)', async () => {
    const bars = readCsvBars('datasets/demo-a_1d.csv');
    const strategy = await resolveStrategy('sma-cross');
    const sim = { feeRate: 0.001 };
    const evaluator = new InThreadEvaluator();
    await evaluator.load([bars]);
    const space = spaceFromSchema(strategy.params, { fast: { kind: 'int', name: 'fast', low: 4, high: 24, step: 4 }, slow: { kind: 'int', name: 'slow', low: 30, high: 90, step: 15 } });
    const result = await runSearch(evaluator, { strategy: 'sma-cross', sim, periodsPerYear: 365, pboSplits: 16 }, { from: 0, to: bars.length }, { space, method: 'grid', direction: 'maximize', objective: 'sharpe', constraints: [], validate: strategyCheck(strategy) });
    const summary = overfitting(result.trials, result.best, 16);

    // The reference: whole per-bar return columns of every trial that ran, through rrr overfitting's audit.
    const ran = result.trials.filter((t) => t.moments !== undefined);
    const columns = ran.map((t) => equityReturns(runBacktest(bars, { strategy, params: t.params, sim, periodsPerYear: 365 }).result.equity));
    const audit = auditReturns(columns, { splits: 16 });
    expect(summary.trialsRun).toBe(audit.configurations);
    expect(summary.trialsRun).toBe(30); // 6 fast x 5 slow, all with fast < slow
    expect(summary.observations).toBe(audit.rows);
    // The Sharpe objective (risk-free 0) ranks as the per-bar Sharpe ratio does: the same winner.
    expect(ran[audit.best.index].number).toBe(result.best!.number);
    expect(summary.sharpeVariance!).toBeCloseTo(audit.sharpeVariance, 12);
    expect(summary.winner!.sharpe).toBeCloseTo(audit.best.sharpe, 12);
    expect(summary.winner!.psr!).toBeCloseTo(audit.best.psr, 10);
    expect(summary.winner!.dsr!).toBeCloseTo(audit.best.dsr, 10);
    expect(summary.winner!.deflationBenchmark!).toBeCloseTo(audit.best.deflationBenchmark, 12);
    expect(summary.winner!.minTrackRecordLength!).toBeCloseTo(audit.best.minTrackRecordLength!, 6);
    expect(summary.pbo!.pbo).toBeCloseTo(audit.pbo.pbo, 12);
    expect(summary.pbo!.probabilityOfOosLoss).toBeCloseTo(audit.pbo.probabilityOfOosLoss, 12);
    expect(summary.pbo!.combinations).toBe(12870);
    // Flat memory: each trial keeps 2 x 16 block statistics, not its 2,191 returns.
    expect(ran.every((t) => t.blocks!.length === 32)).toBe(true);
  });

  it('says why PBO and DSR are missing instead of inventing them', () => {
    const one: FinishedTrial = { number: 0, params: { a: 1 }, state: 'complete', value: 1, metrics: {}, moments: { count: 10, mean: 0.01, std: 0.02, sharpe: 0.5, skewness: 0, kurtosis: 3 }, blocks: new Float64Array(4) };
    const s = overfitting([one], one, 2);
    expect(s.pbo).toBeNull();
    expect(s.winner!.dsr).toBeNull();
    expect(s.winner!.psr).toBeGreaterThan(0.5);
    expect(s.notes).toEqual(['The deflated Sharpe ratio needs 2 trials or more that ran.', 'PBO needs 2 trials or more that ran.']);
    expect(overfitting([one, { ...one, number: 1 }], one, 0).notes).toContain('PBO was not computed (--pbo-splits 0).');
  });
});

/** A hand-worked study over a (3 values) x b (2 values). */
const trial = (number: number, a: number, b: string, value: number | undefined): FinishedTrial => ({ number, params: { a, b }, state: value === undefined ? 'pruned' : 'complete', ...(value === undefined ? {} : { value }), metrics: {} });
const hand: FinishedTrial[] = [trial(0, 1, 'x', 0.5), trial(1, 1, 'y', 0.9), trial(2, 2, 'x', 0.7), trial(3, 2, 'y', undefined), trial(4, 3, 'x', 0.1), trial(5, 3, 'y', 0.9)];
const handSpace: SearchSpace = { dimensions: [{ kind: 'int', name: 'a', low: 1, high: 3, step: 1 }, { kind: 'values', name: 'b', values: ['x', 'y'] }] };

describe('ranking, sensitivity and heatmap', () => {
  it('ranks complete trials best first, the earlier trial first on ties', () => {
    expect(rankTrials(hand, 'maximize').map((t) => t.number)).toEqual([1, 5, 2, 0, 4]);
    expect(rankTrials(hand, 'minimize').map((t) => t.number)).toEqual([4, 0, 2, 1, 5]);
  });

  it('gives the best objective at each value of each parameter', () => {
    const s = sensitivity(hand, handSpace, 'maximize');
    expect(s).toEqual([
      { param: 'a', points: [{ value: 1, best: 0.9, trials: 2 }, { value: 2, best: 0.7, trials: 1 }, { value: 3, best: 0.9, trials: 2 }], spread: expect.closeTo(0.2, 12) },
      { param: 'b', points: [{ value: 'x', best: 0.7, trials: 3 }, { value: 'y', best: 0.9, trials: 2 }], spread: expect.closeTo(0.2, 12) },
    ]);
    expect(sensitivity(hand, handSpace, 'minimize')[0].points.map((p) => p.best)).toEqual([0.5, 0.7, 0.1]);
  });

  it('maps the best objective over two parameters, empty where no trial completed', () => {
    expect(heatmap(hand, handSpace, 'maximize')).toEqual({ x: 'a', y: 'b', xValues: [1, 2, 3], yValues: ['x', 'y'], cells: [[0.5, 0.7, 0.1], [0.9, null, 0.9]] });
    expect(heatmap(hand.map((t) => ({ ...t, params: { a: t.params.a } })), { dimensions: [handSpace.dimensions[0]] }, 'maximize')).toBeUndefined();
  });

  it('bins an integer parameter with many values into whole-number ranges', () => {
    const trials = Array.from({ length: 39 }, (_, i): FinishedTrial => ({ number: i, params: { n: i + 2 }, state: 'complete', value: -i, metrics: {} }));
    const [s] = sensitivity(trials, { dimensions: [{ kind: 'int', name: 'n', low: 2, high: 40, step: 1 }] }, 'maximize');
    expect(s.points.map((p) => p.value)).toEqual(['2..5', '6..9', '10..13', '14..17', '18..21', '22..25', '26..29', '30..33', '34..37', '38..40']);
    expect(s.points[9]).toEqual({ value: '38..40', best: -36, trials: 3 });
  });

  it('bins a continuous parameter with many values into ten ranges', () => {
    const trials = Array.from({ length: 100 }, (_, i): FinishedTrial => ({ number: i, params: { f: i / 100 }, state: 'complete', value: i, metrics: {} }));
    const [s] = sensitivity(trials, { dimensions: [{ kind: 'float', name: 'f', low: 0, high: 1 }] }, 'maximize');
    expect(s.points).toHaveLength(10);
    expect(s.points[0]).toEqual({ value: '0..0.1', best: 9, trials: 10 });
    expect(s.points[9]).toEqual({ value: '0.9..1', best: 99, trials: 10 });
  });
});

describe('winner command line and objective parsing', () => {
  it('repeats the user settings and the winner parameters, quoted for a shell', () => {
    expect(winnerCommand([['strategy', 'sma-cross'], ['data', 'my data.csv'], ['close-at-end', true]], { fast: 10, slow: 40 })).toBe(
      "rrr backtest --strategy sma-cross --data 'my data.csv' --close-at-end --param fast=10 --param slow=40",
    );
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('refuses objectives and constraints that are not metrics, with a suggestion', () => {
    expect(parseObjective('maxDrawdownPct')).toBe('maxDrawdownPct');
    expect(() => parseObjective('sharp')).toThrow('--objective "sharp" is not a metric to optimize. Did you mean "sharpe"?');
    expect(() => parseObjective('startTime')).toThrow(/is not a metric to optimize/);
    expect(parseConstraint('tradeCount >= 30')).toEqual({ metric: 'tradeCount', op: '>=', value: 30, text: 'tradeCount >= 30' });
    expect(() => parseConstraint('trades>=30')).toThrow(/^--constraint "trades>=30": unknown metric "trades"\./);
    expect(() => parseConstraint('tradeCount=>30')).toThrow(/^--constraint "tradeCount=>30" is not METRIC OP NUMBER/);
  });
});
