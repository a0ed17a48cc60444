/**
 * Covariance estimators against independent references: scikit-learn's published LedoitWolf example, the
 * Ledoit-Wolf (2004) formulas written the paper's way (per-observation outer products), hand-worked sample
 * and EWMA cases; the linear algebra against hand-worked matrices.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { correlationFromCovariance, estimateCovariance } from '../../src/portfolio/index.js';
import { cholesky, choleskySolve, inverse, matMul, quadForm, solve } from '../../src/portfolio/linalg.js';
import { Mulberry32 } from '../../src/stats/mulberry32.js';

function fixture(): Float64Array[] {
  const lines = readFileSync(new URL('../fixtures/portfolio/sklearn-ledoit-wolf-X.csv', import.meta.url), 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((l) => l.split(',').map(Number));
  return [Float64Array.from(rows, (r) => r[0]), Float64Array.from(rows, (r) => r[1])];
}

/** Ledoit & Wolf (2004), section 3.3, with <A, B> = tr(AB')/p: m, d^2, b-bar^2, b^2 = min(b-bar^2, d^2). */
function ledoitWolfPaper(columns: Float64Array[]): { cov: number[][]; shrinkage: number } {
  const p = columns.length;
  const n = columns[0].length;
  const mean = columns.map((c) => c.reduce((a, b) => a + b) / n);
  const x = Array.from({ length: n }, (_, k) => columns.map((c, i) => c[k] - mean[i]));
  const S = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => x.reduce((a, r) => a + r[i] * r[j], 0) / n));
  const inner = (A: number[][], B: number[][]) => A.reduce((a, row, i) => a + row.reduce((b, v, j) => b + v * B[i][j], 0), 0) / p;
  const I = S.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
  const m = inner(S, I);
  const D = S.map((row, i) => row.map((v, j) => v - m * I[i][j]));
  const d2 = inner(D, D);
  let bbar2 = 0;
  for (const r of x) {
    const E = r.map((a, i) => r.map((b, j) => a * b - S[i][j]));
    bbar2 += inner(E, E);
  }
  bbar2 /= n * n;
  const b2 = Math.min(bbar2, d2);
  const shrinkage = b2 / d2;
  return { cov: S.map((row, i) => row.map((v, j) => shrinkage * m * I[i][j] + (1 - shrinkage) * v)), shrinkage };
}

