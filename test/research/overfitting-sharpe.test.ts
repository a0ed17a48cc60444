import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/data/synthetic.js';
import {
  deflatedSharpeRatio,
  expectedMaxSharpe,
  minTrackRecordLength,
  probabilisticSharpeRatio,
  returnMoments,
  sharpeVariance,
} from '../../src/research/overfitting/index.js';
import { normalCdf, normalQuantile } from '../../src/stats/normal.js';
import { oneByOneMoments } from '../helpers/moments.js';

/** |a − b| <= tol · max(1, |b|). */
function close(actual: number, expected: number, tol: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

describe('normal distribution', () => {
  // References: mpmath.ncdf with 50 significant digits (a second implementation), rounded to doubles.
  it.each([
    [-12, 1.776482112077679e-33],
    [-8.5, 9.479534822203318e-18],
    [-3, 0.0013498980316300946],
    [-1.96, 0.024997895148220435],
    [0, 0.5],
    [1, 0.8413447460685429],
    [2.5, 0.9937903346742238],
    [6, 0.9999999990134123],
  ])('Φ(%d) to 1e-14 relative', (x, expected) => {
    expect(Math.abs(normalCdf(x) - expected)).toBeLessThanOrEqual(1e-14 * expected);
  });

  // References: the root of mpmath.ncdf(x) = p at 50 digits.
  it.each([
    [1e-300, -37.0470962993612],
    [1e-10, -6.361340902404057],
    [0.3, -0.5244005127080408],
    [0.95, 1.6448536269514726],
    [0.975, 1.9599639845400543],
    [0.99, 2.326347874040841],
  ])('Φ⁻¹(%d) to 1e-14', (p, expected) => close(normalQuantile(p), expected, 1e-14));

  it('Φ⁻¹ inverts Φ across the range, and refuses what is not a probability', () => {
    // Above 0, Φ(x) rounds near 1 and x can only come back to about 1e-16/φ(x): the lower side is the test.
    for (let x = -8; x <= 1; x += 0.37) close(normalQuantile(normalCdf(x)), x, 1e-13);
    for (const p of [0.01, 0.125, 0.2, 0.4]) expect(normalQuantile(1 - p)).toBeCloseTo(-normalQuantile(p), 9);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
    expect(() => normalQuantile(NaN)).toThrow(RangeError);
  });
});

describe('returnMoments: Sharpe, skewness and Pearson kurtosis', () => {
  it('matches hand-worked cases', () => {
    // 1..5: mean 3, m2 = 2, m4 = (16+1+0+1+16)/5 = 6.8, so γ4 = 6.8/4 = 1.7 (excess would be −1.3).
    const a = returnMoments([1, 2, 3, 4, 5]);
    close(a.kurtosis, 1.7, 1e-15);
    close(a.skewness, 0, 1e-15);
    close(a.sharpe, 3 / Math.sqrt(2.5), 1e-15);
    // 0,0,0,1: m2 = 3/16, m3 = 3/32, m4 = 21/256: γ3 = 2/√3, γ4 = 7/3; sample std 1/2, Sharpe 1/2.
    const b = returnMoments([0, 0, 0, 1]);
    close(b.skewness, 2 / Math.sqrt(3), 1e-15);
    close(b.kurtosis, 7 / 3, 1e-15);
    close(b.sharpe, 0.5, 1e-15);
  });

  it('gives a kurtosis near 3, not 0, for normal returns', () => {
    const rand = mulberry32(11);
    const n = 200_000;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - rand()));
      const t = 2 * Math.PI * rand();
      x[i] = r * Math.cos(t);
      x[i + 1] = r * Math.sin(t);
    }
    const m = returnMoments(x);
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(0.05);
    expect(Math.abs(m.skewness)).toBeLessThan(0.03);
  });

  it('equals two plain passes over the whole series when it spans many blocks of unlike values', () => {
    // The moments are summed in blocks of 2,048 and the blocks merged; here the level shifts inside and across
    // blocks, a stretch is flat (a strategy out of the market), and the values are skewed, so a wrong merge term
    // (mean, M2, M3 or M4) shows. The count is odd, so the last block is too.
    const rand = mulberry32(5);
    const n = 3 * 2048 + 777;
    const x = Array.from({ length: n }, (_, i) => (i >= 3000 && i < 4500 ? 0 : (i < 2500 ? 0.05 : -0.02) + 1e-3 * Math.exp(2 * rand())));
    const { mean, m2, m3, m4 } = oneByOneMoments(x);
    const m = returnMoments(x);
    close(m.mean, mean, 1e-12);
    close(m.std, Math.sqrt(m2 / (n - 1)), 1e-12);
    close(m.skewness, m3 / n / (m2 / n) ** 1.5, 1e-11);
    close(m.kurtosis, m4 / n / (m2 / n) ** 2, 1e-11);
    expect(Math.abs(m.skewness)).toBeGreaterThan(0.1);
  });

  it('calls a flat series normal-shaped with Sharpe 0, and refuses fewer than 2 returns', () => {
    expect(returnMoments([0, 0, 0])).toMatchObject({ sharpe: 0, skewness: 0, kurtosis: 3 });
    expect(returnMoments([1, 1]).sharpe).toBe(Infinity);
    expect(() => returnMoments([1])).toThrow(RangeError);
  });
});

