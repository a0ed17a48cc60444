/**
 * A walk-forward: in each window, optimize on the training range with the one search loop (runSearch), then
 * run the winner on the test range. The test run computes signals on bars [0, test end) and simulates from the
 * test's first bar, so indicators warm up on the bars before the test, never after it.
 */
import { sliceBars, type Bars } from '../../data/bars.js';
import { formatTime } from '../../data/time.js';
import { computeMetrics, type MetricKey, type Metrics } from '../../engine/metrics.js';
import { SIM_DEFAULTS } from '../../engine/options.js';
import type { SimOptions } from '../../engine/types.js';
import { runBacktest } from '../../strategies/backtest.js';
import type { AnyStrategy } from '../../strategies/define.js';
import { neededMetrics } from '../optimize/objective.js';
import { runSearch } from '../optimize/search-loop.js';
import { overfitting, type OverfittingSummary } from '../optimize/summary.js';
import type { FinishedTrial, SearchProgress, SearchSettings } from '../optimize/types.js';
import type { ParamValue } from '../search/space.js';
import type { Evaluator, SweepSpec } from '../sweep/types.js';
import { stitchEquity, type TestSegment } from './stitch.js';
import { parameterStability, type ParameterStability } from './stability.js';
import type { WalkForwardWindow } from './windows.js';

export interface WalkForwardSetup {
  strategy: AnyStrategy;
  /** How workers find the strategy: a built-in's name or the strategy file's absolute path (SweepSpec.strategy). */
  strategyRef: string;
  /** One series per asset the strategy trades, aligned. */
  series: readonly Bars[];
  periodsPerYear: number;
  riskFreeRate?: number;
  /** The user's settings (--size parsed); the strategy's simDefaults apply per run as in a backtest. */
  sim: SimOptions;
  search: SearchSettings;
  windows: readonly WalkForwardWindow[];
}

export interface WalkForwardProgress {
  /** The window being searched (0-based) and how many there are. */
  window: number;
  windows: number;
  search: SearchProgress;
}

export interface WalkForwardHooks {
  onProgress?(p: WalkForwardProgress): void;
  /** After each window's test. */
  onWindow?(w: WindowResult): void;
  /** Stops the search in flight; windows already tested are kept and reported, the one in flight is dropped. */
  signal?: AbortSignal;
}

/** A bar range with the times of its first and last bar. */
export interface DatedRange {
  from: number;
  to: number;
  start: string;
  end: string;
  bars: number;
}

/** Each window's test on unseen bars is its check against overfitting; PBO would need every window's sweep kept. */
const WINDOW_PBO_NOTE = 'PBO is not computed per walk-forward window: the test window after it is that check.';

export interface WindowResult {
  index: number;
  train: DatedRange;
  test: DatedRange;
  trials: { total: number; complete: number; pruned: number; failed: number };
  /** The training winner's parameters; absent when no trial completed (the test then stays in cash). */
  params?: Record<string, ParamValue>;
  /** Why there is no winner, in one sentence. */
  reason?: string;
  /** The winner's objective and metrics on the training range. */
  inSample?: { objective: number; metrics: Partial<Record<MetricKey, number | null>> };
  /** The winner's metrics on the test range (every metric; open positions are counted in openPositions). */
  outOfSample: Omit<Metrics, 'openTrades'>;
  /** Positions still open at the end of the test, marked to its last close (the next window starts flat). */
  openPositions: number;
  /** This window's out-of-sample CAGR over its in-sample CAGR; null unless the in-sample CAGR is above 0. */
  efficiency: number | null;
  /** PSR and DSR of the training winner given every trial of the window's search. */
  overfitting: OverfittingSummary;
}

export interface WalkForwardResult {
  windows: WindowResult[];
  /** Every test window's returns chained: one point per tested bar. */
  stitched: { time: Float64Array; equity: Float64Array; metrics: Metrics };
  /**
   * Walk-forward efficiency: the stitched out-of-sample CAGR over the mean in-sample CAGR of the windows'
   * winners (both percent, both annualized over calendar time). Null when that mean is not above 0.
   */
  efficiency: { value: number | null; outOfSampleCagrPct: number | null; inSampleCagrPct: number | null };
  stability: ParameterStability[];
  /** True when the signal stopped it: `windows` holds those tested before. */
  interrupted: boolean;
}

function dated(time: Float64Array, from: number, to: number): DatedRange {
  return { from, to, start: formatTime(time[from]), end: formatTime(time[to - 1]), bars: to - from };
}

function countStates(trials: readonly FinishedTrial[]): WindowResult['trials'] {
  const c = { total: trials.length, complete: 0, pruned: 0, failed: 0 };
  for (const t of trials) if (t.state === 'complete' || t.state === 'pruned' || t.state === 'failed') c[t.state]++;
  return c;
}

function noWinnerReason(trials: readonly FinishedTrial[]): string {
  const c = countStates(trials);
  const first = trials.find((t) => t.reason !== undefined)?.reason;
  return `No trial completed on the training range (${c.pruned} pruned, ${c.failed} failed${first ? `; first: ${first.replace(/\.$/, '')}` : ''}): the test stays in cash.`;
}

/** A window with no winner holds the starting cash over its test: no trades, no exposure. */
function cashSegment(bars: Bars, from: number, to: number, cash: number, close: boolean): TestSegment {
  const empty = { entryBar: new Int32Array(0), exitBar: new Int32Array(0), pnl: new Float64Array(0), returnPct: new Float64Array(0), count: 0 };
  return { time: bars.time.subarray(from, to), equity: new Float64Array(to - from).fill(cash), ...(close ? { close: bars.close.subarray(from, to) } : {}), trades: empty, exposureBars: 0, feesPaid: 0 };
}

