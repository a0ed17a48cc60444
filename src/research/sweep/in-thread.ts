/**
 * Runs a sweep's trials in the calling thread. It is the one implementation of a trial: the worker pool runs
 * this same code in each worker, on the bars it was sent once.
 */
import type { Bars } from '../../data/bars.js';
import { sliceBars } from '../../data/bars.js';
import { METRIC_KEYS, returnsInOrder, type MetricKey } from '../../engine/metrics.js';
import { isUserError } from '../../errors.js';
import { IndicatorCache, TrialScratch, withIndicatorCache, withTrialScratch } from '../../indicators/cache.js';
import { blockStatsInto } from '../overfitting/pbo.js';
import { equityReturnMoments, equityReturns, returnMoments, type ReturnMoments } from '../overfitting/sharpe-stats.js';
import { runBacktest } from '../../strategies/backtest.js';
import type { AnyStrategy } from '../../strategies/define.js';
import { resolveStrategy } from '../../strategies/registry.js';
import { runInCacheOrder } from './trial-order.js';
import type { BarRange, Evaluator, SweepSpec, TrialInput, TrialOutput } from './types.js';

/** Re-exported: a sweep's per-bar returns are the overfitting statistics' own. */
export { equityReturns };

/**
 * Per-thread scratch columns, reused by every trial: a trial reads its equity and returns once and keeps only
 * numbers, so allocating (and first-touching) 16 bytes per bar per trial would be pure waste.
 */
const scratch = { equity: new Float64Array(0), returns: new Float64Array(0) };

/** This thread's per-trial signal columns and order/trade logs (see withTrialScratch). */
const trialScratch = new TrialScratch();

function scratchFor(length: number): typeof scratch {
  if (scratch.equity.length < length) {
    scratch.equity = new Float64Array(length);
    scratch.returns = new Float64Array(length);
  }
  return scratch;
}

export function checkRange(range: BarRange, length: number): void {
  if (!(Number.isInteger(range.from) && Number.isInteger(range.to) && range.from >= 0 && range.to <= length && range.to - range.from >= 2)) {
    throw new RangeError(`bar range [${range.from}, ${range.to}) must lie within the ${length} bars and hold 2 bars or more.`);
  }
}

/**
 * Bars [0, to) of the series, the same objects from trial to trial: the indicator cache knows its inputs by
 * identity, so a fresh slice per trial would miss every time.
 */
const prefixes = new WeakMap<readonly Bars[], Map<number, Bars[]>>();

function prefixOf(bars: readonly Bars[], to: number): readonly Bars[] {
  if (to === bars[0].length) return bars;
  let byEnd = prefixes.get(bars);
  if (!byEnd) prefixes.set(bars, (byEnd = new Map()));
  let prefix = byEnd.get(to);
  if (!prefix) {
    // A walk-forward visits a few ends, again and again: keep the last few.
    if (byEnd.size >= 8) byEnd.delete(byEnd.keys().next().value!);
    byEnd.set(to, (prefix = bars.map((b) => sliceBars(b, 0, to))));
  }
  return prefix;
}

/** One trial on `bars` (signals on [0, to), simulation on [from, to)). */
export function runTrial(strategy: AnyStrategy, bars: readonly Bars[], spec: SweepSpec, range: BarRange, trial: TrialInput): TrialOutput {
  return withTrialScratch(trialScratch, () => trialIn(strategy, bars, spec, range, trial));
}

