/**
 * Portfolio optimizers as pure numerics: estimates in, weights out. No I/O, no store, no engine: the
 * rebalancing backtest (src/research/portfolio/) and `rrr risk` call these on windows of returns.
 * Matrices are n x n, row-major, in one Float64Array; asset order is the order of `assets` throughout.
 */

export const PORTFOLIO_METHODS = ['min-variance', 'max-sharpe', 'mean-variance', 'risk-parity', 'hrp', 'black-litterman', 'equal-weight'] as const;
export type PortfolioMethod = (typeof PORTFOLIO_METHODS)[number];

export const COVARIANCE_METHODS = ['sample', 'ledoit-wolf', 'ewma'] as const;
export type CovarianceMethod = (typeof COVARIANCE_METHODS)[number];

/** Returns of several assets over one window: one column per asset, all of one length. */
export interface ReturnsWindow {
  assets: string[];
  columns: Float64Array[];
}

export interface WeightConstraints {
  /** No short positions (each weight >= 0). Default true. */
  longOnly?: boolean;
  /**
   * Per-asset bounds. Defaults: long-only [0, 1]; long-short [-leverage, leverage], or [-1, 1] (as
   * PyPortfolioOpt's default bounds) without a leverage limit. -Infinity / Infinity remove a bound.
   */
  minWeight?: number;
  maxWeight?: number;
  /**
   * Gross exposure: sum of |w| at most this (>= 1). Net exposure sum(w) is always 1. Absent: no limit
   * beyond the bounds (a long-only portfolio has sum |w| = 1 anyway).
   */
  leverage?: number;
  /** Weights held before this rebalance and the most turnover (sum |w - previous|) allowed. */
  previous?: Float64Array;
  maxTurnover?: number;
}

/** A Black-Litterman view: absolute ("A returns 5%") or relative ("A beats B by 2%"), with confidence 0..1. */
export interface View {
  /** asset -> +1/-1 style pick weights (absolute: one asset with 1). */
  assets: Record<string, number>;
  /** Expected return of the view portfolio per period of the returns. */
  return: number;
  /** Idzorek confidence in (0, 1]; absent = He-Litterman default omega (tau * P Sigma P'). */
  confidence?: number;
}

export interface OptimizeInput {
  assets: string[];
  /** Expected return per period for each asset. */
  mean: Float64Array;
  /** Covariance per period, n x n row-major. */
  cov: Float64Array;
  /** The window's returns, for callers' records: every method works from mean and cov (HRP clusters on the correlations of cov, so the covariance method applies to it too). */
  returns?: ReturnsWindow;
  constraints?: WeightConstraints;
  /** Risk-free rate per period (max-sharpe). Default 0. */
  riskFreeRate?: number;
  /** mean-variance: minimise risk at this return per period, or maximise return at targetRisk (volatility per period). */
  targetReturn?: number;
  targetRisk?: number;
  /**
   * Black-Litterman: market-cap weights (default equal; normalised to sum 1), risk aversion delta (default
   * 2.5), tau (default 0.05). The prior is the implied Pi = delta S w_mkt, so `mean` is not used. Without
   * `constraints` the weights are He-Litterman's (delta S_p)^-1 mu normalised to sum to 1 (shorts allowed);
   * with `constraints` (even {}), the quadratic utility mu'w - delta/2 w'S_p w under them.
   */
  views?: View[];
  marketWeights?: Float64Array;
  riskAversion?: number;
  tau?: number;
}

export interface OptimizeResult {
  method: PortfolioMethod;
  weights: Float64Array;
  /** Per period, from the input's mean and cov (Black-Litterman: the posterior). */
  expectedReturn: number;
  volatility: number;
  sharpe: number;
  /** Share of portfolio variance from each asset: w_i (Sigma w)_i / w' Sigma w. */
  riskContribution: Float64Array;
  /** Solver iterations (quadprog's, Newton steps for risk parity; 0 for closed forms). */
  iterations: number;
  /** Black-Litterman posterior returns. */
  posteriorMean?: Float64Array;
}
