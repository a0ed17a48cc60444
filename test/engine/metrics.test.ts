import { quantile, sampleKurtosis, sampleSkewness, sampleStandardDeviation } from 'simple-statistics';
import { mulberry32 } from '../../src/data/synthetic.js';
import { describe, expect, it } from 'vitest';
import { computeMetrics, METRIC_DESCRIPTIONS, METRIC_KEYS, type Metrics, type MetricsInput, type TradeColumns } from '../../src/engine/metrics.js';
import { momentsAndTail } from '../../src/engine/metrics/distribution.js';
import { lowerTail, planBracket, resolveBracket, selectInPlace } from '../../src/engine/metrics/select.js';

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;

function trades(rows: Array<[entryBar: number, exitBar: number, pnl: number, returnPct: number]> = []): TradeColumns {
  return {
    entryBar: Int32Array.from(rows.map((r) => r[0])),
    exitBar: Int32Array.from(rows.map((r) => r[1])),
    pnl: Float64Array.from(rows.map((r) => r[2])),
    returnPct: Float64Array.from(rows.map((r) => r[3])),
    count: rows.length,
  };
}

/** An input with bars `stepMs` apart starting 2020-01-01, initial cash = first equity value unless given. */
function input(equity: number[] | Float64Array, extra: Partial<MetricsInput> & { stepMs?: number } = {}): MetricsInput {
  const eq = Float64Array.from(equity);
  const step = extra.stepMs ?? DAY;
  const time = extra.time ?? Float64Array.from(eq, (_, i) => Date.UTC(2020, 0, 1) + i * step);
  return {
    time,
    equity: eq,
    trades: extra.trades ?? trades(),
    exposureBars: extra.exposureBars ?? 0,
    feesPaid: extra.feesPaid ?? 0,
    initialCash: extra.initialCash ?? (eq.length > 0 ? eq[0] : 100),
    benchmarkClose: extra.benchmarkClose,
  };
}

/** Deterministic uniform [0, 1): the project's mulberry32. */
const rng = mulberry32;

/** Equity from returns: a random walk, `zeroShare` of the bars flat (no position), optional fat tails. */
function randomEquity(n: number, seed: number, zeroShare = 0, fat = false): Float64Array {
  const u = rng(seed);
  const eq = new Float64Array(n);
  let e = 10_000;
  for (let i = 0; i < n; i++) {
    if (i > 0 && u() >= zeroShare) {
      const z = Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
      e *= 1 + 0.01 * z * (fat && u() < 0.05 ? 4 : 1) + 0.0002;
    }
    eq[i] = e;
  }
  return eq;
}

function simpleReturns(eq: Float64Array): number[] {
  const r: number[] = [];
  for (let i = 1; i < eq.length; i++) r.push(eq[i] / eq[i - 1] - 1);
  return r;
}

/** Every number finite or null: the object survives JSON unchanged. */
function expectJsonSafe(m: Metrics): void {
  for (const [key, value] of Object.entries(m)) {
    if (typeof value === 'number') expect(Number.isFinite(value), key).toBe(true);
    else if (key === 'openTrades') expect(Array.isArray(value), key).toBe(true);
    else if (value !== null) expect(typeof value, key).toBe('string');
  }
  expect(JSON.parse(JSON.stringify(m))).toEqual(m);
}

