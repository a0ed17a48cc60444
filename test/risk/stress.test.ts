import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../src/stats/normal.js';
import { stressScenarios, type StressInput } from '../../src/risk/stress.js';

const DAY = 86_400_000;

/** Daily bars from `from` to `to` (inclusive) with zero returns, and a setter by the date a return ends on. */
function daily(from: string, to: string) {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  const times = Float64Array.from({ length: (end - start) / DAY + 1 }, (_, i) => start + i * DAY);
  const returns = new Float64Array(times.length - 1);
  const endingOn = (date: string, r: number) => {
    const i = times.indexOf(Date.parse(`${date}T00:00:00Z`));
    returns[i - 1] = r;
  };
  return { times, returns, endingOn };
}

const base = (times: Float64Array, returns: Float64Array): StressInput => ({
  times, returns, periodsPerYear: 365, mean: 0.0002, sd: 0.01, horizon: 1, exitCost: 0.001, exitCostSource: 'test', exposure: 1,
});

describe('stress scenarios', () => {
  it('replays a covered window from the close of its first day to the close of its last, with its drawdown', () => {
    const { times, returns, endingOn } = daily('2020-01-01', '2020-12-31');
    endingOn('2020-02-19', -0.5); // ends at the start close: before the window
    endingOn('2020-02-20', -0.1);
    endingOn('2020-03-02', 0.02);
    endingOn('2020-03-23', 0.05);
    endingOn('2020-03-24', -0.5); // after the window
    const crash = stressScenarios(base(times, returns)).find((s) => s.id === 'crash-2020')!;
    expect(crash.kind).toBe('historical');
    expect(crash.covered).toBe(true);
    expect(crash.loss).toBeCloseTo(1 - 0.9 * 1.02 * 1.05, 14);
    expect(crash.maxDrawdown).toBeCloseTo(0.1, 14);
  });

  it('needs a bar on or before the first day and on or after the last; otherwise a parametric equivalent that says so', () => {
    const onStart = daily('2020-02-19', '2020-03-23');
    expect(stressScenarios(base(onStart.times, onStart.returns)).find((s) => s.id === 'crash-2020')!.covered).toBe(true);
    const late = daily('2020-02-20', '2020-06-30');
    const input = base(late.times, late.returns);
    const [crisis, crash, winter] = stressScenarios(input);
    expect(crash.covered).toBe(false);
    // The reference move scaled by the portfolio's annual volatility over the reference's: 1% x sqrt(365) / 16%.
    const ratio = (0.01 * Math.sqrt(365)) / 0.16;
    expect(crash.loss).toBeCloseTo((1 - 2237.4 / 3386.15) * ratio, 12);
    expect(crash.assumes).toMatch(/^the data does not cover 2020-02-19 \.\. 2020-03-23, so a parametric equivalent: the S&P 500 fell 33\.9%/);
    expect(crisis.loss).toBeCloseTo((1 - 676.53 / 1192.7) * ratio, 12);
    expect(winter.loss).toBeCloseTo((1 - 15_780 / 64_950) * ((0.01 * Math.sqrt(365)) / 0.65), 12);
  });

  it('computes the parametric shocks by their stated formulas, capping a loss past 100% and saying so', () => {
    const { times, returns } = daily('2021-01-01', '2021-03-01');
    const input = { ...base(times, returns), horizon: 4 };
    const byId = Object.fromEntries(stressScenarios(input).map((s) => [s.id, s]));
    const annual = 0.01 * Math.sqrt(365);
    expect(byId['rates-shock'].loss).toBeCloseTo((0.194 / 2.37) * (annual / 0.16), 12);
    expect(byId['volatility-spike'].loss).toBeCloseTo(-0.0002 * 4 + 3 * 0.01 * 2 * normalQuantile(0.99), 12);
    expect(byId['liquidity-gap'].loss).toBeCloseTo(5 * 0.01 + 10 * 0.001, 12);
    const wild = Object.fromEntries(stressScenarios({ ...input, sd: 0.2 }).map((s) => [s.id, s]));
    expect(wild['crisis-2008'].loss).toBe(1);
    expect(wild['crisis-2008'].assumes).toMatch(/capped at 100%: a total loss\)$/);
    expect(stressScenarios(input).map((s) => s.kind)).toEqual(['historical', 'historical', 'historical', 'parametric', 'parametric', 'parametric']);
  });
});
