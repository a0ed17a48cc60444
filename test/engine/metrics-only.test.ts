/**
 * computeMetrics({ only }): each metric asked alone has exactly the value of the full computation, and asking
 * for fewer metrics runs fewer passes (counted by wrapping the passes, never timed).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { benchmarkBars } from '../../src/data/synthetic.js';
import { simulate, type SimOptions } from '../../src/engine/index.js';
import { computeMetrics, METRIC_KEYS, returnsInOrder, type MetricKey, type MetricsInput } from '../../src/engine/metrics.js';
import { crossSignals } from './helpers.js';

/** Elements read by each pass in the calls since the last reset. */
const work = { equity: 0, moments: 0, tail: 0, trades: 0 };

vi.mock('../../src/engine/metrics/kernels.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/engine/metrics/kernels.js')>();
  return {
    ...original,
    equityPass: (...args: Parameters<typeof original.equityPass>) => {
      work.equity += args[0].length;
      return original.equityPass(...args);
    },
  };
});
vi.mock('../../src/engine/metrics/distribution.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/engine/metrics/distribution.js')>();
  return {
    ...original,
    moments: (...args: Parameters<typeof original.moments>) => {
      work.moments += args[1];
      return original.moments(...args);
    },
    momentsAndTail: (...args: Parameters<typeof original.momentsAndTail>) => {
      work.moments += args[1];
      work.tail += args[1];
      return original.momentsAndTail(...args);
    },
  };
});
vi.mock('../../src/engine/metrics/trades.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/engine/metrics/trades.js')>();
  return {
    ...original,
    tradeMetrics: (...args: Parameters<typeof original.tradeMetrics>) => {
      work.trades += args[0].count;
      return original.tradeMetrics(...args);
    },
  };
});

function resetWork(): void {
  work.equity = work.moments = work.tail = work.trades = 0;
}
const total = () => work.equity + work.moments + work.tail + work.trades;

/** A real engine run of an SMA cross over the seeded benchmark bars, as computeMetrics input. */
function run(n: number, fast: number, slow: number, sim: SimOptions): MetricsInput {
  const bars = benchmarkBars(n, 7);
  const r = simulate(bars, crossSignals(bars.close, fast, slow), sim);
  return { time: bars.time, equity: r.equity, trades: r.trades, exposureBars: r.exposureBars, feesPaid: r.feesPaid, initialCash: r.options.cash, benchmarkClose: bars.close };
}

const RUNS: Array<[name: string, input: () => MetricsInput]> = [
  ['3,000 bars, long, fees, ends in a position', () => run(3_000, 5, 20, { feeRate: 0.001 })],
  // Above the size at which the moments and the tail come from the bracketed selection.
  ['40,000 bars, long and short, stops, fill at close', () => run(40_000, 10, 50, { direction: 'both', fill: 'close', feeRate: 0.0005, stopLoss: { kind: 'pct', value: 0.01 } })],
  ['300 bars, no trade', () => run(300, 150, 299, {})],
];

const ALWAYS: readonly MetricKey[] = ['bars', 'tradeCount', 'feesPaid'];

describe.each(RUNS)('only, on a real run: %s', (_, makeInput) => {
  const input = makeInput();
  const options = { periodsPerYear: 525_600, riskFreeRate: 0.02 };
  const full = computeMetrics(input, options);

  it('gives every metric asked alone exactly its full-computation value, and null for the rest', () => {
    for (const key of METRIC_KEYS) {
      const one = computeMetrics(input, { ...options, only: [key] });
      expect(one[key], key).toBe(full[key]);
      for (const other of METRIC_KEYS) {
        if (other !== key) expect(one[other], `${other} when only ${key} is asked`).toBe(ALWAYS.includes(other) ? full[other] : null);
      }
      expect(one.openTrades).toEqual(full.openTrades);
    }
  });

  it('gives the full result for only: every key, and the same values for a sweep-like pick', () => {
    expect(computeMetrics(input, { ...options, only: METRIC_KEYS })).toEqual(full);
    const pick = computeMetrics(input, { ...options, only: ['sharpe', 'tradeCount', 'maxDrawdownPct', 'valueAtRisk95Pct'] });
    for (const key of ['sharpe', 'tradeCount', 'maxDrawdownPct', 'valueAtRisk95Pct'] as const) expect(pick[key]).toBe(full[key]);
    // The moments taken without the tail (sharpe alone) equal those taken with it.
    expect(computeMetrics(input, { ...options, only: ['skew', 'kurtosis', 'annualVolatilityPct'] })).toMatchObject({ skew: full.skew, kurtosis: full.kurtosis, annualVolatilityPct: full.annualVolatilityPct });
  });
});

