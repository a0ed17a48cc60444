import { describe, expect, it } from 'vitest';
import { binomialCdf, kupiecTest, trafficLight } from '../../src/risk/kupiec.js';

describe("Kupiec's proportion-of-failures test", () => {
  it('hand-worked: 3 exceptions in 100 days of a 99% VaR', () => {
    // LR = -2 [97 ln 0.99 + 3 ln 0.01] + 2 [97 ln 0.97 + 3 ln 0.03] = 2.63235...; P(chi2(1) > 2.632) = 0.1047.
    const t = kupiecTest(3, 100, 0.01);
    expect(t.statistic).toBeCloseTo(2.6323526355544757, 12);
    expect(t.pValue).toBeCloseTo(0.10470646146666303, 10);
    expect(t.rejectAt5).toBe(false);
  });

  it('no exceptions: LR = -2 T ln(1 - p), 5.025 for 250 days at 99%, rejected at 5%', () => {
    const t = kupiecTest(0, 250, 0.01);
    expect(t.statistic).toBeCloseTo(-2 * 250 * Math.log(0.99), 12);
    expect(t.rejectAt5).toBe(true);
  });

  it('its p-value is the chi-square(1) tail: the published 5% critical value 3.841 gives 0.05', () => {
    // Find x with the statistic nearest 3.8415 is not needed: check the tail function itself through a case
    // whose statistic we know, 8 exceptions in 250 days at 99%: LR = 7.7336, p = 0.00542.
    const t = kupiecTest(8, 250, 0.01);
    expect(t.statistic).toBeCloseTo(7.7335507244945205, 10);
    expect(t.pValue).toBeCloseTo(0.005420405194127794, 10);
    expect(t.rejectAt5).toBe(true);
  });

  it("reproduces Kupiec's (1995) non-rejection regions at 5% as tabulated by Jorion (Value at Risk, table 'model backtesting')", () => {
    // [p, T, lowest accepted, highest accepted]: 1% T=510 1<N<11, T=1000 4<N<17; 2.5% 2<N<12, 6<N<21, 15<N<36;
    // 5% 6<N<21, 16<N<36, 37<N<65. (1% T=255 is tabulated N<7: 0 exceptions also give LR 5.13 > 3.84, rejected
    // here as too few; the table leaves that side open.)
    const regions: [number, number, number, number][] = [
      [0.01, 510, 2, 10], [0.01, 1000, 5, 16],
      [0.025, 255, 3, 11], [0.025, 510, 7, 20], [0.025, 1000, 16, 35],
      [0.05, 255, 7, 20], [0.05, 510, 17, 35], [0.05, 1000, 38, 64],
    ];
    for (const [p, T, lo, hi] of regions) {
      expect(kupiecTest(lo - 1, T, p).rejectAt5, `${p} ${T} ${lo - 1}`).toBe(true);
      expect(kupiecTest(lo, T, p).rejectAt5, `${p} ${T} ${lo}`).toBe(false);
      expect(kupiecTest(hi, T, p).rejectAt5, `${p} ${T} ${hi}`).toBe(false);
      expect(kupiecTest(hi + 1, T, p).rejectAt5, `${p} ${T} ${hi + 1}`).toBe(true);
    }
    expect(kupiecTest(6, 255, 0.01).rejectAt5).toBe(false);
    expect(kupiecTest(7, 255, 0.01).rejectAt5).toBe(true);
  });

  it('refuses impossible counts', () => {
    expect(() => kupiecTest(5, 4, 0.01)).toThrow(RangeError);
    expect(() => kupiecTest(1, 0, 0.01)).toThrow(RangeError);
    expect(() => kupiecTest(1, 10, 0)).toThrow(RangeError);
  });
});

describe('Basel traffic light', () => {
  it("reproduces the Basel Committee's (1996) table for 250 days of a 99% VaR", () => {
    // Cumulative probabilities as published: 8.11% 28.58% 54.32% 75.81% 89.22% 95.88% 98.63% 99.60% 99.89% 99.97% 99.99%.
    const published = [8.11, 28.58, 54.32, 75.81, 89.22, 95.88, 98.63, 99.6, 99.89, 99.97, 99.99];
    published.forEach((p, x) => expect(Math.round(binomialCdf(x, 250, 0.01) * 1e4) / 100, `${x} exceptions`).toBe(p));
    const zones = published.map((_, x) => trafficLight(x, 250, 0.01).zone);
    expect(zones).toEqual(['green', 'green', 'green', 'green', 'green', 'yellow', 'yellow', 'yellow', 'yellow', 'yellow', 'red']);
  });

  it('sums in log space: no underflow for long samples', () => {
    // 0.95^100000 underflows; the CDF at the mean is still near one half.
    const cdf = binomialCdf(5000, 100_000, 0.05);
    expect(cdf).toBeGreaterThan(0.5);
    expect(cdf).toBeLessThan(0.51);
  });
});