describe('covariance estimators', () => {
  it("Ledoit-Wolf reproduces scikit-learn's documented example", () => {
    const columns = fixture();
    const est = estimateCovariance({ assets: ['x0', 'x1'], columns }, 'ledoit-wolf');
    // Published to 4 decimals with "...": truncation, so the value lies in [printed, printed + 1e-4).
    const published = [0.4406, 0.1616, 0.1616, 0.8022];
    est.cov.forEach((v, k) => {
      expect(v).toBeGreaterThanOrEqual(published[k]);
      expect(v).toBeLessThan(published[k] + 1e-4);
    });
    expect(est.mean[0]).toBeGreaterThanOrEqual(0.0595);
    expect(est.mean[0]).toBeLessThan(0.0596);
    expect(est.mean[1]).toBeLessThanOrEqual(-0.0075);
    expect(est.mean[1]).toBeGreaterThan(-0.0076);
  });

  it("Ledoit-Wolf equals the paper's formulas on random data, shrinkage in [0, 1]", () => {
    for (const [p, n, seed] of [[3, 40, 1], [6, 20, 2], [10, 8, 3]]) {
      const rng = new Mulberry32(seed);
      const columns = Array.from({ length: p }, () => Float64Array.from({ length: n }, () => rng.next() - 0.5));
      const est = estimateCovariance({ assets: columns.map((_, i) => `a${i}`), columns }, 'ledoit-wolf');
      const ref = ledoitWolfPaper(columns);
      expect(est.shrinkage).toBeCloseTo(ref.shrinkage, 12);
      expect(est.shrinkage!).toBeGreaterThan(0);
      expect(est.shrinkage!).toBeLessThanOrEqual(1);
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) expect(est.cov[i * p + j]).toBeCloseTo(ref.cov[i][j], 14);
      // Shrinkage makes even T < n well conditioned.
      expect(cholesky(est.cov, p)).toBeDefined();
    }
  });

  it('sample covariance by hand: returns (1, 2, 3) and (2, 4, 7)', () => {
    const est = estimateCovariance({ assets: ['a', 'b'], columns: [Float64Array.from([1, 2, 3]), Float64Array.from([2, 4, 7])] }, 'sample');
    // means 2 and 13/3; deviations (-1, 0, 1) and (-7/3, -1/3, 8/3): var_a = 2/2, cov = (7/3 + 8/3)/2, var_b = (49 + 1 + 64)/9/2.
    expect([...est.mean]).toEqual([2, 13 / 3]);
    expect(est.cov[0]).toBeCloseTo(1, 14);
    expect(est.cov[1]).toBeCloseTo(2.5, 14);
    expect(est.cov[2]).toBeCloseTo(2.5, 14);
    expect(est.cov[3]).toBeCloseTo(114 / 18, 14);
    const corr = correlationFromCovariance(est.cov);
    expect(corr[1]).toBeCloseTo(2.5 / Math.sqrt(114 / 18), 14);
    expect(corr[0]).toBe(1);
  });

  it('EWMA by hand: lambda 0.5 on three returns weights them 1/7, 2/7, 4/7 about zero', () => {
    const a = Float64Array.from([0.01, -0.02, 0.03]);
    const b = Float64Array.from([0.02, 0.01, -0.01]);
    const est = estimateCovariance({ assets: ['a', 'b'], columns: [a, b] }, 'ewma', { ewmaLambda: 0.5 });
    const w = [1 / 7, 2 / 7, 4 / 7];
    expect(est.cov[0]).toBeCloseTo(w[0] * 1e-4 + w[1] * 4e-4 + w[2] * 9e-4, 15);
    expect(est.cov[1]).toBeCloseTo(w[0] * 2e-4 + w[1] * -2e-4 + w[2] * -3e-4, 15);
    expect(est.cov[3]).toBeCloseTo(w[0] * 4e-4 + w[1] * 1e-4 + w[2] * 1e-4, 15);
    // RiskMetrics' 0.94 is the default.
    const d = estimateCovariance({ assets: ['a', 'b'], columns: [a, b] }, 'ewma');
    const total = 0.94 ** 2 + 0.94 + 1;
    expect(d.cov[0]).toBeCloseTo((0.94 ** 2 * 1e-4 + 0.94 * 4e-4 + 9e-4) / total, 15);
  });

  it('refuses bad windows and decays with one sentence', () => {
    const one = { assets: ['a'], columns: [Float64Array.from([0.1])] };
    expect(() => estimateCovariance(one, 'sample')).toThrow(/at least 2 returns per asset and the window has 1; use a longer lookback\.$/);
    const ragged = { assets: ['a', 'b'], columns: [Float64Array.from([1, 2]), Float64Array.from([1])] };
    expect(() => estimateCovariance(ragged, 'sample')).toThrow(/The returns of b have 1 values where a has 2/);
    const two = { assets: ['a'], columns: [Float64Array.from([1, 2])] };
    expect(() => estimateCovariance(two, 'ewma', { ewmaLambda: 1 })).toThrow(/between 0 and 1/);
    expect(() => estimateCovariance({ assets: ['a'], columns: [Float64Array.from([1, NaN])] }, 'sample')).toThrow(/non-finite/);
  });
});

describe('linear algebra', () => {
  it('Cholesky, solve and inverse on a hand-worked 3 x 3', () => {
    // A = L L' with L = [[2,0,0],[1,3,0],[-1,2,4]].
    const L = Float64Array.from([2, 0, 0, 1, 3, 0, -1, 2, 4]);
    const Lt = Float64Array.from([2, 1, -1, 0, 3, 2, 0, 0, 4]);
    const A = matMul(L, Lt, 3, 3, 3);
    expect([...A]).toEqual([4, 2, -2, 2, 10, 5, -2, 5, 21]);
    const l = cholesky(A, 3)!;
    l.forEach((v, k) => expect(v).toBeCloseTo(L[k], 14));
    const b = Float64Array.from([1, 2, 3]);
    const x1 = choleskySolve(l, b, 3);
    const x2 = solve(A, b, 3)!;
    const back = matMul(A, x1, 3, 3, 1);
    back.forEach((v, k) => expect(v).toBeCloseTo(b[k], 13));
    x2.forEach((v, k) => expect(v).toBeCloseTo(x1[k], 13));
    const inv = inverse(A, 3)!;
    matMul(A, inv, 3, 3, 3).forEach((v, k) => expect(v).toBeCloseTo(k % 4 === 0 ? 1 : 0, 13));
    expect(quadForm(A, Float64Array.from([1, 0, 1]))).toBe(4 - 2 - 2 + 21);
  });

  it('singular and indefinite matrices are reported, not factored', () => {
    expect(cholesky(Float64Array.from([1, 1, 1, 1]), 2)).toBeUndefined();
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeUndefined();
    expect(solve(Float64Array.from([1, 2, 2, 4]), Float64Array.from([1, 1]), 2)).toBeUndefined();
  });
});
