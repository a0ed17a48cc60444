/**
 * Hierarchical risk parity against a reference implementation in numpy/scipy after Lopez de Prado's (2016)
 * published code (test/fixtures/portfolio/hrp_reference.py, its output typed in below), and a
 * hand-worked 4-asset case.
 */
import { describe, expect, it } from 'vitest';
import { hierarchicalRiskParity, optimizePortfolio } from '../../src/portfolio/index.js';

describe('hierarchical risk parity', () => {
  it('matches the scipy reference on six assets: tree order and weights', () => {
    const vols = [0.1, 0.15, 0.2, 0.12, 0.25, 0.18];
    const corr = [
      [1.0, 0.7, 0.2, 0.1, 0.05, 0.3],
      [0.7, 1.0, 0.25, 0.15, 0.1, 0.35],
      [0.2, 0.25, 1.0, 0.6, 0.4, 0.2],
      [0.1, 0.15, 0.6, 1.0, 0.45, 0.1],
      [0.05, 0.1, 0.4, 0.45, 1.0, 0.05],
      [0.3, 0.35, 0.2, 0.1, 0.05, 1.0],
    ];
    const cov = Float64Array.from({ length: 36 }, (_, k) => corr[Math.floor(k / 6)][k % 6] * vols[Math.floor(k / 6)] * vols[k % 6]);
    const r = hierarchicalRiskParity(cov, 6);
    expect(r.order).toEqual([4, 2, 3, 5, 0, 1]);
    const reference = [0.31412988775324757, 0.1396132834458878, 0.08128832933615396, 0.22580091482264994, 0.07956692942080011, 0.1596006552212606];
    r.weights.forEach((w, i) => expect(w).toBeCloseTo(reference[i], 12));
    expect(optimizePortfolio('hrp', { assets: ['a', 'b', 'c', 'd', 'e', 'f'], mean: new Float64Array(6), cov }).weights).toEqual(r.weights);
  });

  it('hand-worked: two tight pairs {0,1} and {2,3}', () => {
    // Within-pair correlation 0.9, across 0; variances 0.01, 0.04 | 0.01, 0.01.
    const v = [0.01, 0.04, 0.01, 0.01];
    const c = (i: number, j: number) => (i === j ? 1 : Math.floor(i / 2) === Math.floor(j / 2) ? 0.9 : 0);
    const cov = Float64Array.from({ length: 16 }, (_, k) => c(Math.floor(k / 4), k % 4) * Math.sqrt(v[Math.floor(k / 4)] * v[k % 4]));
    const r = hierarchicalRiskParity(cov, 4);
    // Linkage joins 0-1 and 2-3 first, so the order is [0, 1, 2, 3] and the first cut separates the pairs.
    expect(r.order).toEqual([0, 1, 2, 3]);
    // Pair {0,1}: inverse-variance weights 0.8, 0.2; variance 0.64*0.01 + 0.04*0.04 + 2*0.8*0.2*0.9*0.02 = 0.01376.
    // Pair {2,3}: 0.5, 0.5; variance 0.25*0.01*2 + 2*0.25*0.9*0.01 = 0.0095.
    const vl = 0.64 * 0.01 + 0.04 * 0.04 + 2 * 0.8 * 0.2 * 0.9 * 0.02;
    const vr = 0.0095;
    const alpha = 1 - vl / (vl + vr);
    // Within each pair the split is by the single assets' variances: 1 - 0.01/0.05 = 0.8 and 0.5.
    const expected = [alpha * 0.8, alpha * 0.2, (1 - alpha) * 0.5, (1 - alpha) * 0.5];
    r.weights.forEach((w, i) => expect(w).toBeCloseTo(expected[i], 14));
    expect(alpha).toBeCloseTo(0.0095 / 0.02326, 12);
  });
});
