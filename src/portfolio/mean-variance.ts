/**
 * Markowitz optimizers as quadratic programs (qp.ts) under the weight constraints (constraints.ts):
 * - min-variance: min w'Sw;
 * - max-sharpe: min y'Sy s.t. (mu - rf)'y = 1 and the homogeneous constraints, w = y / sum y;
 * - mean-variance at a target return R: min w'Sw s.t. mu'w >= R (PyPortfolioOpt's efficient_return);
 * - mean-variance at a target risk s: max mu'w s.t. w'Sw <= s^2 (efficient_risk), found as the quadratic
 *   utility max mu'w - (lambda/2) w'Sw whose volatility is s, by bisection on log lambda.
 * S is divided by its mean variance before solving (the argmin does not change) so quadprog's tolerances
 * see numbers near 1 whatever the return frequency.
 */
import { UserError } from '../errors.js';
import { buildProgram, describeConstraints, resolveConstraints, type ResolvedConstraints } from './constraints.js';
import { cholesky, dot, quadForm } from './linalg.js';
import { solveQuadraticProgram } from './qp.js';
import type { WeightConstraints } from './types.js';

export interface Solved {
  weights: Float64Array;
  iterations: number;
}

export function checkCovariance(cov: Float64Array, n: number): void {
  if (cov.length !== n * n) throw new UserError(`The covariance has ${cov.length} entries for ${n} assets; give an ${n} x ${n} matrix.`);
  if (!cov.every(Number.isFinite)) throw new UserError('The covariance contains a non-finite value; check the returns window.');
  if (!cholesky(cov, n)) throw new UserError('The covariance matrix is singular or not positive definite (too few returns for the number of assets, or assets that move together exactly); use --covariance ledoit-wolf or a longer lookback.');
}

function scaled(cov: Float64Array, n: number): { h: Float64Array; scale: number } {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += cov[i * n + i];
  const scale = trace / n;
  return { h: Float64Array.from(cov, (v) => v / scale), scale };
}

function solveOrRefuse(hessian: Float64Array, linear: Float64Array | undefined, rc: ResolvedConstraints, what: string, options: Parameters<typeof buildProgram>[3] & { polish?: boolean } = {}): Solved {
  const n = Math.round(Math.sqrt(hessian.length));
  const { program } = buildProgram(hessian, linear, rc, options);
  const out = solveQuadraticProgram(program, { polish: options.polish });
  if (out.status === 'not-positive-definite') throw new UserError('The covariance matrix is not positive definite; use --covariance ledoit-wolf or a longer lookback.');
  if (out.status !== 'solved') throw new UserError(`No portfolio meets all the constraints (${describeConstraints(rc, what)}); loosen one of them.`);
  return { weights: out.x.slice(0, n), iterations: out.iterations };
}

export function minVariance(cov: Float64Array, n: number, constraints?: WeightConstraints): Solved {
  checkCovariance(cov, n);
  const rc = resolveConstraints(n, constraints);
  return solveOrRefuse(scaled(cov, n).h, undefined, rc, '');
}

export function maxSharpe(mean: Float64Array, cov: Float64Array, n: number, riskFreeRate = 0, constraints?: WeightConstraints): Solved {
  checkCovariance(cov, n);
  const rc = resolveConstraints(n, constraints);
  const excess = Float64Array.from(mean, (m) => m - riskFreeRate);
  let best = -Infinity;
  for (const e of excess) best = Math.max(best, e);
  if (!(best > 0)) throw new UserError(`No asset's expected return (at most ${formatRate(best + riskFreeRate)} per period) beats the risk-free rate ${formatRate(riskFreeRate)}, so no portfolio has a positive Sharpe ratio; lower the risk-free rate or use min-variance.`);
  // Scaling the excess returns only rescales y, which is normalised away.
  const unit = Float64Array.from(excess, (e) => e / best);
  const solved = solveOrRefuse(scaled(cov, n).h, undefined, rc, 'a positive expected excess return', { homogeneous: true, extraEqualities: [{ a: unit, b: 1 }] });
  let kappa = 0;
  for (const y of solved.weights) kappa += y;
  if (!(kappa > 1e-12)) throw new UserError('The highest-Sharpe portfolio under these constraints has zero net exposure and cannot be scaled to weights summing to 1; add --long-only or bounds.');
  return { weights: solved.weights.map((y) => y / kappa), iterations: solved.iterations };
}