describe('computeMetrics: hand-worked equity [100, 110, 99, 121]', () => {
  // Returns: 110/100 - 1 = 0.1; 99/110 - 1 = -0.1; 121/99 - 1 = 0.2222...
  // mean = (0.1 - 0.1 + 0.2222...)/3 = 0.0740740...
  // deviations 0.0259259, -0.1740741, 0.1481481 -> squares sum 0.0529218107; sample var = /2 = 0.0264609
  // sample std = 0.1626680834
  // Bars one year (365.25 days) apart and periodsPerYear = 1, so annualizing is the identity.
  const eq = [100, 110, 99, 121];
  const m = computeMetrics(input(eq, { stepMs: YEAR }), { periodsPerYear: 1 });

  it('totals, CAGR and duration', () => {
    expect(m.bars).toBe(4);
    expect(m.finalEquity).toBe(121);
    expect(m.totalReturnPct).toBeCloseTo(21, 12); // 121/100 - 1
    expect(m.durationDays).toBeCloseTo(3 * 365.25, 9);
    expect(m.cagrPct).toBeCloseTo(6.56022367666107, 10); // 1.21^(1/3) - 1 over 3 years
    expect(m.startTime).toBe('2020-01-01T00:00:00Z');
  });

  it('volatility, Sharpe, Sortino', () => {
    expect(m.annualVolatilityPct).toBeCloseTo(16.266808337776115, 10); // std x sqrt(1) x 100
    expect(m.sharpe).toBeCloseTo(0.4553694402487872, 12); // 0.0740741 / 0.1626681
    // downside deviation over ALL 3 periods: sqrt((0 + 0.1^2 + 0)/3) = 0.0577350; 0.0740741/0.0577350 = 1.2830006
    expect(m.sortino).toBeCloseTo(1.2830005981991695, 12);
  });

  it('drawdown: 110 -> 99 is 10 %, recovered at 121 two bars after the peak', () => {
    expect(m.maxDrawdownPct).toBeCloseTo(10, 12); // 1 - 99/110
    expect(m.averageDrawdownPct).toBeCloseTo(10, 12);
    expect(m.maxDrawdownDurationBars).toBe(2); // peak bar 1 -> recovery bar 3
    expect(m.maxDrawdownDurationDays).toBeCloseTo(2 * 365.25, 9);
    expect(m.calmar).toBeCloseTo(0.656022367666107, 10); // 6.5602 / 10
  });

  it('VaR and CVaR (type-7 quantile)', () => {
    // sorted returns [-0.1, 0.1, 0.2222]; h = (3 - 1) x 0.05 = 0.1; q = -0.1 + 0.1 x (0.1 - -0.1) = -0.08
    expect(m.valueAtRisk95Pct).toBeCloseTo(8, 12);
    // returns <= -0.08: only -0.1
    expect(m.conditionalValueAtRisk95Pct).toBeCloseTo(10, 12);
  });

  it('skew with 3 returns; kurtosis needs 4', () => {
    // G1 = n m3 / ((n-1)(n-2) s^3), m3 = sum of cubed deviations = 0.0259^3 - 0.1741^3 + 0.1481^3 = -0.0030128
    expect(m.skew).toBeCloseTo(-0.6989885498064576, 10);
    expect(m.kurtosis).toBeNull();
  });

  it('a risk-free rate moves Sharpe: (0.0740741 - 0.05) / 0.1626681 = 0.147995', () => {
    const rf = computeMetrics(input(eq, { stepMs: YEAR }), { periodsPerYear: 1, riskFreeRate: 0.05 });
    expect(rf.sharpe).toBeCloseTo(0.1479950680808561, 12);
    // downside now vs target 0.05: shortfalls 0, -0.15, 0 -> sqrt(0.0225/3) = 0.0866025
    expect(rf.sortino).toBeCloseTo((0.07407407407407414 - 0.05) / Math.sqrt(0.0225 / 3), 10);
  });

  it('annualizes by sqrt(periodsPerYear) and converts the risk-free rate geometrically', () => {
    const daily = computeMetrics(input(eq), { periodsPerYear: 365, riskFreeRate: 0.04 });
    const rfp = Math.pow(1.04, 1 / 365) - 1; // 0.000107463
    expect(daily.annualVolatilityPct).toBeCloseTo(16.266808337776115 * Math.sqrt(365), 8);
    expect(daily.sharpe).toBeCloseTo(((0.07407407407407414 - rfp) / 0.16266808337776115) * Math.sqrt(365), 10);
    // CAGR over 3 days: 1.21^(365.25/3) - 1, an absurd but correct number
    expect(daily.cagrPct! / 100 + 1).toBeCloseTo(Math.pow(1.21, 365.25 / 3), -2);
  });
});

