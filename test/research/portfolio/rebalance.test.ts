import { describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/data/bars.js';
import { mulberry32 } from '../../../src/data/synthetic.js';
import { simulatePortfolio } from '../../../src/engine/portfolio.js';
import { planRebalances, type RebalanceSettings } from '../../../src/research/portfolio/rebalance.js';
import { parsePortfolioLength, rebalanceSchedule } from '../../../src/research/portfolio/schedule.js';

const DAY = 86_400_000;

/** Seeded random-walk closes for m assets with different drifts and volatilities, and a common factor. */
function closes(m: number, n: number, seed: number): Float64Array[] {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const out = Array.from({ length: m }, () => new Float64Array(n));
  for (let a = 0; a < m; a++) out[a][0] = 100;
  for (let t = 1; t < n; t++) {
    const common = gauss();
    for (let a = 0; a < m; a++) out[a][t] = out[a][t - 1] * (1 + 0.0003 * (a + 1) + 0.01 * (1 + a / 2) * (0.5 * common + gauss()));
  }
  return out;
}

const time = (n: number) => Float64Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1) + i * DAY);
const assets = ['A', 'B', 'C', 'D'];

describe('rebalancing weights use only the returns up to the decision bar', () => {
  const n = 400;
  const schedule = rebalanceSchedule(time(n), parsePortfolioLength('120', 'lookback'), parsePortfolioLength('20', 'rebalance'));
  const cases: [string, RebalanceSettings][] = [
    ['min-variance', { method: 'min-variance', covariance: 'sample', constraints: {} }],
    ['max-sharpe with a cap and a turnover limit', { method: 'max-sharpe', covariance: 'ledoit-wolf', constraints: { maxWeight: 0.6, maxTurnover: 0.5 } }],
    ['risk-parity on EWMA', { method: 'risk-parity', covariance: 'ewma', constraints: {} }],
  ];
  for (const [name, settings] of cases) {
    it(`${name}: changing every bar after t leaves the weights decided at or before t unchanged`, () => {
      const base = closes(4, n, 11);
      const plan = planRebalances(base, time(n), assets, schedule, settings);
      expect(plan.history.length).toBe(schedule.length);
      for (const cut of [schedule[0].bar, schedule[3].bar, schedule[schedule.length - 2].bar]) {
        const rand = mulberry32(cut);
        const changed = base.map((c) => Float64Array.from(c, (v, t) => (t > cut ? v * (0.5 + rand()) : v)));
        const other = planRebalances(changed, time(n), assets, schedule, settings);
        for (const [r, h] of plan.history.entries()) {
          if (h.bar <= cut) expect(other.history[r].weights).toEqual(h.weights);
        }
        // ...and the change is seen by the first rebalance after the cut (the test could fail).
        const after = plan.history.findIndex((h) => h.bar > cut);
        if (after >= 0) expect(other.history[after].weights).not.toEqual(plan.history[after].weights);
      }
    });
  }

  it('estimates on the returns of bars t-L+1..t: two-asset min-variance matches the closed form on that window', () => {
    // Unconstrained two-asset minimum variance: w1 = (s22 - s12) / (s11 + s22 - 2 s12) (inside [0, 1] here).
    const c = closes(2, 300, 5);
    const sched = rebalanceSchedule(time(300), parsePortfolioLength('50', 'lookback'), parsePortfolioLength('30', 'rebalance'));
    const plan = planRebalances(c, time(300), ['A', 'B'], sched, { method: 'min-variance', covariance: 'sample', constraints: {} });
    for (const h of plan.history) {
      const r = c.map((col) => Array.from({ length: 50 }, (_, k) => col[h.bar - 49 + k] / col[h.bar - 50 + k] - 1));
      const mean = r.map((x) => x.reduce((s, v) => s + v, 0) / x.length);
      const cov = (i: number, j: number) => r[i].reduce((s, v, k) => s + (v - mean[i]) * (r[j][k] - mean[j]), 0) / 49;
      const w1 = (cov(1, 1) - cov(0, 1)) / (cov(0, 0) + cov(1, 1) - 2 * cov(0, 1));
      expect(w1).toBeGreaterThan(0);
      expect(w1).toBeLessThan(1);
      expect(h.weights[0]).toBeCloseTo(w1, 6);
      expect(h.weights[1]).toBeCloseTo(1 - w1, 6);
    }
  });

  it('writes the weights at the decision bars only (NaN = keep elsewhere)', () => {
    const c = closes(3, 200, 2);
    const sched = rebalanceSchedule(time(200), parsePortfolioLength('40', 'lookback'), parsePortfolioLength('25', 'rebalance'));
    const plan = planRebalances(c, time(200), ['A', 'B', 'C'], sched, { method: 'equal-weight', covariance: 'sample', constraints: {} });
    const decided = new Set(sched.map((r) => r.bar));
    for (let t = 0; t < 200; t++) {
      for (let a = 0; a < 3; a++) expect(Number.isNaN(plan.weights[a][t])).toBe(!decided.has(t));
    }
    expect(plan.history[0].weights).toEqual(Float64Array.of(1 / 3, 1 / 3, 1 / 3));
    // The same targets again are written exactly (the portfolio strategy rebalances on every weight, changed or not).
    for (let r = 1; r < sched.length; r++) {
      for (let a = 0; a < 3; a++) expect(plan.weights[a][sched[r].bar]).toBe(1 / 3);
      expect(plan.history[r].weights).toEqual(Float64Array.of(1 / 3, 1 / 3, 1 / 3));
    }
  });

  it('--select keeps the chosen assets only, chosen on the first window', () => {
    const c = closes(6, 300, 8);
    const names = ['A', 'B', 'C', 'D', 'E', 'F'];
    const sched = rebalanceSchedule(time(300), parsePortfolioLength('100', 'lookback'), parsePortfolioLength('50', 'rebalance'));
    const settings: RebalanceSettings = { method: 'max-sharpe', covariance: 'sample', constraints: {}, select: { k: 3, seed: 4, objective: 'max-sharpe' } };
    const plan = planRebalances(c, time(300), names, sched, settings);
    expect(plan.selected.length).toBe(3);
    for (const h of plan.history) {
      for (let a = 0; a < 6; a++) if (!plan.selected.includes(a)) expect(h.weights[a]).toBe(0);
      expect(plan.selected.reduce((s, a) => s + h.weights[a], 0)).toBeCloseTo(1, 9);
    }
    // Changing the bars after the first decision does not change the selection.
    const changed = c.map((col) => Float64Array.from(col, (v, t) => (t > sched[0].bar ? v * 1.5 ** (t % 3) : v)));
    expect(planRebalances(changed, time(300), names, sched, settings).selected).toEqual(plan.selected);
  });

  it('max-sharpe holds cash where no asset\'s estimated return beats the risk-free rate, and says so', () => {
    // Three assets falling steadily through bars 100..160, rising before and after.
    const n = 260;
    const c = [0.9, 1, 1.1].map((scale, a) => {
      const col = new Float64Array(n);
      col[0] = 100;
      for (let t = 1; t < n; t++) col[t] = col[t - 1] * (1 + (t >= 100 && t <= 160 ? -0.004 : 0.003) * scale + 0.006 * Math.sin(t * (a + 1.3)));
      return col;
    });
    const sched = rebalanceSchedule(time(n), parsePortfolioLength('40', 'lookback'), parsePortfolioLength('20', 'rebalance'));
    const plan = planRebalances(c, time(n), ['A', 'B', 'C'], sched, { method: 'max-sharpe', covariance: 'sample', constraints: { maxTurnover: 0.5 } });
    const cash = plan.history.filter((h) => h.inCash);
    // Long-only weights in [0, 1]: the best expected return is the best asset's, so cash exactly where every
    // window mean (worked out here from the closes) is at most 0.
    const windowMean = (col: Float64Array, bar: number) => {
      let s = 0;
      for (let t = bar - 39; t <= bar; t++) s += col[t] / col[t - 1] - 1;
      return s / 40;
    };
    const expected = sched.filter((r) => c.every((col) => windowMean(col, r.bar) <= 0)).map((r) => r.bar);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(sched.length - 2);
    expect(cash.map((h) => h.bar)).toEqual(expected);
    for (const h of cash) expect([...h.weights]).toEqual([0, 0, 0]);
    for (const h of plan.history.filter((x) => !x.inCash)) expect(h.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 9);
  });

  it('long-short under a leverage cap: the engine accepts every weight column (solver round-off trimmed to the cap)', () => {
    const n = 400;
    // (Windows where some asset's mean return is positive: max-sharpe refuses windows where none is.)
    const c = closes(4, n, 21).map((col, a) => col.map((v, t) => v * Math.exp((a === 0 ? 0.003 : 0.001) * t)));
    const sched = rebalanceSchedule(time(n), parsePortfolioLength('100', 'lookback'), parsePortfolioLength('20', 'rebalance'));
    const plan = planRebalances(c, time(n), assets, sched, { method: 'max-sharpe', covariance: 'sample', constraints: { longOnly: false, leverage: 1.5 } });
    for (const r of sched) {
      const column = plan.weights.map((w) => w[r.bar]);
      expect(column.reduce((s, w) => s + Math.abs(w), 0)).toBeLessThanOrEqual(1.5);
      expect(column.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 8);
    }
    expect(plan.history.some((h) => h.weights.some((w) => w < -1e-6))).toBe(true); // it does short
    const bars = c.map((close) => ({ length: n, time: time(n), open: close, high: close, low: close, close, volume: close } as unknown as Bars));
    expect(() => simulatePortfolio(bars, plan.weights, { leverage: 1.5 })).not.toThrow();
  });
});