/** The least-risk portfolio whose expected return is at least `target` per period. */
export function efficientReturn(mean: Float64Array, cov: Float64Array, n: number, target: number, constraints?: WeightConstraints): Solved {
  checkCovariance(cov, n);
  if (!Number.isFinite(target)) throw new UserError(`--target-return ${target} is not a number; give an expected return per period.`);
  return atLeast(mean, scaled(cov, n).h, resolveConstraints(n, constraints), target);
}

function atLeast(mean: Float64Array, h: Float64Array, rc: ResolvedConstraints, target: number): Solved {
  const n = mean.length;
  const { program } = buildProgram(h, undefined, rc, { extraInequalities: [{ a: Float64Array.from(mean), b: target }] });
  const out = solveQuadraticProgram(program);
  if (out.status === 'solved') return { weights: out.x.slice(0, n), iterations: out.iterations };
  if (out.status === 'not-positive-definite') throw new UserError('The covariance matrix is not positive definite; use --covariance ledoit-wolf or a longer lookback.');
  // Infeasible: either the constraints alone (refused with their description) or the target is too high.
  const top = maxReturn(mean, h, rc);
  throw new UserError(`The target return ${formatRate(target)} per period is above the largest these assets and constraints can reach (about ${formatRate(top)}); lower --target-return.`);
}

/**
 * About the largest expected return the constraints allow (a linear program): the quadratic utility with
 * a small risk term, 1e-6 of the scaled covariance; its answer is feasible, so never above the true maximum.
 */
function maxReturnPortfolio(mean: Float64Array, h: Float64Array, rc: ResolvedConstraints): Solved {
  let peak = 0;
  for (const m of mean) peak = Math.max(peak, Math.abs(m));
  return solveOrRefuse(
    h.map((v) => v * 1e-6),
    Float64Array.from(mean, (m) => -m / (peak || 1)),
    rc,
    '',
    { polish: true },
  );
}

function maxReturn(mean: Float64Array, h: Float64Array, rc: ResolvedConstraints): number {
  return dot(mean, maxReturnPortfolio(mean, h, rc).weights);
}

/**
 * The highest-return portfolio whose volatility per period is at most `target`: on the efficient frontier
 * volatility grows with the target return, so bisect the target return between the min-variance portfolio's
 * and the largest reachable, each step a well-scaled efficientReturn program.
 */
export function efficientRisk(mean: Float64Array, cov: Float64Array, n: number, target: number, constraints?: WeightConstraints): Solved {
  checkCovariance(cov, n);
  if (!(target > 0)) throw new UserError(`--target-risk ${target} is not positive; give a volatility per period above 0.`);
  const rc = resolveConstraints(n, constraints);
  const { h } = scaled(cov, n);
  const vol = (w: Float64Array) => Math.sqrt(quadForm(cov, w));
  const least = solveOrRefuse(h, undefined, rc, '');
  if (target < vol(least.weights) * (1 - 1e-9)) throw new UserError(`The target risk ${formatRate(target)} per period is below the least these assets and constraints allow (${formatRate(vol(least.weights))}); raise --target-risk.`);
  const top = maxReturnPortfolio(mean, h, rc);
  let iterations = least.iterations + top.iterations;
  if (vol(top.weights) <= target) return { weights: top.weights, iterations };
  let lo = dot(mean, least.weights);
  let hi = dot(mean, top.weights);
  let best = least;
  for (let k = 0; k < 100 && hi > lo; k++) {
    const mid = (lo + hi) / 2;
    let s: Solved;
    try {
      s = atLeast(mean, h, rc, mid);
    } catch {
      // Within rounding of the largest return quadprog may call the program infeasible: look lower.
      hi = mid;
      continue;
    }
    iterations += s.iterations;
    if (vol(s.weights) <= target) {
      best = s;
      lo = mid;
    } else hi = mid;
    if (Math.abs(vol(best.weights) - target) <= 1e-12 * target || hi - lo <= 1e-15 * Math.max(Math.abs(hi), Math.abs(lo))) break;
  }
  return { weights: best.weights, iterations };
}

function formatRate(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

/** The quadratic utility max mu'w - (delta/2) w'Sw under the constraints (Black-Litterman with constraints). */
export function maxUtility(mean: Float64Array, cov: Float64Array, n: number, riskAversion: number, constraints?: WeightConstraints): Solved {
  checkCovariance(cov, n);
  const rc = resolveConstraints(n, constraints);
  const { h, scale } = scaled(cov, n);
  return solveOrRefuse(h, Float64Array.from(mean, (m) => -m / (riskAversion * scale)), rc, '');
}