describe('drawdown episodes', () => {
  // bar:    0    1   2    3    4    5    6    7    8    9
  // equity: 100 120  90  120  130  117  104  130  140  126
  // episode 1: peak 120 (bar 1), trough 90 -> 25 %, recovered at bar 3 (=120): 2 bars
  // episode 2: peak 130 (bar 4), trough 104 -> 20 %, recovered at bar 7: 3 bars
  // episode 3: peak 140 (bar 8), 126 -> 10 %, not recovered: runs to bar 9, 1 bar
  const eq = [100, 120, 90, 120, 130, 117, 104, 130, 140, 126];
  // Irregular calendar: bars 2 -> 3 are 8 days apart, so the longest in days is episode 1 (day 1 -> 10).
  const days = [0, 1, 2, 10, 11, 12, 13, 14, 15, 16];
  const m = computeMetrics(input(eq, { time: Float64Array.from(days, (d) => d * DAY) }), { periodsPerYear: 365 });

  it('max, average and durations', () => {
    expect(m.maxDrawdownPct).toBeCloseTo(25, 12);
    expect(m.averageDrawdownPct).toBeCloseTo((25 + 20 + 10) / 3, 12);
    expect(m.maxDrawdownDurationBars).toBe(3); // episode 2
    expect(m.maxDrawdownDurationDays).toBe(9); // episode 1: day 1 -> day 10
  });

  it('an unrecovered drawdown counts up to the last bar', () => {
    // peak 120 at bar 1, never regained: 4 bars to the end
    const u = computeMetrics(input([100, 120, 110, 100, 105, 119]), { periodsPerYear: 365 });
    expect(u.maxDrawdownDurationBars).toBe(4);
    expect(u.maxDrawdownDurationDays).toBe(4);
    expect(u.maxDrawdownPct).toBeCloseTo((1 - 100 / 120) * 100, 12);
  });

  it('equal to the peak counts as recovered; a flat stretch at the peak is no drawdown', () => {
    const f = computeMetrics(input([100, 100, 100, 90, 100, 100]), { periodsPerYear: 365 });
    expect(f.maxDrawdownDurationBars).toBe(2); // peak bar 2 (last bar at 100) -> bar 4
    expect(f.averageDrawdownPct).toBeCloseTo(10, 12);
  });

  it('matches a naive second implementation on random series', () => {
    for (const [n, seed, zeros] of [[500, 1, 0], [3000, 2, 0.6], [40_000, 3, 0.3]] as const) {
      const eq = randomEquity(n, seed, zeros);
      const got = computeMetrics(input(eq), { periodsPerYear: 365 });
      // Naive: per bar, the running max and the depth; episodes split whenever equity regains the peak.
      let peak = eq[0];
      let peakBar = 0;
      let depth = 0;
      let worst = 0;
      let longest = 0;
      const depths: number[] = [];
      for (let i = 1; i < n; i++) {
        if (eq[i] >= peak) {
          if (depth > 0) depths.push(depth);
          if (depth > 0) longest = Math.max(longest, i - peakBar);
          depth = 0;
          peak = eq[i];
          peakBar = i;
        } else {
          depth = Math.max(depth, (peak - eq[i]) / peak);
          worst = Math.max(worst, depth);
        }
      }
      if (depth > 0) {
        depths.push(depth);
        longest = Math.max(longest, n - 1 - peakBar);
      }
      expect(got.maxDrawdownPct).toBeCloseTo(worst * 100, 10);
      expect(got.averageDrawdownPct).toBeCloseTo((depths.reduce((a, b) => a + b, 0) / depths.length) * 100, 10);
      expect(got.maxDrawdownDurationBars).toBe(longest);
    }
  });
});