describe('probabilistic Sharpe ratio and minimum track record length (Bailey & López de Prado 2012)', () => {
  it('PSR: the Sharpe Ratio Efficient Frontier example (24 monthly returns, SR 1.585 annual, γ3 −2.448, γ4 10.164)', () => {
    // Value from pypbo's test suite (esvhd/pypbo, pypbo/tests/pbo_tests.py test_psr), which reproduces the paper.
    const psr = probabilisticSharpeRatio({ sharpe: 1.585 / Math.sqrt(12), skewness: -2.448, kurtosis: 10.164, observations: 24 }, 0);
    close(psr, 0.91323430688486018, 1e-12);
  });

  it('MinTRL: the paper\'s Figure 8 cases, in years', () => {
    // pypbo test_minTRL: daily and weekly normal returns (SR 2 vs 1 annual), monthly non-normal (SR 3 vs 2.5).
    close(minTrackRecordLength({ sharpe: 2 / Math.sqrt(250) }, 1 / Math.sqrt(250), 0.95) / 250, 2.7311878017281761, 1e-12);
    close(minTrackRecordLength({ sharpe: 2 / Math.sqrt(52), skewness: 0, kurtosis: 3 }, 1 / Math.sqrt(52), 0.95) / 52, 2.8288335869452368, 1e-12);
    close(minTrackRecordLength({ sharpe: 3 / Math.sqrt(12), skewness: -0.72, kurtosis: 5.78 }, 2.5 / Math.sqrt(12), 0.95) / 12, 27.352920196040301, 1e-12);
  });

  it('matches mlfinlab\'s published examples (printed truncated to 5 decimals)', () => {
    // hudson-and-thames/mlfinlab, mlfinlab/tests/test_backtest_statistics.py: SR 1.14 vs 1, T = 250, normal.
    const trunc5 = (x: number) => Math.trunc(x * 1e5) / 1e5;
    expect(trunc5(probabilisticSharpeRatio({ sharpe: 1.14, observations: 250 }, 1))).toBe(0.95727);
    expect(trunc5(minTrackRecordLength({ sharpe: 1.14 }, 1, 0.95))).toBe(228.73497);
    // DSR over the trials [3.5, 1.01, 1.02] with mlfinlab's population variance (divisor N).
    const v = sharpeVariance([3.5, 1.01, 1.02], 0);
    expect(trunc5(deflatedSharpeRatio({ sharpe: 1.14, observations: 250, trials: 3, sharpeVariance: v }).dsr)).toBe(0.95836);
  });

  it('MinTRL is the track record at which PSR reaches the confidence; Infinity without an edge', () => {
    const sample = { sharpe: 0.08, skewness: -0.5, kurtosis: 6 };
    const n = minTrackRecordLength(sample, 0, 0.95);
    expect(probabilisticSharpeRatio({ ...sample, observations: Math.ceil(n) })).toBeGreaterThanOrEqual(0.95);
    expect(probabilisticSharpeRatio({ ...sample, observations: Math.floor(n) })).toBeLessThan(0.95);
    expect(minTrackRecordLength({ sharpe: 0.1 }, 0.1)).toBe(Infinity);
  });
});

