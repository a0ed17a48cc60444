/**
 * Optimizers against closed forms: two assets, equal variances and correlations, diagonal covariance,
 * unconstrained minimum variance and tangency portfolios (Sigma^-1 1 and Sigma^-1 (mu - rf), normalised).
 */
import { describe, expect, it } from 'vitest';
import { optimizePortfolio, type OptimizeInput } from '../../src/portfolio/index.js';
import { inverse, matVec } from '../../src/portfolio/linalg.js';
import { Mulberry32 } from '../../src/stats/mulberry32.js';

const unbounded = { longOnly: false, minWeight: -Infinity, maxWeight: Infinity };

function randomCov(n: number, seed: number, scale = 1e-4): Float64Array {
  const rng = new Mulberry32(seed);
  const k = n + 3;
  const b = Float64Array.from({ length: n * k }, () => rng.next() * 2 - 1);
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += b[i * k + t] * b[j * k + t];
      cov[i * n + j] = (scale * s) / k + (i === j ? scale * 0.05 : 0);
    }
  return cov;
}

function input(n: number, cov: Float64Array, mean = new Float64Array(n)): OptimizeInput {
  return { assets: Array.from({ length: n }, (_, i) => `A${i}`), mean, cov };
}

describe('closed forms', () => {
  it('two assets: min-variance weight (s2^2 - s12) / (s1^2 + s2^2 - 2 s12)', () => {
    const [s1, s2, rho] = [0.2, 0.3, 0.25];
    const c12 = rho * s1 * s2;
    const cov = Float64Array.from([s1 * s1, c12, c12, s2 * s2]);
    const w1 = (s2 * s2 - c12) / (s1 * s1 + s2 * s2 - 2 * c12);
    const r = optimizePortfolio('min-variance', input(2, cov));
    expect(r.weights[0]).toBeCloseTo(w1, 10);
    expect(r.weights[1]).toBeCloseTo(1 - w1, 10);
    // Hand-worked: 0.09 - 0.015 over 0.04 + 0.09 - 0.03 = 0.75.
    expect(w1).toBeCloseTo(0.75, 12);
    expect(r.volatility).toBeCloseTo(Math.sqrt(0.75 ** 2 * 0.04 + 0.25 ** 2 * 0.09 + 2 * 0.75 * 0.25 * c12), 10);
  });

  it('two assets with high correlation: long-only pins the corner, long-short goes short', () => {
    const [s1, s2, rho] = [0.1, 0.3, 0.9];
    const c12 = rho * s1 * s2;
    const cov = Float64Array.from([s1 * s1, c12, c12, s2 * s2]);
    const w1 = (s2 * s2 - c12) / (s1 * s1 + s2 * s2 - 2 * c12);
    expect(w1).toBeGreaterThan(1);
    expect(optimizePortfolio('min-variance', input(2, cov)).weights[0]).toBeCloseTo(1, 10);
    const ls = optimizePortfolio('min-variance', { ...input(2, cov), constraints: { longOnly: false, leverage: 3 } });
    // The auxiliary |w| variables carry a 1e-9 ridge (qp.ts): agreement to 1e-8.
    expect(ls.weights[0]).toBeCloseTo(w1, 8);
  });

  it('equal variances and equal correlations: every method gives equal weights', () => {
    const n = 5;
    const cov = Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 0.04 : 0.3 * 0.04));
    const mean = new Float64Array(n).fill(0.001);
    for (const method of ['min-variance', 'max-sharpe', 'risk-parity', 'black-litterman'] as const) {
      const r = optimizePortfolio(method, input(n, cov, mean));
      for (const w of r.weights) expect(w, method).toBeCloseTo(1 / n, 8);
    }
  });

  it('HRP with equal variances and correlations: equal halves get equal weight, unequal ones do not', () => {
    const make = (n: number) => Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 0.04 : 0.3 * 0.04));
    for (const w of optimizePortfolio('hrp', input(4, make(4))).weights) expect(w).toBeCloseTo(0.25, 12);
    // Five assets bisect into 2 | 3: the inverse-variance variances are s^2 (1 + r) / 2 and s^2 (1 + 2r) / 3,
    // so the pair gets alpha = 1 - 0.026 / (0.026 + 0.02133...) of the weight (worked by hand).
    const w5 = optimizePortfolio('hrp', input(5, make(5))).weights;
    const v2 = (0.04 * 1.3) / 2;
    const v3 = (0.04 * 1.6) / 3;
    const alpha = 1 - v2 / (v2 + v3);
    const sorted = [...w5].sort((a, b) => b - a);
    // The 3-cluster bisects again into 1 | 2: alpha' = 1 - s^2 / (s^2 + v2).
    const inner = 1 - 0.04 / (0.04 + v2);
    const expected = [(1 - alpha) * inner, alpha / 2, alpha / 2, ((1 - alpha) * (1 - inner)) / 2, ((1 - alpha) * (1 - inner)) / 2].sort((a, b) => b - a);
    sorted.forEach((w, i) => expect(w).toBeCloseTo(expected[i], 12));
  });

  it('diagonal covariance: risk parity is inverse volatility and min-variance inverse variance', () => {
    const vols = [0.1, 0.2, 0.25, 0.4];
    const cov = new Float64Array(16);
    vols.forEach((v, i) => (cov[i * 4 + i] = v * v));
    const rp = optimizePortfolio('risk-parity', input(4, cov));
    const inv = vols.map((v) => 1 / v);
    const total = inv.reduce((a, b) => a + b);
    rp.weights.forEach((w, i) => expect(w).toBeCloseTo(inv[i] / total, 10));
    rp.riskContribution.forEach((c) => expect(c).toBeCloseTo(0.25, 10));
    const mv = optimizePortfolio('min-variance', input(4, cov));
    const ivar = vols.map((v) => 1 / (v * v));
    const tv = ivar.reduce((a, b) => a + b);
    mv.weights.forEach((w, i) => expect(w).toBeCloseTo(ivar[i] / tv, 10));
    // HRP on uncorrelated assets: every split is by inverse variance, so HRP = inverse variance too.
    const hrp = optimizePortfolio('hrp', input(4, cov));
    hrp.weights.forEach((w, i) => expect(w).toBeCloseTo(ivar[i] / tv, 10));
  });

  it('unconstrained min-variance = S^-1 1 / 1\'S^-1 1 and max-sharpe = S^-1 (mu - rf) / 1\'S^-1 (mu - rf)', () => {
    for (const seed of [1, 2, 3]) {
      const n = 8;
      const cov = randomCov(n, seed);
      const inv = inverse(cov, n)!;
      const ones = matVec(inv, new Float64Array(n).fill(1));
      const sum = ones.reduce((a, b) => a + b);
      const r = optimizePortfolio('min-variance', { ...input(n, cov), constraints: unbounded });
      r.weights.forEach((w, i) => expect(w).toBeCloseTo(ones[i] / sum, 8));

      const rng = new Mulberry32(seed + 100);
      const mean = Float64Array.from({ length: n }, () => 0.0005 + 0.001 * rng.next());
      const rf = 0.0002;
      const t = matVec(inv, mean.map((m) => m - rf));
      const ts = t.reduce((a, b) => a + b);
      const s = optimizePortfolio('max-sharpe', { ...input(n, cov, mean), riskFreeRate: rf, constraints: unbounded });
      s.weights.forEach((w, i) => expect(w).toBeCloseTo(t[i] / ts, 8));
      // The tangency portfolio's Sharpe ratio is sqrt(e' S^-1 e) when its weights sum to a positive number.
      const e = mean.map((m) => m - rf);
      expect(s.sharpe).toBeCloseTo(Math.sqrt(t.reduce((a, v, i) => a + v * e[i], 0)), 8);
    }
  });

  it('mean-variance at a target return: the two-fund closed form w = S^-1 (l 1 + g mu)', () => {
    const n = 6;
    const cov = randomCov(n, 9);
    const rng = new Mulberry32(10);
    const mean = Float64Array.from({ length: n }, () => 0.001 * rng.next());
    const inv = inverse(cov, n)!;
    const a1 = matVec(inv, new Float64Array(n).fill(1));
    const am = matVec(inv, mean);
    const A = a1.reduce((s, v) => s + v);
    const B = am.reduce((s, v) => s + v);
    const C = am.reduce((s, v, i) => s + v * mean[i], 0);
    const D = A * C - B * B;
    const target = 0.0009;
    const lambda = (C - B * target) / D;
    const gamma = (A * target - B) / D;
    const r = optimizePortfolio('mean-variance', { ...input(n, cov, mean), targetReturn: target, constraints: unbounded });
    r.weights.forEach((w, i) => expect(w).toBeCloseTo(lambda * a1[i] + gamma * am[i], 8));
    expect(r.expectedReturn).toBeCloseTo(target, 12);
    // Target risk at that portfolio's volatility finds the same portfolio.
    const back = optimizePortfolio('mean-variance', { ...input(n, cov, mean), targetRisk: r.volatility, constraints: unbounded });
    back.weights.forEach((w, i) => expect(w).toBeCloseTo(r.weights[i], 5));
    expect(back.volatility).toBeLessThanOrEqual(r.volatility * (1 + 1e-12));
  });

  it('risk parity on 50 random covariances: every asset carries 1/n of the variance (Spinu\'s fixed point)', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const n = 2 + (seed % 30);
      const cov = randomCov(n, 1000 + seed, 1e-4 * (1 + seed));
      const r = optimizePortfolio('risk-parity', input(n, cov));
      expect(r.weights.reduce((a, b) => a + b)).toBeCloseTo(1, 14);
      // Contributions from the test's own arithmetic, not the result's field.
      const sw = matVec(cov, r.weights);
      const variance = r.weights.reduce((a, w, i) => a + w * sw[i], 0);
      r.weights.forEach((w, i) => {
        expect(w).toBeGreaterThan(0);
        expect((w * sw[i]) / variance).toBeCloseTo(1 / n, 10);
      });
      r.riskContribution.forEach((c) => expect(c).toBeCloseTo(1 / n, 10));
    }
  });
});
