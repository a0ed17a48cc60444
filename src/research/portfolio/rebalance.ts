/**
 * The weights of a rebalancing backtest: at each rebalance bar t, estimate mean and covariance from the
 * lookback returns ending at t's close (src/portfolio/covariance.ts), optimise (src/portfolio/), and write the
 * target weights at bar t; every other bar is NaN ("keep"), which is what the multi-asset engine reads.
 * Nothing after bar t's close is read for the weights decided at t (test/research/portfolio/rebalance.test.ts
 * changes every later bar and checks).
 */
import { estimateCovariance } from '../../portfolio/covariance.js';
import { optimizePortfolio } from '../../portfolio/index.js';
import { selectSubset, type SubsetObjective, type SubsetResult } from '../../portfolio/subset.js';
import type { CovarianceMethod, OptimizeInput, OptimizeResult, PortfolioMethod, ReturnsWindow, View, WeightConstraints } from '../../portfolio/types.js';
import { formatTime } from '../../data/time.js';
import { isUserError, UserError } from '../../errors.js';
import { effectiveNumberOfBets } from './bets.js';
import type { Rebalance } from './schedule.js';

export interface RebalanceSettings {
  method: PortfolioMethod;
  covariance: CovarianceMethod;
  constraints: Omit<WeightConstraints, 'previous'>;
  /** Per period, as the optimizers take them. */
  riskFreeRate?: number;
  targetReturn?: number;
  targetRisk?: number;
  views?: View[];
  /** Choose this many assets on the first lookback window (simulated annealing) and allocate among them only. */
  select?: { k: number; seed: number; objective: SubsetObjective; iterations?: number };
}

export interface RebalanceRecord {
  /** Bar whose close decided the weights. */
  bar: number;
  /** Target weights, one per asset (0 for assets not selected). */
  weights: Float64Array;
  /** Per period, from the window's estimates (Black-Litterman: the posterior). */
  expectedReturn: number;
  volatility: number;
  /** Meucci's effective number of bets under the window's covariance (NaN in cash). */
  effectiveBets: number;
  /** max-sharpe found no asset whose estimated return beats the risk-free rate: the rebalance went to cash. */
  inCash: boolean;
}

export interface RebalancePlan {
  /** weights[a][t]: the target of asset a decided at bar t, NaN where no rebalance happens. */
  weights: Float64Array[];
  history: RebalanceRecord[];
  /** Indices of the assets chosen by --select (all assets without it). */
  selected: number[];
  subset?: SubsetResult;
}

/** Return of bar i for each asset, bars from..to-1 (from >= 1). */
function returnsWindow(closes: readonly Float64Array[], assets: readonly string[], pick: readonly number[], from: number, to: number): ReturnsWindow {
  return {
    assets: pick.map((a) => assets[a]),
    columns: pick.map((a) => {
      const c = closes[a];
      const out = new Float64Array(to - from);
      for (let i = from; i < to; i++) out[i - from] = c[i] / c[i - 1] - 1;
      return out;
    }),
  };
}

/** The last targets after the prices moved from bar `from` to bar `to` (cash, 1 - sum w, does not move). */
function drifted(weights: Float64Array, closes: readonly Float64Array[], pick: readonly number[], from: number, to: number): Float64Array {
  const out = new Float64Array(pick.length);
  let total = 1;
  pick.forEach((a, k) => {
    const w = weights[a];
    out[k] = w * (closes[a][to] / closes[a][from]);
    total += out[k] - w;
  });
  for (let k = 0; k < out.length; k++) out[k] /= total;
  return out;
}

/** An optimizer's refusal, placed: which rebalance it happened at. */
function at(error: unknown, time: number): unknown {
  // A refusal that names a flag is about the settings, not this window's data: it stands as it is.
  if (!isUserError(error) || error.message.startsWith('--')) return error;
  return new UserError(`At the rebalance of ${formatTime(time)}: ${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}`, { exitCode: error.exitCode, code: error.code });
}

/** Solver round-off the engine would refuse or trade on. */
const ROUND_OFF = 1e-9;

/**
 * The quadratic-program solver leaves round-off the engine takes literally: a long-only weight of -1e-17 (a
 * tiny short) or a gross exposure of leverage + 6e-12 (refused as above leverage). Within ROUND_OFF these are
 * set to 0 and scaled to the leverage; anything larger is left for the engine to refuse.
 */
function tidy(weights: Float64Array[], bar: number, longOnly: boolean, leverage: number): void {
  let gross = 0;
  for (const column of weights) {
    if (longOnly && column[bar] < 0 && column[bar] > -ROUND_OFF) column[bar] = 0;
    gross += Math.abs(column[bar]);
  }
  if (gross > leverage && gross <= leverage * (1 + ROUND_OFF)) for (const column of weights) column[bar] *= leverage / gross;
}