describe('trade statistics, hand-worked', () => {
  // pnl       [ 50, -20, 30, -10, 0]   returnPct [5, -2, 3, -1, 0]
  // holding   [  5,   2,  9,   1, 0]   (exit - entry)
  const t = trades([
    [0, 5, 50, 5],
    [10, 12, -20, -2],
    [20, 29, 30, 3],
    [30, 31, -10, -1],
    [40, 40, 0, 0],
  ]);
  const m = computeMetrics(input([100, 101, 102], { trades: t }), { periodsPerYear: 365 });

  it('counts, win rate, profit factor', () => {
    expect(m.tradeCount).toBe(5);
    expect(m.winRatePct).toBeCloseTo(40, 12); // 2 of 5 have pnl > 0; the break-even trade is not a win
    expect(m.profitFactor).toBeCloseTo(80 / 30, 12); // (50 + 30) / (20 + 10)
  });

  it('expectancy, averages, best and worst', () => {
    expect(m.expectancy).toBeCloseTo(10, 12); // 50 / 5
    expect(m.expectancyPct).toBeCloseTo(1, 12); // (5 - 2 + 3 - 1 + 0) / 5
    // geometric: (1.05 x 0.98 x 1.03 x 0.99 x 1)^(1/5) - 1 = 1.0492713^(0.2) - 1 = 0.96656 %
    expect(m.averageTradePct).toBeCloseTo(0.9665597703852669, 10);
    expect(m.bestTradePct).toBe(5);
    expect(m.worstTradePct).toBe(-2);
    expect(m.averageHoldingBars).toBeCloseTo(17 / 5, 12);
  });

  it('SQN and Kelly', () => {
    // pnl mean 10; deviations 40, -30, 20, -20, -10 -> squares 3400; sample std = sqrt(3400/4) = 29.1548
    // SQN = sqrt(5) x 10 / 29.1548 = 0.766965
    expect(m.sqn).toBeCloseTo(0.7669649888473705, 12);
    // W = 0.4; avg win = 80/2 = 40; avg loss = 30/2 = 15; R = 2.6667; 0.4 - 0.6/2.6667 = 0.175
    expect(m.kellyPct).toBeCloseTo(17.5, 12);
  });

  it('no trades: trade metrics are null, the count is 0', () => {
    const none = computeMetrics(input([100, 101]), { periodsPerYear: 365 });
    expect(none.tradeCount).toBe(0);
    for (const key of ['winRatePct', 'profitFactor', 'expectancy', 'expectancyPct', 'averageTradePct', 'bestTradePct', 'worstTradePct', 'averageHoldingBars', 'sqn', 'kellyPct'] as const) {
      expect(none[key], key).toBeNull();
    }
  });

  it('only winners: profit factor and Kelly undefined (null), not Infinity', () => {
    const w = computeMetrics(input([100, 101], { trades: trades([[0, 1, 10, 1], [1, 2, 5, 0.5]]) }), { periodsPerYear: 365 });
    expect(w.winRatePct).toBe(100);
    expect(w.profitFactor).toBeNull();
    expect(w.kellyPct).toBeNull();
    expect(w.sqn).toBeCloseTo((Math.sqrt(2) * 7.5) / Math.sqrt(12.5), 12); // pnl 10, 5: std = sqrt(12.5)
  });

  it('only losers: profit factor 0; one trade: SQN null', () => {
    const l = computeMetrics(input([100, 99], { trades: trades([[0, 1, -10, -1]]) }), { periodsPerYear: 365 });
    expect(l.profitFactor).toBe(0);
    expect(l.winRatePct).toBe(0);
    expect(l.sqn).toBeNull();
    expect(l.kellyPct).toBeNull();
  });

  it('a trade losing 100 % or more makes the geometric average -100 %', () => {
    const r = computeMetrics(input([100, 50], { trades: trades([[0, 1, 10, 10], [1, 2, -120, -120]]) }), { periodsPerYear: 365 });
    expect(r.averageTradePct).toBe(-100);
    expect(r.expectancyPct).toBeCloseTo(-55, 12);
  });

  it('reads only the first `count` rows', () => {
    const t2 = trades([[0, 1, 10, 1], [0, 1, -1000, -50]]);
    t2.count = 1;
    expect(computeMetrics(input([100, 101], { trades: t2 }), { periodsPerYear: 365 }).worstTradePct).toBe(1);
  });
});

describe('buy and hold, exposure, fees', () => {
  it('skips leading and trailing NaN closes', () => {
    const m = computeMetrics(
      input([100, 100, 100, 100, 100, 100], { benchmarkClose: Float64Array.from([NaN, NaN, 50, 55, 60, NaN]), exposureBars: 3, feesPaid: 12.5 }),
      { periodsPerYear: 365 },
    );
    expect(m.buyAndHoldReturnPct).toBeCloseTo(20, 12); // 60 / 50 - 1
    expect(m.exposurePct).toBe(50); // 3 of 6 bars
    expect(m.feesPaid).toBe(12.5);
  });

  it('null without a benchmark or without any valid close', () => {
    expect(computeMetrics(input([100, 101]), { periodsPerYear: 365 }).buyAndHoldReturnPct).toBeNull();
    expect(computeMetrics(input([100, 101], { benchmarkClose: Float64Array.from([NaN, NaN]) }), { periodsPerYear: 365 }).buyAndHoldReturnPct).toBeNull();
  });

  it('total return is against initial cash, not the first equity point', () => {
    const m = computeMetrics(input([99, 110], { initialCash: 100 }), { periodsPerYear: 365 });
    expect(m.totalReturnPct).toBeCloseTo(10, 12);
  });
});