function trialIn(strategy: AnyStrategy, bars: readonly Bars[], spec: SweepSpec, range: BarRange, trial: TrialInput): TrialOutput {
  try {
    const prefix = prefixOf(bars, range.to);
    const wantsReturns = spec.moments !== false || spec.pboSplits > 0;
    const work = scratchFor(range.to - range.from);
    // When the objective's metrics pass over the equity anyway, they leave its returns for the statistics below.
    const kept = wantsReturns && returnsInOrder(spec.metrics);
    const result = runBacktest(prefix.length === 1 ? prefix[0] : prefix, {
      strategy,
      params: trial.params,
      sim: spec.sim,
      periodsPerYear: spec.periodsPerYear,
      riskFreeRate: spec.riskFreeRate,
      simulateFrom: range.from,
      metrics: spec.metrics,
      buffers: { equity: work.equity },
      ...(kept ? { returns: work.returns } : {}),
    });
    const keys: readonly MetricKey[] = spec.metrics ?? METRIC_KEYS;
    const metrics: TrialOutput['metrics'] = {};
    for (const key of keys) {
      const value = result.metrics[key];
      metrics[key] = typeof value === 'number' && Number.isFinite(value) ? value : null;
    }
    const output: TrialOutput = { number: trial.number, metrics };
    if (!wantsReturns) return output;
    const equity = result.result.equity;
    const returns = work.returns.subarray(0, equity.length - 1);
    // The metrics' returns equal equityReturns' wherever all of them are finite, and returnMoments and
    // blockStatsInto find any that is not; such returns are computed again by the statistics' own definition,
    // so a trial's figures never depend on which pass wrote them.
    if (spec.moments !== false) output.moments = (kept ? momentsOfFinite(returns) : undefined) ?? equityReturnMoments(equity, work.returns);
    else if (!kept) equityReturns(equity, work.returns);
    if (spec.pboSplits > 0) {
      const S = spec.pboSplits;
      const stats = new Float64Array(2 * S);
      let bad = blockStatsInto(returns, S, stats, stats.subarray(S));
      if (bad !== undefined && kept && spec.moments === false) {
        equityReturns(equity, work.returns);
        bad = blockStatsInto(returns, S, stats, stats.subarray(S));
      }
      if (bad !== undefined) throw new RangeError(`the equity has a non-finite return at bar ${range.from + bad + 1}`);
      output.blocks = stats;
    }
    return output;
  } catch (error) {
    if (!(isUserError(error) || error instanceof RangeError)) throw error;
    return { number: trial.number, metrics: {}, error: (error as Error).message };
  }
}

/** returnMoments of returns that are all finite; undefined when one is not (or there are fewer than 2). */
function momentsOfFinite(returns: Float64Array): ReturnMoments | undefined {
  try {
    return returnMoments(returns);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** An Evaluator in this thread (concurrency 1): tests, small sweeps, and what each pool worker runs. */
export class InThreadEvaluator implements Evaluator {
  readonly concurrency = 1;
  /** Indicators computed once per distinct input and parameters across this evaluator's trials. */
  readonly indicatorCache: IndicatorCache;
  private bars: readonly Bars[] = [];
  private strategies = new Map<string, AnyStrategy>();

  constructor(options: { indicatorCacheBytes?: number } = {}) {
    this.indicatorCache = new IndicatorCache(options.indicatorCacheBytes, { recycle: true });
  }

  async load(bars: readonly Bars[]): Promise<void> {
    this.bars = [...bars];
    this.indicatorCache.clear();
  }

  async strategy(name: string): Promise<AnyStrategy> {
    let s = this.strategies.get(name);
    if (!s) {
      s = await resolveStrategy(name);
      this.strategies.set(name, s);
    }
    return s;
  }

  /** Runs the trials in cache-friendly order (trial-order.ts) and answers in their given order. */
  run(spec: SweepSpec, range: BarRange, trials: readonly TrialInput[]): Promise<TrialOutput[]> {
    return runInCacheOrder(trials, (ordered) => this.runAsGiven(spec, range, ordered));
  }

  /** Runs the trials in the order given: a pool worker's batch is already a block of the pool's cache-friendly order. */
  async runAsGiven(spec: SweepSpec, range: BarRange, trials: readonly TrialInput[]): Promise<TrialOutput[]> {
    if (this.bars.length === 0) throw new RangeError('load(bars) must come before run().');
    checkRange(range, this.bars[0].length);
    const strategy = await this.strategy(spec.strategy);
    return withIndicatorCache(this.indicatorCache, () => trials.map((t) => runTrial(strategy, this.bars, spec, range, t)));
  }

  async close(): Promise<void> {
    this.bars = [];
    this.indicatorCache.clear();
  }
}