describe('only: the work done', () => {
  const input = run(40_000, 10, 50, { direction: 'both', feeRate: 0.001 });
  const n = input.equity.length;
  const trades = input.trades.count;
  const options = { periodsPerYear: 525_600 };
  beforeEach(() => {
    computeMetrics(input, options); // the one-time warm-up calls the passes too
    resetWork();
  });

  function workOf(only?: readonly MetricKey[]): typeof work {
    resetWork();
    computeMetrics(input, { ...options, only });
    return { ...work };
  }

  it('runs each pass only for the metrics that read it', () => {
    expect(trades).toBeGreaterThan(100);
    const everything = { equity: n, moments: n - 1, tail: n - 1, trades };
    expect(workOf()).toEqual(everything);
    expect(workOf(METRIC_KEYS)).toEqual(everything);
    expect(workOf([])).toEqual({ equity: 0, moments: 0, tail: 0, trades: 0 });
    for (const key of ['startTime', 'endTime', 'durationDays', 'bars', 'exposurePct', 'finalEquity', 'totalReturnPct', 'buyAndHoldReturnPct', 'cagrPct', 'feesPaid', 'tradeCount'] as const) {
      expect(workOf([key]), key).toEqual({ equity: 0, moments: 0, tail: 0, trades: 0 });
    }
    for (const key of ['winRatePct', 'sqn', 'kellyPct', 'profitFactor'] as const) expect(workOf([key]), key).toEqual({ equity: 0, moments: 0, tail: 0, trades });
    for (const key of ['maxDrawdownPct', 'calmar', 'sortino', 'maxDrawdownDurationDays'] as const) expect(workOf([key]), key).toEqual({ equity: n, moments: 0, tail: 0, trades: 0 });
    for (const key of ['sharpe', 'annualVolatilityPct', 'skew', 'kurtosis'] as const) expect(workOf([key]), key).toEqual({ equity: n, moments: n - 1, tail: 0, trades: 0 });
    for (const key of ['valueAtRisk95Pct', 'conditionalValueAtRisk95Pct'] as const) expect(workOf([key]), key).toEqual({ equity: n, moments: n - 1, tail: n - 1, trades: 0 });
  });

  it('leaves the returns in the caller buffer, in bar order, exactly when returnsInOrder says so', () => {
    const byHand = Float64Array.from({ length: n - 1 }, (_, i) => (input.equity[i] > 0 ? input.equity[i + 1] / input.equity[i] - 1 : 0));
    for (const key of METRIC_KEYS) {
      const done = workOf([key]);
      expect(returnsInOrder([key]), key).toBe(done.equity > 0 && done.tail === 0);
      if (!returnsInOrder([key])) continue;
      const returns = new Float64Array(n + 5).fill(7);
      const withBuffer = computeMetrics(input, { ...options, only: [key], returns });
      expect(withBuffer[key], key).toBe(computeMetrics(input, { ...options, only: [key] })[key]);
      expect(returns.subarray(0, n - 1), key).toEqual(byHand);
      expect(returns[n - 1]).toBe(7);
    }
    expect(returnsInOrder(['sharpe', 'valueAtRisk95Pct'])).toBe(false);
    expect(returnsInOrder(undefined)).toBe(false);
    expect(() => computeMetrics(input, { ...options, only: ['sharpe'], returns: new Float64Array(2) })).toThrow(`computeMetrics: "returns" holds 2 values but the ${n} bars have ${n - 1} returns.`);
  });

  it('never does more work for fewer keys', () => {
    resetWork();
    computeMetrics(input, options);
    const all = total();
    for (const key of METRIC_KEYS) {
      workOf([key]);
      const one = total();
      expect(one, key).toBeLessThan(all);
      for (const extra of METRIC_KEYS) {
        workOf([key, extra]);
        expect(total(), `${key} + ${extra}`).toBeGreaterThanOrEqual(one);
      }
    }
  });
});

it('refuses a key that is not a metric, naming it and the metrics', () => {
  const input = run(300, 5, 20, {});
  expect(() => computeMetrics(input, { periodsPerYear: 365, only: ['sharpe', 'sharp' as MetricKey] })).toThrow(/"only" lists "sharp", which is not a metric; the metrics are startTime, .*sharpe/);
});
