import { describe, expect, it } from 'vitest';
import { normalPdf, normalQuantile } from '../../src/stats/normal.js';
import { cornishFisherQuantile, cornishFisherVar, historicalVar, normalVar, overlappingReturns, returnMoments, tailCount } from '../../src/risk/var.js';

describe('historical VaR: VaR = -(k-th worst return), CVaR = -mean(k worst), k = ceil((1 - c) n)', () => {
  it('counts the tail as stated, with 5% of 100 exactly 5 (not 6 from binary rounding)', () => {
    expect(tailCount(100, 0.95)).toBe(5);
    expect(tailCount(250, 0.99)).toBe(3); // 2.5 -> 3
    expect(tailCount(250, 0.975)).toBe(7); // 6.25 -> 7
    expect(tailCount(20, 0.95)).toBe(1);
    expect(tailCount(10, 0.99)).toBe(1); // fewer than one expected: the worst return
  });

  it('matches a hand-worked sample of 40 returns in shuffled order', () => {
    // -1%, -2%, ..., -40% would be too regular: mix gains in, and shuffle.
    const returns = [0.03, -0.07, 0.01, -0.02, 0.05, -0.12, 0.0, 0.02, -0.01, 0.04, -0.03, 0.06, -0.05, 0.01, 0.02, -0.04, 0.03, 0.0, -0.09, 0.01,
      0.02, -0.01, 0.04, 0.03, -0.02, 0.05, 0.01, -0.06, 0.02, 0.0, 0.01, -0.03, 0.02, 0.04, -0.01, 0.03, 0.01, -0.02, 0.0, 0.02];
    // 95% of 40: k = 2, the two worst are -12% and -9%.
    const at95 = historicalVar(returns, 0.95);
    expect(at95.var).toBeCloseTo(0.09, 15);
    expect(at95.cvar).toBeCloseTo((0.12 + 0.09) / 2, 15);
    // 90%: k = 4: -12, -9, -7, -6.
    const at90 = historicalVar(returns, 0.9);
    expect(at90.var).toBeCloseTo(0.06, 15);
    expect(at90.cvar).toBeCloseTo((0.12 + 0.09 + 0.07 + 0.06) / 4, 15);
    // 99%: k = ceil(0.4) = 1: the worst return alone.
    expect(historicalVar(returns, 0.99)).toEqual({ var: 0.12, cvar: 0.12 });
  });

  it('agrees with a full sort on 10,001 random returns at several confidences', () => {
    let s = 7;
    const returns = Float64Array.from({ length: 10_001 }, () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.1);
    const sorted = Array.from(returns).sort((a, b) => a - b);
    for (const c of [0.9, 0.95, 0.975, 0.99, 0.999]) {
      const k = Math.ceil((1 - c) * returns.length - 1e-9);
      const { var: v, cvar } = historicalVar(returns, c);
      expect(v).toBe(-sorted[k - 1]);
      expect(cvar).toBeCloseTo(-sorted.slice(0, k).reduce((a, b) => a + b, 0) / k, 14);
    }
  });

  it('refuses confidences outside (0.5, 1)', () => {
    expect(() => historicalVar([0.01], 1)).toThrow(RangeError);
    expect(() => historicalVar([0.01], 0.5)).toThrow(RangeError);
  });
});

describe('parametric normal VaR', () => {
  it('is -mu + sigma z_c with z_c = normalQuantile(c), and CVaR -mu + sigma phi(z_c) / (1 - c)', () => {
    const { var: v, cvar } = normalVar(0.001, 0.02, 0.99);
    expect(v).toBeCloseTo(-0.001 + 0.02 * normalQuantile(0.99), 15);
    expect(cvar).toBeCloseTo(-0.001 + (0.02 * normalPdf(normalQuantile(0.99))) / 0.01, 15);
  });

  it('reproduces the published standard normal factors: VaR 99% 2.3263, ES 97.5% 2.3378, ES 99% 2.6652', () => {
    expect(normalVar(0, 1, 0.99).var).toBeCloseTo(2.3263, 4);
    expect(normalVar(0, 1, 0.975).cvar).toBeCloseTo(2.3378, 4); // Basel FRTB: ES 97.5% ~ VaR 99%
    expect(normalVar(0, 1, 0.99).cvar).toBeCloseTo(2.6652, 4);
    expect(normalVar(0, 1, 0.95).var).toBeCloseTo(1.6449, 4);
  });

  it('scales to N periods by the square root of time', () => {
    const one = normalVar(0.0005, 0.01, 0.95, 1);
    const ten = normalVar(0.0005, 0.01, 0.95, 10);
    expect(ten.var).toBeCloseTo(-0.005 + 0.01 * Math.sqrt(10) * normalQuantile(0.95), 15);
    expect(ten.var).not.toBeCloseTo(one.var * Math.sqrt(10), 6); // the mean scales with h, not sqrt(h)
  });
});