describe('cross-checks against simple-statistics on random series', () => {
  // 20 and 1,000 returns use plain selection; 20,000+ use the sampled bracket (with ties when zeros > 0).
  const cases = [
    [21, 11, 0, false],
    [1001, 12, 0, true],
    [20_002, 13, 0, false], // an odd number of returns
    [60_001, 14, 0.5, true],
    [60_001, 15, 0.97, false],
  ] as const;
  for (const [n, seed, zeros, fat] of cases) {
    it(`n = ${n}, ${zeros * 100} % flat bars${fat ? ', fat tails' : ''}`, () => {
      const eq = randomEquity(n, seed, zeros, fat);
      const r = simpleReturns(eq);
      const ppy = 8760;
      const m = computeMetrics(input(eq, { stepMs: 3_600_000 }), { periodsPerYear: ppy });
      const sd = sampleStandardDeviation(r);
      const mean = r.reduce((a, b) => a + b, 0) / r.length;
      expect(m.annualVolatilityPct).toBeCloseTo(sd * Math.sqrt(ppy) * 100, 8);
      expect(m.sharpe! / ((mean / sd) * Math.sqrt(ppy))).toBeCloseTo(1, 9);
      expect(m.skew! - sampleSkewness(r)).toBeCloseTo(0, 7);
      expect(m.kurtosis! - sampleKurtosis(r)).toBeCloseTo(0, 6);
      const q = quantile(r, 0.05);
      expect(m.valueAtRisk95Pct).toBe(-q * 100 + 0); // same order statistics and interpolation, bit for bit (-0 reported as 0)
      const tail = r.filter((x) => x <= q);
      expect(m.conditionalValueAtRisk95Pct).toBeCloseTo((-tail.reduce((a, b) => a + b, 0) / tail.length) * 100, 10);
      const downside = Math.sqrt(r.reduce((a, x) => a + Math.min(x, 0) ** 2, 0) / r.length);
      expect(m.sortino! / ((mean / downside) * Math.sqrt(ppy))).toBeCloseTo(1, 9);
      expectJsonSafe(m);
    });
  }
});

describe('quantile selection internals', () => {
  it('selectInPlace puts the k-th order statistic at k', () => {
    const u = rng(7);
    for (const n of [1, 2, 5, 601, 5000]) {
      const a = Float64Array.from({ length: n }, () => Math.round(u() * 50) / 10); // many ties
      const sorted = Float64Array.from(a).sort();
      for (const k of [0, Math.floor(n / 3), n - 1]) {
        const b = Float64Array.from(a);
        selectInPlace(b, k);
        expect(b[k]).toBe(sorted[k]);
        for (let i = 0; i < k; i++) expect(b[i] <= b[k]).toBe(true);
        for (let i = k + 1; i < n; i++) expect(b[i] >= b[k]).toBe(true);
      }
    }
  });

  it('bracketed and plain paths agree with simple-statistics for many p, with and without ties', () => {
    const u = rng(8);
    for (const [n, tieShare] of [[3000, 0], [3000, 0.9], [5000, 0.3], [200, 0.99]] as const) {
      const values = Float64Array.from({ length: n }, () => (u() < tieShare ? 0 : u() - 0.6));
      const arr = Array.from(values);
      for (const p of [0, 0.001, 0.05, 0.25, 0.5, 0.9]) {
        const q = quantile(arr, p);
        const tail = arr.filter((x) => x <= q);
        const tailMean = tail.reduce((a, b) => a + b, 0) / tail.length;
        const plain = lowerTail(Float64Array.from(values), n, p);
        const bracketed = momentsAndTail(Float64Array.from(values), n, 0, p, 0); // force the bracket
        for (const got of [plain, bracketed]) {
          expect(got.quantile).toBe(q);
          expect(got.tailMean).toBeCloseTo(tailMean, 12);
        }
      }
    }
  });

  it('a bracket that misses the target rank is reported, so the caller can fall back', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => i);
    const bracket = planBracket((j) => values[j], 1000, 0.5);
    // Pretend everything fell below the bracket: rank 499 is not inside it.
    expect(resolveBracket(bracket, { belowCount: 1000, belowSum: 0, loCount: 0, hiCount: 0, insideCount: 0 })).toBeNull();
  });
});

