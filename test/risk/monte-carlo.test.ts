import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { monteCarloVar, simulatePortfolioReturns } from '../../src/risk/monte-carlo.js';
import { NormalStream } from '../../src/risk/normal-draws.js';
import { normalVar } from '../../src/risk/var.js';

// Three assets: vols 1%, 2%, 1.5% per period, correlations 0.3, -0.2, 0.5.
const vol = [0.01, 0.02, 0.015];
const corr = [1, 0.3, -0.2, 0.3, 1, 0.5, -0.2, 0.5, 1];
const cov = Float64Array.from(corr, (r, k) => r * vol[Math.floor(k / 3)] * vol[k % 3]);
const mean = Float64Array.of(0.0004, 0.0008, -0.0002);
const weights = Float64Array.of(0.5, 0.3, 0.2);
const portfolioMean = 0.5 * 0.0004 + 0.3 * 0.0008 + 0.2 * -0.0002;
let variance = 0;
for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) variance += weights[i] * cov[i * 3 + j] * weights[j];
const portfolioSd = Math.sqrt(variance);

describe('Monte Carlo VaR', () => {
  it('draws standard normals: mean 0 and variance 1 within their standard errors', () => {
    const draws = new Float64Array(200_000);
    new NormalStream(1).fill(draws);
    const m = draws.reduce((a, b) => a + b, 0) / draws.length;
    const v = draws.reduce((a, b) => a + (b - m) ** 2, 0) / (draws.length - 1);
    expect(Math.abs(m)).toBeLessThan(4 / Math.sqrt(draws.length));
    expect(Math.abs(v - 1)).toBeLessThan(4 * Math.sqrt(2 / draws.length));
  });

  it('simulates the portfolio with the mean w\'mu and variance w\'Sigma w of its covariance (through Cholesky)', () => {
    const n = 200_000;
    const r = simulatePortfolioReturns({ mean, cov, weights, horizon: 1, simulations: n, seed: 9 });
    const m = r.reduce((a, b) => a + b, 0) / n;
    const v = r.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1);
    expect(Math.abs(m - portfolioMean)).toBeLessThan((4 * portfolioSd) / Math.sqrt(n));
    expect(Math.abs(v / variance - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });

  it('converges to the parametric normal VaR and CVaR, within 4 standard errors', () => {
    const simulations = 200_000;
    const [at95, at99] = monteCarloVar({ mean, cov, weights, horizon: 1, simulations, seed: 42 }, [0.95, 0.99]);
    for (const [mc, c] of [[at95, 0.95], [at99, 0.99]] as const) {
      const exact = normalVar(portfolioMean, portfolioSd, c);
      expect(Math.abs(mc.var - exact.var), `VaR ${c}`).toBeLessThan(4 * mc.standardError);
      // The tail mean's error is of the same order as the quantile's.
      expect(Math.abs(mc.cvar - exact.cvar), `CVaR ${c}`).toBeLessThan(4 * mc.standardError);
    }
    // The standard error shrinks as 1/sqrt(N): a fifth of the draws, sqrt(5) times the error.
    const [small] = monteCarloVar({ mean, cov, weights, horizon: 1, simulations: simulations / 5, seed: 42 }, [0.95]);
    expect(small.standardError / at95.standardError).toBeCloseTo(Math.sqrt(5), 10);
  });

  it('compounds N simulated periods', () => {
    // One asset with zero volatility would be singular; a tiny one makes the N-period return exactly (1 + mu)^N - 1.
    const r = simulatePortfolioReturns({ mean: Float64Array.of(0.01), cov: Float64Array.of(1e-20), weights: Float64Array.of(1), horizon: 5, simulations: 3, seed: 1 });
    for (const x of r) expect(x).toBeCloseTo(1.01 ** 5 - 1, 8);
  });

  it('is reproducible by seed and changes with it', () => {
    const input = { mean, cov, weights, horizon: 1, simulations: 1000, seed: 5 };
    expect(simulatePortfolioReturns(input)).toEqual(simulatePortfolioReturns(input));
    expect(simulatePortfolioReturns({ ...input, seed: 6 })).not.toEqual(simulatePortfolioReturns(input));
  });

  it('refuses a singular covariance in one sentence naming the assets, and zero simulations', () => {
    const singular = Float64Array.of(1e-4, 1e-4, 1e-4, 1e-4);
    const call = () => simulatePortfolioReturns({ mean: new Float64Array(2), cov: singular, weights: Float64Array.of(0.5, 0.5), horizon: 1, simulations: 10, seed: 1, assets: ['A', 'A2'] });
    expect(call).toThrow(UserError);
    expect(call).toThrow(/^The covariance of A, A2 is singular .*remove the redundant asset\.$/);
    expect(() => simulatePortfolioReturns({ mean, cov, weights, horizon: 1, simulations: 0, seed: 1 })).toThrow(RangeError);
  });
});