function scalarMetrics(m: Metrics): Omit<Metrics, 'openTrades'> {
  const { openTrades: _open, ...rest } = m;
  return rest;
}

/**
 * Runs the walk-forward over `setup.windows` on `evaluator` (loaded here with the series). Returns each
 * window's winner, in-sample objective and out-of-sample metrics, the stitched out-of-sample equity and its
 * metrics, the walk-forward efficiency and the stability of the chosen parameters.
 */
export async function runWalkForward(evaluator: Evaluator, setup: WalkForwardSetup, hooks: WalkForwardHooks = {}): Promise<WalkForwardResult> {
  const { strategy, series, search, windows } = setup;
  const single = series.length === 1;
  const bars = series[0];
  await evaluator.load(series);
  const spec: SweepSpec = {
    strategy: setup.strategyRef,
    sim: setup.sim,
    periodsPerYear: setup.periodsPerYear,
    ...(setup.riskFreeRate === undefined ? {} : { riskFreeRate: setup.riskFreeRate }),
    // The in-sample CAGR is the denominator of the walk-forward efficiency.
    metrics: neededMetrics(search.objective, search.constraints, ['cagrPct', 'sharpe', 'totalReturnPct', 'maxDrawdownPct', 'tradeCount']),
    pboSplits: 0,
  };
  const results: WindowResult[] = [];
  const segments: TestSegment[] = [];
  let cash: number | undefined;
  let interrupted = false;
  for (const window of windows) {
    const found = await runSearch(evaluator, spec, window.train, search, {
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      onProgress: (p) => hooks.onProgress?.({ window: window.index, windows: windows.length, search: p }),
    });
    if (found.interrupted) {
      interrupted = true;
      break;
    }
    const { from, to } = window.test;
    const best = found.best;
    let segment: TestSegment;
    let outOfSample: Metrics;
    if (best) {
      const prefix = series.map((b) => sliceBars(b, 0, to));
      const run = runBacktest(single ? prefix[0] : prefix, {
        strategy,
        params: best.params,
        sim: setup.sim,
        periodsPerYear: setup.periodsPerYear,
        ...(setup.riskFreeRate === undefined ? {} : { riskFreeRate: setup.riskFreeRate }),
        simulateFrom: from,
      });
      cash = run.result.options.cash;
      outOfSample = run.metrics;
      const r = run.result;
      segment = { time: bars.time.subarray(from, to), equity: r.equity, ...(single ? { close: bars.close.subarray(from, to) } : {}), trades: r.trades, exposureBars: r.exposureBars, feesPaid: r.feesPaid };
    } else {
      // The starting cash every run uses: what the last run reported, else the user's --cash or the engine's default.
      const c = cash ?? setup.sim.cash ?? SIM_DEFAULTS.cash;
      segment = cashSegment(bars, from, to, c, single);
      outOfSample = computeMetrics(
        { time: segment.time, equity: segment.equity, trades: segment.trades, exposureBars: 0, feesPaid: 0, initialCash: c, ...(segment.close ? { benchmarkClose: segment.close } : {}) },
        { periodsPerYear: setup.periodsPerYear, riskFreeRate: setup.riskFreeRate },
      );
    }
    segments.push(segment);
    const isCagr = best?.metrics.cagrPct ?? null;
    const result: WindowResult = {
      index: window.index,
      train: dated(bars.time, window.train.from, window.train.to),
      test: dated(bars.time, from, to),
      trials: countStates(found.trials),
      ...(best ? { params: { ...best.params }, inSample: { objective: best.value!, metrics: best.metrics } } : { reason: noWinnerReason(found.trials) }),
      outOfSample: scalarMetrics(outOfSample),
      openPositions: outOfSample.openTrades.length,
      efficiency: isCagr !== null && isCagr > 0 && outOfSample.cagrPct !== null ? outOfSample.cagrPct / isCagr : null,
      overfitting: overfitting(found.trials, best ?? undefined, 0, 0.95, WINDOW_PBO_NOTE),
    };
    results.push(result);
    hooks.onWindow?.(result);
  }
  const startCash = cash ?? setup.sim.cash ?? SIM_DEFAULTS.cash;
  const stitched = stitchEquity(segments, startCash);
  const stitchedMetrics = computeMetrics(
    { time: stitched.time, equity: stitched.equity, trades: stitched.trades, exposureBars: stitched.exposureBars, feesPaid: stitched.feesPaid, initialCash: startCash, ...(stitched.close ? { benchmarkClose: stitched.close } : {}) },
    { periodsPerYear: setup.periodsPerYear, riskFreeRate: setup.riskFreeRate },
  );
  const inSample = results.filter((w) => w.inSample).map((w) => w.inSample!.metrics.cagrPct);
  const meanIs = inSample.length > 0 && inSample.every((x) => typeof x === 'number') ? (inSample as number[]).reduce((a, b) => a + b, 0) / inSample.length : null;
  const oos = results.length > 0 ? stitchedMetrics.cagrPct : null;
  return {
    windows: results,
    stitched: { time: stitched.time, equity: stitched.equity, metrics: stitchedMetrics },
    efficiency: { value: meanIs !== null && meanIs > 0 && oos !== null ? oos / meanIs : null, outOfSampleCagrPct: oos, inSampleCagrPct: meanIs },
    stability: parameterStability(search.space.dimensions.map((d) => d.name), results.map((w) => w.params)),
    interrupted,
  };
}