describe('edge cases: null or 0 by rule, never NaN, never a throw', () => {
  it('no bars', () => {
    const m = computeMetrics(input([], { initialCash: 100 }), { periodsPerYear: 365 });
    expect(m.bars).toBe(0);
    expect(m.startTime).toBeNull();
    expect(m.finalEquity).toBeNull();
    expect(m.totalReturnPct).toBeNull();
    expect(m.maxDrawdownPct).toBeNull();
    expect(m.sharpe).toBeNull();
    expect(m.exposurePct).toBeNull();
    expectJsonSafe(m);
  });

  it('one bar: totals defined, nothing that needs returns or elapsed time', () => {
    const m = computeMetrics(input([105], { initialCash: 100 }), { periodsPerYear: 365 });
    expect(m.totalReturnPct).toBeCloseTo(5, 12);
    expect(m.durationDays).toBe(0);
    expect(m.cagrPct).toBeNull();
    expect(m.annualVolatilityPct).toBeNull();
    expect(m.valueAtRisk95Pct).toBeNull();
    expect(m.maxDrawdownPct).toBe(0);
    expect(m.maxDrawdownDurationBars).toBe(0);
    expect(m.averageDrawdownPct).toBe(0);
    expect(m.calmar).toBeNull();
    expectJsonSafe(m);
  });

  it('two bars: one return gives VaR but no standard deviation', () => {
    const m = computeMetrics(input([100, 90]), { periodsPerYear: 365 });
    expect(m.valueAtRisk95Pct).toBeCloseTo(10, 12);
    expect(m.conditionalValueAtRisk95Pct).toBeCloseTo(10, 12);
    expect(m.annualVolatilityPct).toBeNull();
    expect(m.sharpe).toBeNull();
    // Sortino: mean -0.1 over downside sqrt(0.01/1) = -1, x sqrt(365)
    expect(m.sortino).toBeCloseTo(-Math.sqrt(365), 10);
  });

  it('flat equity: zero volatility and drawdown; ratios with a zero denominator are null', () => {
    const m = computeMetrics(input([100, 100, 100, 100, 100]), { periodsPerYear: 365 });
    expect(m.annualVolatilityPct).toBe(0);
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.maxDrawdownPct).toBe(0);
    expect(m.calmar).toBeNull();
    expect(m.valueAtRisk95Pct).toBe(0);
    expect(Object.is(m.valueAtRisk95Pct, -0)).toBe(false);
    expect(m.skew).toBeNull();
    expect(m.kurtosis).toBeNull();
    expect(m.cagrPct).toBe(0);
    expectJsonSafe(m);
  });

  it('flat equity with a risk-free rate: Sortino = -sqrt(periodsPerYear)', () => {
    // every period falls short of the target by exactly rf_p: (0 - rf_p) / rf_p = -1
    const m = computeMetrics(input([100, 100, 100]), { periodsPerYear: 365, riskFreeRate: 0.03 });
    expect(m.sortino).toBeCloseTo(-Math.sqrt(365), 9);
  });

  it('constant growth: rounding noise in the standard deviation is not a Sharpe of 1e15', () => {
    const eq = Float64Array.from({ length: 50 }, (_, i) => 100 * 1.001 ** i);
    const m = computeMetrics(input(eq), { periodsPerYear: 365 });
    expect(m.sharpe).toBeNull();
    expect(m.annualVolatilityPct).toBe(0);
    expect(m.skew).toBeNull();
  });

  it('ruin: equity to 0 stays there; drawdown 100 %, CAGR -100 %', () => {
    const m = computeMetrics(input([100, 50, 0, 0, 0]), { periodsPerYear: 365 });
    expect(m.maxDrawdownPct).toBe(100);
    expect(m.cagrPct).toBe(-100);
    expect(m.totalReturnPct).toBe(-100);
    expect(m.maxDrawdownDurationBars).toBe(4);
    expectJsonSafe(m);
  });

  it('negative equity: drawdown beyond 100 %', () => {
    const m = computeMetrics(input([100, 50, -20]), { periodsPerYear: 365 });
    expect(m.maxDrawdownPct).toBeCloseTo(120, 12);
    expectJsonSafe(m);
  });

  it('a NaN in equity makes return and drawdown metrics null instead of NaN', () => {
    for (const eq of [[100, NaN, 110, 120], [NaN, 100, 110], [100, 0, NaN, 5], [100, Infinity, 100]]) {
      const m = computeMetrics(input(eq, { initialCash: 100 }), { periodsPerYear: 365 });
      expect(m.sharpe).toBeNull();
      expect(m.maxDrawdownPct).toBeNull();
      expect(m.valueAtRisk95Pct).toBeNull();
      expectJsonSafe(m);
    }
  });

  it('zero initial cash: returns against it are null', () => {
    const m = computeMetrics(input([100, 110], { initialCash: 0 }), { periodsPerYear: 365 });
    expect(m.totalReturnPct).toBeNull();
    expect(m.cagrPct).toBeNull();
  });

  it('rejects inconsistent input with a clear RangeError', () => {
    const bad = input([100, 110]);
    expect(() => computeMetrics({ ...bad, time: new Float64Array(1) }, { periodsPerYear: 365 })).toThrow(/"time" has 1 values but "equity" has 2/);
    expect(() => computeMetrics(bad, { periodsPerYear: 0 })).toThrow(/periodsPerYear must be a positive number/);
    expect(() => computeMetrics(bad, { periodsPerYear: 365, riskFreeRate: NaN })).toThrow(/riskFreeRate/);
    expect(() => computeMetrics({ ...bad, trades: { ...trades(), count: 3 } }, { periodsPerYear: 365 })).toThrow(/trades.count is 3/);
  });
});