describe('Cornish-Fisher', () => {
  it('reproduces a published expansion: z(1%) -2.326, skewness -0.7, excess kurtosis 4.5 gives -3.708', () => {
    // AcadiFi's FRM worked example (Havenbrook Capital), z rounded to -2.326 there:
    // z_CF = -2.326 - 0.5145 - 1.051 + 0.184 = -3.7075, printed as -3.708.
    expect(cornishFisherQuantile(-2.326, -0.7, 4.5)).toBeCloseTo(-3.7075, 3);
    // Each term as printed: skewness (z^2 - 1) S / 6, kurtosis (z^3 - 3z) K / 24, skewness^2 -(2z^3 - 5z) S^2 / 36.
    expect(cornishFisherQuantile(-2.326, -0.7, 0) + 2.326).toBeCloseTo(-0.5145 + 0.184, 3);
    expect(cornishFisherQuantile(-2.326, 0, 4.5) + 2.326).toBeCloseTo(-1.051, 3);
  });

  it('takes EXCESS kurtosis: a normal sample (skewness 0, excess kurtosis 0) gives the normal VaR and CVaR', () => {
    const cf = cornishFisherVar(0.001, 0.02, 0, 0, 0.99);
    const normal = normalVar(0.001, 0.02, 0.99);
    expect(cf.var).toBeCloseTo(normal.var, 14);
    expect(cf.cvar).toBeCloseTo(normal.cvar, 14);
    expect(cf.monotonic).toBe(true);
  });

  it('CVaR is the mean of the expansion\'s tail quantiles: closed form against numerical integration', () => {
    for (const [skew, kurt, c] of [[-0.7, 4.5, 0.99], [-0.3, 1.2, 0.95], [0.4, 0.8, 0.975]] as const) {
      const alpha = 1 - c;
      // Midpoint rule on u in (0, alpha) of CF(Phi^-1(u)), substituting u = alpha * t^2 to resolve the tail.
      const steps = 200_000;
      let integral = 0;
      for (let i = 0; i < steps; i++) {
        const t = (i + 0.5) / steps;
        integral += cornishFisherQuantile(normalQuantile(alpha * t * t), skew, kurt) * 2 * t;
      }
      integral /= steps; // = (1/alpha) int_0^alpha CF(Phi^-1(u)) du
      const { var: v, cvar } = cornishFisherVar(0.0005, 0.012, skew, kurt, c);
      expect(cvar).toBeCloseTo(-0.0005 - 0.012 * integral, 7);
      expect(v).toBeCloseTo(-0.0005 - 0.012 * cornishFisherQuantile(normalQuantile(alpha), skew, kurt), 15);
      expect(cvar).toBeGreaterThan(v);
    }
  });

  it('flags an expansion that is not monotonic in the tail that matters (z from -4 to the VaR quantile)', () => {
    // Slope 1 + zS/3 + (3z^2 - 3)K/24 - (6z^2 - 5)S^2/36: at S = 2.5, K = 0.5 it is negative at z = -2.33.
    expect(cornishFisherVar(0, 0.01, 2.5, 0.5, 0.99).monotonic).toBe(false);
    // S = 0, K = -0.3 bends back only beyond |z| = 5.26 (slope 1 - 0.0375 (z^2 - 1)): not flagged.
    expect(cornishFisherVar(0, 0.01, 0, -0.3, 0.99).monotonic).toBe(true);
    // S = 0, K = -1.5: slope 1 - 0.1875 (z^2 - 1) < 0 from |z| = 2.52, inside [-4, -2.33]: flagged at 99%.
    expect(cornishFisherVar(0, 0.01, 0, -1.5, 0.99).monotonic).toBe(false);
  });
});

describe('moments and N-period returns', () => {
  it('moments of 1, 2, 3, 4, 10 by hand: mean 4, sd sqrt(12.5), skewness 36 / 10^1.5, excess kurtosis 278.8 / 100 - 3', () => {
    const m = returnMoments([1, 2, 3, 4, 10]);
    expect(m.mean).toBe(4);
    expect(m.sd).toBeCloseTo(Math.sqrt(12.5), 14);
    expect(m.skewness).toBeCloseTo(36 / Math.pow(10, 1.5), 14);
    expect(m.excessKurtosis).toBeCloseTo(-0.212, 14);
  });

  it('compounds overlapping windows', () => {
    const out = overlappingReturns([0.1, -0.1, 0.2], 2);
    expect(out).toHaveLength(2);
    expect(out[0]).toBeCloseTo(1.1 * 0.9 - 1, 15);
    expect(out[1]).toBeCloseTo(0.9 * 1.2 - 1, 15);
    expect(overlappingReturns([0.1, -1, 0.2], 2)[1]).toBe(-1); // a total loss stays one
    expect(() => overlappingReturns([0.1], 2)).toThrow(RangeError);
  });
});
