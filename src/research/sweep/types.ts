/**
 * What a sweep hands to whatever runs its trials (in this thread, or a pool of worker threads) and what it
 * gets back. Tasks carry parameters only; the bars are given once (in workers: shared memory).
 */
import type { SimOptions } from '../../engine/types.js';
import type { MetricKey } from '../../engine/metrics.js';
import type { ParamValue } from '../search/space.js';
import type { ReturnMoments } from '../overfitting/sharpe-stats.js';

/** The fixed part of every trial of a sweep: which strategy, with which settings. */
export interface SweepSpec {
  /** A built-in strategy's name, or the absolute path of a strategy file (resolveStrategy accepts both). */
  strategy: string;
  /** The user's settings (--size already parsed); the strategy's simDefaults apply per trial as in a backtest. */
  sim: SimOptions;
  periodsPerYear: number;
  riskFreeRate?: number;
  /**
   * The metrics each trial must report (objective and constraints). Undefined: all of them. Computing fewer
   * is what makes a large sweep fast.
   */
  metrics?: readonly MetricKey[];
  /** CSCV blocks S (even, 2..20) whose per-block return statistics each trial reports for PBO; 0 = none. */
  pboSplits: number;
  /**
   * Whether each trial reports the moments of its returns (PSR, DSR). Default true; false skips two passes over
   * the returns per trial when no statistic is wanted (e.g. a sweep that only ranks).
   */
  moments?: boolean;
}

/**
 * The bars a trial is simulated on: [from, to) of the series. Signals are computed on bars [0, to), so an
 * indicator's warm-up at `from` uses bars before it, never after `to` (walk-forward windows need this).
 */
export interface BarRange {
  from: number;
  to: number;
}

export interface TrialInput {
  number: number;
  params: Readonly<Record<string, ParamValue>>;
}

export interface TrialOutput {
  number: number;
  /** The requested metrics (null where undefined, e.g. a Sharpe with no variance). Empty when `error` is set. */
  metrics: Partial<Record<MetricKey, number | null>>;
  /** Moments of the per-bar returns over the range, for the probabilistic and deflated Sharpe ratio. */
  moments?: ReturnMoments;
  /**
   * Per CSCV block b (spec.pboSplits of them, over the range's per-bar returns as CscvBlocks splits them):
   * the block mean at [b] and the block's sum of squared deviations at [S + b].
   */
  blocks?: Float64Array;
  /** Why the trial could not run (its strategy threw, too few bars), as one sentence. */
  error?: string;
}

/** The threads a sweep's trials ran on, and why that many (the --workers given, the cores, or why this thread alone). */
export interface SweepThreads {
  count: number;
  reason: string;
}

/** Runs trials; the same results whatever runs them (a test holds every implementation to the reference). */
export interface Evaluator {
  /** Makes `bars` (one series per asset) the data for the following calls: in a pool, sent to the workers once. */
  load(bars: readonly import('../../data/bars.js').Bars[]): Promise<void>;
  run(spec: SweepSpec, range: BarRange, trials: readonly TrialInput[]): Promise<TrialOutput[]>;
  /** Threads that run trials at once (1 in this thread). */
  readonly concurrency: number;
  /** Starts the threads, where there are any, so their start-up overlaps the caller's reading of the data. */
  start?(): Promise<void>;
  close(): Promise<void>;
}