describe('deflated Sharpe ratio (Bailey & López de Prado 2014)', () => {
  // The paper's example: SR 2.5 annual over 5 years of daily returns (T = 1250), N = 100 trials whose
  // annualized Sharpe ratios have variance 1/2, γ3 = −3, γ4 = 10: DSR ≈ 0.9004. Full-precision value from
  // pypbo's test_dsr (esvhd/pypbo), which converts to daily units with 250 periods a year as here.
  const example = { sharpe: 2.5 / Math.sqrt(250), skewness: -3, kurtosis: 10, observations: 1250, trials: 100, sharpeVariance: 0.5 / 250 };

  it('reproduces the paper\'s example to 1e-9', () => {
    const { dsr, benchmark } = deflatedSharpeRatio(example);
    close(dsr, 0.90039683444939034, 1e-9);
    expect(dsr.toFixed(4)).toBe('0.9004');
    // E[max] of 100 standard normals by the paper's approximation (pypbo test_expected_max).
    close(benchmark, Math.sqrt(0.5 / 250) * 2.5306028932016846, 1e-12);
    close(expectedMaxSharpe(100, 1), 2.5306028932016846, 1e-12);
  });

  it('fails if excess kurtosis is passed where Pearson kurtosis is needed (vectorbt\'s bug)', () => {
    // The formula with excess kurtosis (7) plugged in, as vectorbt computes it, by hand: it understates the
    // Sharpe ratio's variance and gives another answer, so the 1e-9 check above tells the two apart.
    const { sharpe: sr, skewness, observations } = example;
    const sr0 = deflatedSharpeRatio(example).benchmark;
    const vectorbt = normalCdf(((sr - sr0) * Math.sqrt(observations - 1)) / Math.sqrt(1 - skewness * sr + ((7 - 1) / 4) * sr * sr));
    expect(Math.abs(vectorbt - 0.90039683444939034)).toBeGreaterThan(0.001);
    // Passed to rrr, excess kurtosis is below Pearson's bound 1 + γ3² here (and for any near-normal
    // series): refused with a sentence that names the mistake.
    expect(() => deflatedSharpeRatio({ ...example, kurtosis: example.kurtosis - 3 })).toThrow(/Pearson kurtosis \(3 for a normal\), not excess/);
    expect(() => probabilisticSharpeRatio({ sharpe: 0.1, skewness: 0, kurtosis: 0, observations: 100 })).toThrow(RangeError);
    // Above the bound it cannot be detected, but it changes the answer: Pearson 10 vs excess 7, γ3 = 0.
    const pearson = deflatedSharpeRatio({ ...example, skewness: 0 }).dsr;
    const excess = deflatedSharpeRatio({ ...example, skewness: 0, kurtosis: 7 }).dsr;
    expect(excess - pearson).toBeGreaterThan(0.001);
  });

  it('one trial deflates nothing; more trials or more dispersion deflate more', () => {
    const one = deflatedSharpeRatio({ ...example, trials: 1, sharpeVariance: 0 });
    expect(one.benchmark).toBe(0);
    expect(one.dsr).toBe(probabilisticSharpeRatio(example, 0));
    const ten = deflatedSharpeRatio({ ...example, trials: 10 }).dsr;
    const thousand = deflatedSharpeRatio({ ...example, trials: 1000 }).dsr;
    expect(ten).toBeGreaterThan(0.90039683444939034);
    expect(thousand).toBeLessThan(0.90039683444939034);
    expect(deflatedSharpeRatio({ ...example, sharpeVariance: 1 / 250 }).dsr).toBeLessThan(0.9);
  });

  it('refuses bad input with one sentence', () => {
    expect(() => expectedMaxSharpe(0, 1)).toThrow(/trials must be a whole number of at least 1/);
    expect(() => expectedMaxSharpe(10, -1)).toThrow(RangeError);
    expect(() => probabilisticSharpeRatio({ sharpe: 0.1, observations: 1 })).toThrow(/observations must be an integer of at least 2/);
    expect(() => minTrackRecordLength({ sharpe: 0.1 }, 0, 1)).toThrow(/confidence/);
    expect(() => sharpeVariance([0.1])).toThrow(RangeError);
    expect(() => sharpeVariance([0.1, Infinity])).toThrow(/Sharpe ratio 2 is Infinity/);
    close(sharpeVariance([1, 2, 3, 4]), 5 / 3, 1e-15);
  });
});
