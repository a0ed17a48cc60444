import { describe, expect, it } from 'vitest';
import { betaTo, concentration, correlationReport, riskContributions } from '../../src/risk/dependence.js';

describe('concentration, risk contributions, beta', () => {
  it('Herfindahl of 50/30/20 is 0.38, effective N 1/0.38, largest first', () => {
    const c = concentration(['A', 'B', 'C'], [0.2, 0.5, 0.3]);
    expect(c.herfindahl).toBeCloseTo(0.38, 15);
    expect(c.effectiveN).toBeCloseTo(1 / 0.38, 14);
    expect(c.largest).toEqual([{ asset: 'B', weight: 0.5 }, { asset: 'C', weight: 0.3 }, { asset: 'A', weight: 0.2 }]);
    expect(concentration(['A', 'B', 'C', 'D'], [0.25, 0.25, 0.25, 0.25]).effectiveN).toBeCloseTo(4, 14);
  });

  it('shares of variance: w_i^2 s_i^2 / sum for a diagonal covariance; w_i (Sigma w)_i / w\'Sigma w in general, summing to 1', () => {
    const diag = riskContributions([0.5, 0.5], Float64Array.of(0.04, 0, 0, 0.01));
    expect(diag[0]).toBeCloseTo(0.01 / 0.0125, 15);
    expect(diag[1]).toBeCloseTo(0.0025 / 0.0125, 15);
    // Two assets, vols 20% and 10%, correlation 0.5: Sigma w = (0.025, 0.01) for w = (0.5, 0.5); w'Sigma w = 0.0175.
    const shares = riskContributions([0.5, 0.5], Float64Array.of(0.04, 0.01, 0.01, 0.01));
    expect(shares[0]).toBeCloseTo((0.5 * 0.025) / 0.0175, 15);
    expect(shares[0] + shares[1]).toBeCloseTo(1, 15);
  });

  it('beta of 2b + noise-free offset is 2 with correlation 1; of -b/2 is -0.5', () => {
    const b = [0.01, -0.02, 0.015, 0.003, -0.007, 0.02];
    expect(betaTo(b.map((x) => 2 * x + 0.001), b).beta).toBeCloseTo(2, 13);
    expect(betaTo(b.map((x) => 2 * x + 0.001), b).correlation).toBeCloseTo(1, 13);
    expect(betaTo(b.map((x) => -x / 2), b).beta).toBeCloseTo(-0.5, 13);
  });
});

describe('correlation stability', () => {
  it('sees a correlation flip from +1 to -1 between the halves', () => {
    const x = Float64Array.from({ length: 40 }, (_, t) => (t % 2 === 0 ? 1 : -1) * (1 + (t % 5)) * 0.01);
    const y = Float64Array.from(x, (v, t) => (t < 20 ? v : -v));
    const report = correlationReport(['X', 'Y'], [x, y], 4);
    const [pair] = report.pairs;
    expect(pair.firstHalf).toBeCloseTo(1, 12);
    expect(pair.secondHalf).toBeCloseTo(-1, 12);
    expect(report.largestChange).toBeCloseTo(2, 12);
    expect(report.halvesDistance).toBeCloseTo(Math.sqrt(2 * 4), 12);
    expect(pair.rollingMax).toBeCloseTo(1, 12);
    expect(pair.rollingMin).toBeCloseTo(-1, 12);
    expect(report.matrix[0][0]).toBe(1);
    expect(report.matrix[0][1]).toBeCloseTo(pair.full, 15);
  });

  it('rolling correlations by running sums agree with a direct computation per window', () => {
    let s = 3;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.04;
    const x = Float64Array.from({ length: 120 }, rand);
    const y = Float64Array.from(x, (v) => 0.6 * v + rand());
    const direct: number[] = [];
    for (let t = 19; t < 120; t++) {
      const a = x.subarray(t - 19, t + 1);
      const b = y.subarray(t - 19, t + 1);
      const ma = a.reduce((p, q) => p + q, 0) / 20;
      const mb = b.reduce((p, q) => p + q, 0) / 20;
      let cab = 0, va = 0, vb = 0;
      for (let i = 0; i < 20; i++) { cab += (a[i] - ma) * (b[i] - mb); va += (a[i] - ma) ** 2; vb += (b[i] - mb) ** 2; }
      direct.push(cab / Math.sqrt(va * vb));
    }
    const [pair] = correlationReport(['X', 'Y'], [x, y], 20).pairs;
    expect(pair.rollingMin).toBeCloseTo(Math.min(...direct), 10);
    expect(pair.rollingMax).toBeCloseTo(Math.max(...direct), 10);
    expect(pair.rollingMean).toBeCloseTo(direct.reduce((p, q) => p + q, 0) / direct.length, 10);
  });
});