describe('options and determinism', () => {
  it('without options, periods per year are the bars observed per 365.25-day year', () => {
    const eq = randomEquity(200, 21);
    const implicit = computeMetrics(input(eq));
    const explicit = computeMetrics(input(eq), { periodsPerYear: 365.25 });
    expect(implicit.sharpe).toBeCloseTo(explicit.sharpe!, 12);
  });

  it('the reused scratch buffers leak nothing between calls', () => {
    const big = input(randomEquity(50_000, 31, 0.4));
    const small = input(randomEquity(300, 32));
    const first = computeMetrics(big, { periodsPerYear: 365 });
    const smallFirst = computeMetrics(small, { periodsPerYear: 365 });
    expect(computeMetrics(big, { periodsPerYear: 365 })).toEqual(first);
    expect(computeMetrics(small, { periodsPerYear: 365 })).toEqual(smallFirst);
    // The input is never modified.
    expect(Array.from(big.equity.subarray(0, 5))).toEqual(Array.from(randomEquity(50_000, 31, 0.4).subarray(0, 5)));
  });
});

describe('METRIC_DESCRIPTIONS', () => {
  it('describes exactly the keys computeMetrics returns, in table order', () => {
    const m = computeMetrics(input([100, 101, 99]), { periodsPerYear: 365 });
    // every scalar metric has a row; openTrades (a list of records) is reported apart
    expect([...METRIC_KEYS].sort()).toEqual(Object.keys(m).filter((k) => k !== 'openTrades').sort());
    expect(METRIC_KEYS[0]).toBe('startTime');
  });

  it('has quant labels, with the unit in brackets for percentages', () => {
    expect(METRIC_DESCRIPTIONS.sharpe.label).toBe('Sharpe');
    expect(METRIC_DESCRIPTIONS.maxDrawdownPct.label).toBe('Max drawdown [%]');
    for (const key of METRIC_KEYS) {
      const d = METRIC_DESCRIPTIONS[key];
      if (key.endsWith('Pct')) expect(d.unit, key).toBe('%');
      if (d.unit === '%') expect(d.label, key).toMatch(/\[%\]$/);
      expect(d.description.length, key).toBeGreaterThan(10);
    }
    expect(new Set(METRIC_KEYS.map((k) => METRIC_DESCRIPTIONS[k].label)).size).toBe(METRIC_KEYS.length);
  });
});