/** Excess return per period a portfolio must reach to count as beating the risk-free rate. */
const POSITIVE_EXCESS = 1e-12;

/**
 * Max-Sharpe, or undefined (hold cash) where no portfolio the constraints allow has a positive expected excess
 * return: the maximum Sharpe ratio is undefined there, and ending a ten-year backtest at its first bear market
 * would be no answer. Any other refusal is passed on: the constraints alone (min-variance fails too), or a
 * failure while a positive-excess portfolio exists (mean-variance reaches one).
 */
function maxSharpeOrCash(input: OptimizeInput): OptimizeResult | undefined {
  try {
    return optimizePortfolio('max-sharpe', input);
  } catch (error) {
    if (!isUserError(error)) throw error;
    optimizePortfolio('min-variance', { ...input, riskFreeRate: undefined });
    try {
      optimizePortfolio('mean-variance', { ...input, riskFreeRate: undefined, targetReturn: (input.riskFreeRate ?? 0) + POSITIVE_EXCESS });
    } catch (reach) {
      if (isUserError(reach)) return undefined;
      throw reach;
    }
    throw error;
  }
}

/**
 * The plan for aligned closes (one column per asset, no missing values) and a schedule. `progress` is
 * called after each rebalance with (done, total).
 */
export function planRebalances(
  closes: readonly Float64Array[],
  time: Float64Array,
  assets: readonly string[],
  schedule: readonly Rebalance[],
  settings: RebalanceSettings,
  progress?: (done: number, total: number) => void,
): RebalancePlan {
  const m = closes.length;
  const n = time.length;
  const weights = closes.map(() => new Float64Array(n).fill(NaN));
  const history: RebalanceRecord[] = [];
  let selected = assets.map((_, a) => a);
  let subset: SubsetResult | undefined;
  if (settings.select && schedule.length > 0) {
    const first = schedule[0];
    const estimate = estimateCovariance(returnsWindow(closes, assets, selected, first.from, first.to), settings.covariance);
    const { k, seed, objective, iterations } = settings.select;
    // The selection scores each subset's portfolio from cash: a turnover limit has nothing to apply to yet.
    const { maxTurnover: _maxTurnover, ...bounds } = settings.constraints;
    subset = selectSubset({ mean: estimate.mean, cov: estimate.cov, k, seed, objective, iterations, riskFreeRate: settings.riskFreeRate, constraints: bounds });
    selected = subset.indices;
  }
  let previous: Float64Array | undefined;
  let previousBar = 0;
  for (const [r, rebalance] of schedule.entries()) {
    const window = returnsWindow(closes, assets, selected, rebalance.from, rebalance.to);
    let record: RebalanceRecord;
    try {
      const estimate = estimateCovariance(window, settings.covariance);
      const constraints: WeightConstraints = { ...settings.constraints };
      // An allocation made from cash (the first, or after a max-Sharpe rebalance to cash) is not turnover-capped.
      if (previous !== undefined && previous.some((w) => w !== 0) && settings.constraints.maxTurnover !== undefined) constraints.previous = drifted(previous, closes, selected, previousBar, rebalance.bar);
      else delete constraints.maxTurnover;
      const input: OptimizeInput = {
        assets: window.assets,
        mean: estimate.mean,
        cov: estimate.cov,
        returns: window,
        constraints,
        ...(settings.riskFreeRate === undefined ? {} : { riskFreeRate: settings.riskFreeRate }),
        ...(settings.targetReturn === undefined ? {} : { targetReturn: settings.targetReturn }),
        ...(settings.targetRisk === undefined ? {} : { targetRisk: settings.targetRisk }),
        ...(settings.views === undefined ? {} : { views: settings.views }),
      };
      const result = settings.method === 'max-sharpe' ? maxSharpeOrCash(input) : optimizePortfolio(settings.method, input);
      if (result === undefined) {
        record = { bar: rebalance.bar, weights: new Float64Array(m), expectedReturn: 0, volatility: 0, effectiveBets: NaN, inCash: true };
      } else {
        const full = new Float64Array(m);
        selected.forEach((a, k) => (full[a] = result.weights[k]));
        const effectiveBets = effectiveNumberOfBets(result.weights, estimate.cov);
        record = { bar: rebalance.bar, weights: full, expectedReturn: result.expectedReturn, volatility: result.volatility, effectiveBets, inCash: false };
      }
    } catch (error) {
      throw at(error, time[rebalance.bar]);
    }
    const leverage = settings.constraints.leverage ?? 1;
    for (let a = 0; a < m; a++) weights[a][rebalance.bar] = record.weights[a];
    tidy(weights, rebalance.bar, settings.constraints.longOnly ?? true, leverage);
    history.push(record);
    previous = record.weights;
    previousBar = rebalance.bar;
    progress?.(r + 1, schedule.length);
  }
  return { weights, history, selected, ...(subset ? { subset } : {}) };
}
