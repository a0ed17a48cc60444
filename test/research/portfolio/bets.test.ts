import { describe, expect, it } from 'vitest';
import { effectiveNumberOfBets, symmetricEigen } from '../../../src/research/portfolio/bets.js';
import { mulberry32 } from '../../../src/data/synthetic.js';

function randomCovariance(n: number, seed: number): Float64Array {
  const rand = mulberry32(seed);
  const a = Float64Array.from({ length: n * n }, () => rand() - 0.5);
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) cov[i * n + j] += a[i * n + k] * a[j * n + k];
  return cov;
}

describe('symmetricEigen (Jacobi)', () => {
  it('reconstructs a random covariance: V diag(lambda) V\' = Sigma, V orthonormal', () => {
    const n = 7;
    const cov = randomCovariance(n, 3);
    const { values, vectors } = symmetricEigen(cov, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let o = 0;
        for (let k = 0; k < n; k++) {
          s += vectors[i * n + k] * values[k] * vectors[j * n + k];
          o += vectors[k * n + i] * vectors[k * n + j];
        }
        expect(s).toBeCloseTo(cov[i * n + j], 12);
        expect(o).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('finds the eigenvalues of [[2,1],[1,2]]: 1 and 3', () => {
    const { values } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect([...values].sort()).toEqual([expect.closeTo(1, 14), expect.closeTo(3, 14)]);
  });
});

describe('effective number of bets (Meucci 2009)', () => {
  it('is n for equal weights on n uncorrelated assets of equal variance, 1 for one asset', () => {
    const n = 5;
    const cov = new Float64Array(n * n);
    for (let i = 0; i < n; i++) cov[i * n + i] = 0.04;
    expect(effectiveNumberOfBets(new Float64Array(n).fill(1 / n), cov)).toBeCloseTo(5, 12);
    expect(effectiveNumberOfBets(Float64Array.of(1, 0, 0, 0, 0), cov)).toBeCloseTo(1, 12);
  });

  it('matches a hand-worked case: w = (1/2, 1/2), variances 1 and 4 give risk shares 0.2 and 0.8', () => {
    const enb = effectiveNumberOfBets(Float64Array.of(0.5, 0.5), Float64Array.of(1, 0, 0, 4));
    expect(enb).toBeCloseTo(Math.exp(-(0.2 * Math.log(0.2) + 0.8 * Math.log(0.8))), 12); // 1.6494
  });

  it('counts two perfectly correlated assets as one bet', () => {
    expect(effectiveNumberOfBets(Float64Array.of(0.5, 0.5), Float64Array.of(1, 1, 1, 1))).toBeCloseTo(1, 9);
  });

  it('stays within 1..n on random problems', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const n = 6;
      const rand = mulberry32(seed * 7);
      const w = Float64Array.from({ length: n }, () => rand());
      const enb = effectiveNumberOfBets(w, randomCovariance(n, seed));
      expect(enb).toBeGreaterThanOrEqual(1 - 1e-12);
      expect(enb).toBeLessThanOrEqual(n + 1e-12);
    }
  });
});
