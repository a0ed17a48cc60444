import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/data/synthetic.js';
import { checkModelAge, effectiveSize, featureDrift, featureProfile, kolmogorovSmirnov, populationStabilityIndex } from '../../src/ml/drift.js';

const normal = (rand: () => number) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

describe('drift statistics', () => {
  it('PSI, hand-worked: sum of (a - e) ln(a / e) over bins', () => {
    const e = [0.25, 0.25, 0.25, 0.25];
    const a = [0.1, 0.2, 0.3, 0.4];
    const expected = (0.1 - 0.25) * Math.log(0.1 / 0.25) + (0.2 - 0.25) * Math.log(0.2 / 0.25) + (0.3 - 0.25) * Math.log(0.3 / 0.25) + (0.4 - 0.25) * Math.log(0.4 / 0.25);
    expect(populationStabilityIndex(e, a)).toBeCloseTo(expected, 15);
    expect(populationStabilityIndex(e, e)).toBe(0);
  });

  it('KS statistic, hand-worked, and its asymptotic p-value against the Kolmogorov distribution', () => {
    // ECDFs of {1,2,3,4} and {3,4,5,6}: the largest gap is at 2 (0.5 vs 0).
    expect(kolmogorovSmirnov([1, 2, 3, 4], [3, 4, 5, 6]).statistic).toBe(0.5);
    expect(kolmogorovSmirnov([1, 2, 3], [1, 2, 3]).statistic).toBe(0);
    // Large samples: P(K > 1.36) = 0.0494 (the 5% critical value of the Kolmogorov distribution, 1.358).
    const n = 20000;
    const shift = 1.36 / Math.sqrt(n / 2);
    const a = Array.from({ length: n }, (_, i) => (i + 0.5) / n);
    const b = a.map((v) => v + shift);
    const { statistic, pValue } = kolmogorovSmirnov(a, b);
    expect(statistic).toBeCloseTo(shift, 3);
    expect(pValue).toBeGreaterThan(0.04);
    expect(pValue).toBeLessThan(0.06);
  });

  it('flags a shifted feature and not a stable one, from the profile a model carries', () => {
    const rand = mulberry32(4);
    const training = [Float64Array.from({ length: 5000 }, () => normal(rand)), Float64Array.from({ length: 5000 }, () => normal(rand))];
    const profile = featureProfile(['stable', 'moved'], training);
    const recent = [Float64Array.from({ length: 500 }, () => normal(rand)), Float64Array.from({ length: 500 }, () => normal(rand) * 1.5 + 0.8)];
    const report = featureDrift(profile, recent);
    expect(report.drifted).toEqual(['moved']);
    expect(report.features[0].psi).toBeLessThan(0.1);
    expect(report.features[1].psi).toBeGreaterThan(0.25);
    expect(report.features[1].pValue).toBeLessThan(1e-6);
    expect(() => featureDrift(profile, recent.slice(0, 1))).toThrow(/Drift needs 2 feature columns \(stable, moved\) but got 1/);
  });

  it('counts an autocorrelated sample as fewer independent values: AR(1) with phi 0.9 is worth about m/19', () => {
    const rand = mulberry32(9);
    const m = 20_000;
    const ar = new Float64Array(m);
    for (let t = 1; t < m; t++) ar[t] = 0.9 * ar[t - 1] + normal(rand);
    // (1 - 0.9) / (1 + 0.9) = 1/19 of the values, within sampling error of the estimated autocorrelation.
    expect(effectiveSize(ar) / m).toBeGreaterThan(0.045);
    expect(effectiveSize(ar) / m).toBeLessThan(0.06);
    const iid = Float64Array.from({ length: m }, () => normal(rand));
    expect(effectiveSize(iid) / m).toBeGreaterThan(0.97);
    // A stable but slowly moving feature: counted as iid, KS would call a short window of it drift.
    const profile = featureProfile(['ar'], [ar.subarray(0, 10_000)]);
    const window = [ar.slice(12_000, 12_250)];
    const naive = kolmogorovSmirnov(profile.quantiles[0], window[0]);
    const report = featureDrift(profile, window);
    expect(report.features[0].ks).toBe(naive.statistic);
    expect(report.features[0].pValue).toBeGreaterThan(naive.pValue);
  });

  it('an expired model is refused with its age and the limit', () => {
    const meta = { 'rrr.createdAt': '2026-01-01T00:00:00.000Z' };
    const now = Date.parse('2026-01-31T00:00:00.000Z');
    expect(() => checkModelAge('m.onnx', meta, 40 * 86_400_000, now)).not.toThrow();
    expect(() => checkModelAge('m.onnx', meta, 20 * 86_400_000, now)).toThrow(/^Model m\.onnx was created 30\.0 days ago \(2026-01-01T00:00:00\.000Z\), past --max-model-age of 20\.0 days: retrain it or raise --max-model-age\.$/);
    expect(() => checkModelAge('m.onnx', {}, 1, now)).toThrow(/has no creation time/);
  });
});
