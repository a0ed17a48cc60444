/**
 * Portfolio optimizers: one entry point, optimizePortfolio(method, input), over the estimates of
 * covariance.ts. Methods and their solvers:
 * - equal-weight: 1/n;
 * - min-variance, max-sharpe, mean-variance: quadratic programs (mean-variance.ts, quadprog);
 * - risk-parity: Spinu's Newton method (risk-parity.ts); hrp: Lopez de Prado (hrp.ts);
 * - black-litterman: the posterior of black-litterman.ts, then He & Litterman's unconstrained weights
 *   (delta S_p)^-1 mu normalised to sum to 1 when no constraints are given, or the quadratic utility
 *   max mu'w - (delta/2) w'S_p w under the constraints when they are.
 */
import { UserError } from '../errors.js';
import { blackLittermanPosterior } from './black-litterman.js';
import { isDefault } from './constraints.js';
import { hierarchicalRiskParity } from './hrp.js';
import { matVec, quadForm } from './linalg.js';
import { checkCovariance, efficientReturn, efficientRisk, maxSharpe, maxUtility, minVariance } from './mean-variance.js';
import { riskParity } from './risk-parity.js';
import { PORTFOLIO_METHODS, type OptimizeInput, type OptimizeResult, type PortfolioMethod } from './types.js';

export * from './types.js';
export { estimateCovariance, correlationFromCovariance, type CovarianceEstimate } from './covariance.js';
export { parseViews, blackLittermanPosterior, type BlackLittermanPosterior } from './black-litterman.js';
export { hierarchicalRiskParity } from './hrp.js';
export { riskParity } from './risk-parity.js';
export { resolveConstraints } from './constraints.js';

/** The fewest assets each method accepts. */
export const MINIMUM_ASSETS: Record<PortfolioMethod, number> = {
  'equal-weight': 1,
  'min-variance': 2,
  'max-sharpe': 2,
  'mean-variance': 2,
  'risk-parity': 2,
  hrp: 2,
  'black-litterman': 2,
};

export function optimizePortfolio(method: PortfolioMethod, input: OptimizeInput): OptimizeResult {
  if (!PORTFOLIO_METHODS.includes(method)) throw new UserError(`Unknown portfolio method "${String(method)}"; use one of ${PORTFOLIO_METHODS.join(', ')}.`);
  const { assets, mean, cov, constraints } = input;
  const n = assets.length;
  const need = MINIMUM_ASSETS[method];
  if (n < need) throw new UserError(`--method ${method} needs at least ${need} assets and ${n === 0 ? 'none was' : n === 1 ? 'one was' : `${n} were`} given; add --symbol.`);
  if (mean.length !== n) throw new UserError(`${mean.length} expected returns were given for ${n} assets; give one per asset.`);
  if (new Set(assets).size !== n) throw new UserError(`An asset is listed twice (${assets.find((a, i) => assets.indexOf(a) !== i)}); list each once.`);
  refuseUnused(method, input);
  if (method !== 'equal-weight') checkCovariance(cov, n);

  let weights: Float64Array;
  let iterations = 0;
  let mu = mean;
  let sigma = cov;
  let posteriorMean: Float64Array | undefined;
  switch (method) {
    case 'equal-weight':
      weights = new Float64Array(n).fill(1 / n);
      break;
    case 'min-variance':
      ({ weights, iterations } = minVariance(cov, n, constraints));
      break;
    case 'max-sharpe':
      ({ weights, iterations } = maxSharpe(mean, cov, n, input.riskFreeRate ?? 0, constraints));
      break;
    case 'mean-variance':
      ({ weights, iterations } =
        input.targetReturn !== undefined ? efficientReturn(mean, cov, n, input.targetReturn, constraints) : efficientRisk(mean, cov, n, input.targetRisk!, constraints));
      break;
    case 'risk-parity':
      ({ weights, iterations } = riskParity(cov, n));
      break;
    case 'hrp':
      weights = hierarchicalRiskParity(cov, n).weights;
      break;
    case 'black-litterman': {
      const post = blackLittermanPosterior(assets, cov, input);
      mu = posteriorMean = post.posteriorMean;
      sigma = post.posteriorCov;
      if (constraints === undefined) {
        let total = 0;
        for (const v of post.unconstrainedWeights) total += v;
        if (!(Math.abs(total) > 1e-12)) throw new UserError('The Black-Litterman weights sum to zero and cannot be scaled to a fully invested portfolio; give constraints (e.g. --long-only) or change the views.');
        weights = post.unconstrainedWeights.map((v) => v / total);
      } else ({ weights, iterations } = maxUtility(mu, sigma, n, input.riskAversion ?? 2.5, constraints));
      break;
    }
  }
  return { method, ...portfolioStatistics(weights, mu, sigma, input.riskFreeRate ?? 0), iterations, ...(posteriorMean ? { posteriorMean } : {}) };
}

/** Return, volatility, Sharpe ratio and each asset's share of the variance, per period. */
export function portfolioStatistics(weights: Float64Array, mean: Float64Array, cov: Float64Array, riskFreeRate = 0): Omit<OptimizeResult, 'method' | 'iterations' | 'posteriorMean'> {
  let expectedReturn = 0;
  for (let i = 0; i < weights.length; i++) expectedReturn += weights[i] * mean[i];
  const variance = quadForm(cov, weights);
  const volatility = Math.sqrt(Math.max(0, variance));
  const sw = matVec(cov, weights);
  const riskContribution = weights.map((w, i) => (variance > 0 ? (w * sw[i]) / variance : 0));
  return { weights, expectedReturn, volatility, sharpe: volatility > 0 ? (expectedReturn - riskFreeRate) / volatility : 0, riskContribution };
}

/** Every setting a method cannot use is refused with a sentence, never dropped. */
function refuseUnused(method: PortfolioMethod, input: OptimizeInput): void {
  if (method === 'mean-variance') {
    if ((input.targetReturn === undefined) === (input.targetRisk === undefined)) throw new UserError('--method mean-variance needs exactly one of --target-return or --target-risk.');
  } else if (input.targetReturn !== undefined || input.targetRisk !== undefined)
    throw new UserError(`--${input.targetReturn !== undefined ? 'target-return' : 'target-risk'} applies only to --method mean-variance, not ${method}.`);
  if (method !== 'black-litterman' && (input.views !== undefined || input.marketWeights !== undefined || input.tau !== undefined || input.riskAversion !== undefined))
    throw new UserError(`Views, market weights, tau and risk aversion apply only to --method black-litterman, not ${method}.`);
  if ((method === 'equal-weight' || method === 'risk-parity' || method === 'hrp') && !isDefault(input.constraints))
    throw new UserError(`--method ${method} is long-only and fully invested and takes no weight bounds, leverage or turnover limits; drop them or use min-variance, max-sharpe or mean-variance.`);
}
