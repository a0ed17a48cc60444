/**
 * Monte Carlo VaR: the assets' returns drawn from a multivariate normal with the estimated mean vector and
 * covariance, mu + L z with L its Cholesky factor (src/portfolio/linalg.ts) and z independent N(0, 1) draws
 * (one per asset per period), the portfolio held at fixed weights (rebalanced every period), its return
 * compounded over the horizon; VaR and CVaR are then read from the simulated returns with the historical
 * convention (historicalVar).
 */
import { cholesky } from '../portfolio/linalg.js';
import { UserError } from '../errors.js';
import { normalPdf, normalQuantile } from '../stats/normal.js';
import { NormalStream } from './normal-draws.js';
import { historicalVar, type VarEstimate } from './var.js';

export interface MonteCarloVarInput {
  /** Mean return per period of each asset. */
  mean: Float64Array;
  /** Covariance per period, n x n row-major. */
  cov: Float64Array;
  weights: Float64Array;
  horizon: number;
  simulations: number;
  seed: number;
  /** Asset names, for the singular-covariance message. */
  assets?: string[];
}

/** The simulated portfolio returns over the horizon, one per simulation. */
export function simulatePortfolioReturns(input: MonteCarloVarInput): Float64Array {
  const { mean, cov, weights, horizon, simulations, seed } = input;
  const n = weights.length;
  if (!(Number.isInteger(simulations) && simulations >= 1)) throw new RangeError(`Monte Carlo VaR needs a whole number of simulations of 1 or more, not ${simulations}.`);
  if (!(Number.isInteger(horizon) && horizon >= 1)) throw new RangeError(`The horizon must be a whole number of periods of 1 or more, not ${horizon}.`);
  const l = cholesky(cov, n);
  if (!l) {
    const names = input.assets ? ` of ${input.assets.join(', ')}` : '';
    throw new UserError(`The covariance${names} is singular (an asset moves exactly as a combination of the others, e.g. the same symbol twice): Monte Carlo VaR cannot draw from it; remove the redundant asset.`, { exitCode: 1, code: 'RRR_SINGULAR_COVARIANCE' });
  }
  // The portfolio's return is w'(mu + L z) = w'mu + (L'w)'z: the assets' correlated draws L z enter only
  // through this sum, so b = L'w is formed once and each period costs n multiply-adds, not n(n+1)/2.
  let drift = 0;
  for (let i = 0; i < n; i++) drift += weights[i] * mean[i];
  const b = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = j; i < n; i++) s += l[i * n + j] * weights[i];
    b[j] = s;
  }
  const normals = new NormalStream(seed);
  const out = new Float64Array(simulations);
  for (let s = 0; s < simulations; s++) {
    let growth = 1;
    for (let h = 0; h < horizon; h++) {
      let r = drift;
      for (let j = 0; j < n; j++) r += b[j] * normals.next();
      growth *= 1 + r;
    }
    out[s] = growth - 1;
  }
  return out;
}

export interface MonteCarloVar extends VarEstimate {
  /**
   * Standard error of the simulated VaR for one period, from the asymptotic variance of a sample quantile,
   * sqrt(alpha (1 - alpha) / N) / f(q), with f the normal density of the portfolio return at its quantile.
   */
  standardError: number;
}

/** VaR and CVaR at each confidence from one set of simulated portfolio returns. */
export function monteCarloVar(input: MonteCarloVarInput, confidences: readonly number[]): MonteCarloVar[] {
  const simulated = simulatePortfolioReturns(input);
  const n = input.weights.length;
  let variance = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) variance += input.weights[i] * input.cov[i * n + j] * input.weights[j];
  const sd = Math.sqrt(variance * input.horizon);
  return confidences.map((c) => {
    const alpha = 1 - c;
    const density = normalPdf(normalQuantile(c)) / sd;
    return { ...historicalVar(simulated, c), standardError: Math.sqrt((alpha * (1 - alpha)) / input.simulations) / density };
  });
}
