/** Bad input: one sentence naming what was wrong and what is accepted, as a UserError (exit 2). */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { optimizePortfolio, type OptimizeInput, type PortfolioMethod } from '../../src/portfolio/index.js';

const assets = ['A', 'B', 'C', 'D', 'E'];
const vols = [0.01, 0.012, 0.015, 0.02, 0.025];
const cov = Float64Array.from({ length: 25 }, (_, k) => {
  const [i, j] = [Math.floor(k / 5), k % 5];
  return (i === j ? 1 : 0.3) * vols[i] * vols[j];
});
const mean = Float64Array.from([0.0002, 0.0003, 0.0004, 0.0005, 0.0006]);
const base: OptimizeInput = { assets, mean, cov };

function refusal(method: PortfolioMethod, input: OptimizeInput): string {
  try {
    optimizePortfolio(method, input);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    const message = (error as UserError).message;
    expect((error as UserError).exitCode).toBe(2);
    // One sentence: a single full stop, at the end (decimals aside).
    expect(message.replace(/\d\.\d/g, '').replace(/\.$/, '')).not.toMatch(/\.\s/);
    expect(message.endsWith('.')).toBe(true);
    return message;
  }
  throw new Error(`${method} did not refuse`);
}

describe('refusals', () => {
  it('too few assets, saying how many are needed', () => {
    expect(refusal('min-variance', { assets: ['A'], mean: mean.slice(0, 1), cov: cov.slice(0, 1) })).toBe('--method min-variance needs at least 2 assets and one was given; add --symbol.');
    expect(optimizePortfolio('equal-weight', { assets: ['A'], mean: mean.slice(0, 1), cov: cov.slice(0, 1) }).weights[0]).toBe(1);
  });

  it('a singular covariance, suggesting Ledoit-Wolf', () => {
    // Asset C = A exactly: rank 4 of 5.
    const singular = Float64Array.from(cov);
    for (let k = 0; k < 5; k++) {
      singular[2 * 5 + k] = singular[k];
      singular[k * 5 + 2] = singular[k * 5];
    }
    singular[12] = singular[0];
    for (const method of ['min-variance', 'max-sharpe', 'risk-parity', 'hrp', 'black-litterman'] as const)
      expect(refusal(method, { ...base, cov: singular })).toMatch(/singular or not positive definite.*use --covariance ledoit-wolf/);
  });

  it('infeasible bounds, saying which and what would do', () => {
    expect(refusal('min-variance', { ...base, constraints: { maxWeight: 0.1 } })).toBe('--max-weight 0.1 with 5 assets cannot sum to 1: raise it to at least 0.2.');
    expect(refusal('min-variance', { ...base, constraints: { minWeight: 0.3 } })).toBe('--min-weight 0.3 with 5 assets sums to more than 1: lower it to at most 0.2.');
    expect(refusal('min-variance', { ...base, constraints: { minWeight: -0.1 } })).toMatch(/allows short positions, which --long-only forbids/);
    expect(refusal('min-variance', { ...base, constraints: { minWeight: 0.3, maxWeight: 0.2 } })).toMatch(/--min-weight 0.3 is above --max-weight 0.2/);
    expect(refusal('min-variance', { ...base, constraints: { longOnly: false, leverage: 0.5 } })).toMatch(/--leverage 0.5 is below 1/);
    // Turnover 0.1 from all-in-A cannot reach a 0.5 cap on A (needs 0.5 of turnover).
    const previous = Float64Array.from([1, 0, 0, 0, 0]);
    expect(refusal('min-variance', { ...base, constraints: { maxWeight: 0.5, previous, maxTurnover: 0.1 } })).toBe(
      'No portfolio meets all the constraints (weights in [0, 0.5] summing to 1, turnover at most 0.1 from the previous weights); loosen one of them.',
    );
  });

  it('a target return above the largest reachable, and a target risk below the least', () => {
    expect(refusal('mean-variance', { ...base, targetReturn: 0.001 })).toBe('The target return 0.001 per period is above the largest these assets and constraints can reach (about 0.0006); lower --target-return.');
    // With a 0.4 cap the best is 0.4 E + 0.4 D + 0.2 C = 0.00052.
    expect(refusal('mean-variance', { ...base, targetReturn: 0.00055, constraints: { maxWeight: 0.4 } })).toMatch(/about 0\.00052\)/);
    expect(refusal('mean-variance', { ...base, targetRisk: 0.001 })).toMatch(/^The target risk 0.001 per period is below the least these assets and constraints allow \(0\.00/);
    expect(refusal('mean-variance', base)).toBe('--method mean-variance needs exactly one of --target-return or --target-risk.');
    expect(refusal('min-variance', { ...base, targetReturn: 0.0001 })).toBe('--target-return applies only to --method mean-variance, not min-variance.');
  });

  it('max-sharpe when no asset beats the risk-free rate', () => {
    expect(refusal('max-sharpe', { ...base, riskFreeRate: 0.001 })).toBe(
      "No asset's expected return (at most 0.0006 per period) beats the risk-free rate 0.001, so no portfolio has a positive Sharpe ratio; lower the risk-free rate or use min-variance.",
    );
  });

  it('settings a method cannot use are refused, not dropped', () => {
    expect(refusal('hrp', { ...base, constraints: { maxWeight: 0.3 } })).toMatch(/--method hrp is long-only and fully invested and takes no weight bounds/);
    expect(refusal('risk-parity', { ...base, constraints: { longOnly: false } })).toMatch(/--method risk-parity is long-only/);
    expect(refusal('min-variance', { ...base, views: [] })).toMatch(/apply only to --method black-litterman/);
    expect(refusal('nope' as PortfolioMethod, base)).toMatch(/^Unknown portfolio method "nope"; use one of min-variance, /);
    expect(refusal('min-variance', { ...base, assets: ['A', 'B', 'C', 'D', 'A'] })).toMatch(/listed twice \(A\)/);
  });
});
