import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/data/synthetic.js';
import { listRuns } from '../../../src/data/runs.js';
import { withStore } from '../../../src/data/store.js';
import { runPortfolioJob, type PortfolioJobResult } from '../../../src/research/portfolio/index.js';
import { tempDir } from '../../helpers/cli.js';
import { describeShared, sharedPath } from '../../helpers/shared.js';

const DAY = 86_400_000;

/** Daily weekday-free (24/7) bars whose open is the previous close: a fill at the open trades at the decision close. */
function writeGaplessCsv(dir: string, name: string, n: number, seed: number, drift: number): string {
  const rand = mulberry32(seed);
  const lines = ['timestamp,open,high,low,close,volume'];
  let close = 50 + 50 * rand();
  for (let t = 0; t < n; t++) {
    const open = close;
    close = open * (1 + drift + 0.02 * (rand() - 0.5));
    lines.push(`${new Date(Date.UTC(2020, 0, 1) + t * DAY).toISOString()},${open},${Math.max(open, close) * 1.001},${Math.min(open, close) * 0.999},${close},1000`);
  }
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * A second implementation of what the engine does with these weights (no costs, fractional units, long
 * only, fills at the next open): units = w E / price at each fill; equity marked at the closes.
 */
function handSimulation(job: PortfolioJobResult, cash: number): { equity: number[]; turnover: number[] } {
  const bars = job.bars;
  const m = bars.length;
  const n = bars[0].length;
  const start = job.rebalances[0].bar;
  const units = new Array(m).fill(0);
  let money = cash;
  const equity: number[] = [];
  const turnover: number[] = [];
  const byFill = new Map(job.rebalances.map((r) => [r.bar + 1, r]));
  for (let t = start; t < n; t++) {
    const due = byFill.get(t);
    if (due) {
      const value = money + units.reduce((s, u, a) => s + u * bars[a].open[t], 0);
      let traded = 0;
      job.symbols.forEach((symbol, a) => {
        const want = (due.weights[symbol] * value) / bars[a].open[t];
        traded += Math.abs(want - units[a]) * bars[a].open[t];
        money -= (want - units[a]) * bars[a].open[t];
        units[a] = want;
      });
      turnover.push(traded / value);
    }
    equity.push(money + units.reduce((s, u, a) => s + u * bars[a].close[t], 0));
  }
  return { equity, turnover };
}

describe('runPortfolioJob', () => {
  it('equity and turnover match a hand simulation of the weights; the run is recorded as "portfolio"', async () => {
    const dir = tempDir();
    const files = [writeGaplessCsv(dir, 'AAA', 500, 1, 0.001), writeGaplessCsv(dir, 'BBB', 500, 2, 0.0005), writeGaplessCsv(dir, 'CCC', 500, 3, 0)];
    const db = join(dir, 'store.duckdb');
    const job = await runPortfolioJob({ files, db, method: 'min-variance', lookback: '60', rebalance: '20', sim: { cash: 5000 } });
    expect(job.symbols).toEqual(['AAA', 'BBB', 'CCC']);
    expect(job.rebalances.length).toBe(Math.floor((499 - 60 - 2) / 20) + 1);
    const hand = handSimulation(job, 5000);
    const engine = Array.from(job.backtest.result.equity);
    expect(engine.length).toBe(hand.equity.length);
    engine.forEach((e, i) => expect(e).toBeCloseTo(hand.equity[i], 6));
    job.rebalances.forEach((r, k) => expect(r.turnover).toBeCloseTo(hand.turnover[k], 9));
    expect(job.turnover.initial).toBeCloseTo(1, 9);
    const later = hand.turnover.slice(1);
    expect(job.turnover.perRebalance).toBeCloseTo(later.reduce((s, x) => s + x, 0) / later.length, 9);
    expect(job.turnover.perYear).toBeCloseTo(later.reduce((s, x) => s + x, 0) / ((500 - 60 - 1) / 365), 9);
    expect(job.metrics.finalEquity).toBeCloseTo(hand.equity.at(-1)!, 6);
    const runs = await withStore(db, { readOnly: true }, (store) => listRuns(store));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: job.runId, strategy: 'portfolio', symbols: ['AAA', 'BBB', 'CCC'], params: { method: 'min-variance', lookback: '60', rebalance: '20', covariance: 'sample' } });
    expect(runs[0].metrics.turnoverPerRebalance).toBeCloseTo(job.turnover.perRebalance!, 12);
  });

  it('--turnover-cost is the engine fee on traded notional: fees paid = cost x the notional traded', async () => {
    const dir = tempDir();
    const files = [writeGaplessCsv(dir, 'AAA', 300, 4, 0.001), writeGaplessCsv(dir, 'BBB', 300, 5, 0.0005)];
    const job = await runPortfolioJob({ files, db: join(dir, 'db.duckdb'), method: 'max-sharpe', lookback: '50', rebalance: '25', turnoverCost: 0.002, record: false });
    const { orders } = job.backtest.result;
    let notional = 0;
    for (let i = 0; i < orders.count; i++) notional += orders.size[i] * orders.price[i];
    expect(job.metrics.feesPaid).toBeCloseTo(0.002 * notional, 9);
    expect(job.settings.feeRate).toBe(0.002);
    expect(job.runId).toBeNull();
  });

  it('refuses settings that do not apply, before reading data', async () => {
    const base = { files: ['/nonexistent/a.csv', '/nonexistent/b.csv'], db: '/nonexistent/db', lookback: '20', rebalance: '5' };
    await expect(runPortfolioJob({ ...base, method: 'min-variance', targetReturn: 0.1 })).rejects.toThrow(/^--target-return applies to --method mean-variance only; min-variance does not use it/);
    await expect(runPortfolioJob({ ...base, method: 'hrp', views: 'v.json' })).rejects.toThrow(/^--views applies to --method black-litterman only/);
    await expect(runPortfolioJob({ ...base, method: 'min-varience' })).rejects.toThrow(/^--method min-varience is not known \(did you mean min-variance\?\)/);
    await expect(runPortfolioJob({ ...base, method: 'min-variance', sim: { stopLoss: { kind: 'pct', value: 0.05 } } })).rejects.toThrow(/--stop-loss applies to signal strategies only: remove it/);
    await expect(runPortfolioJob({ ...base, files: ['/nonexistent/a.csv'], method: 'min-variance' })).rejects.toThrow(/^A portfolio needs at least 2 assets \(got 1\)/);
    await expect(runPortfolioJob({ ...base, method: 'mean-variance' })).rejects.toThrow(/^--method mean-variance needs --target-return R or --target-risk R/);
  });
});

describeShared('runPortfolioJob on real daily equities (GOOG, NVDA, ORCL, YHOO)', () => {
  it('max-sharpe under a 50% cap: weights in bounds, equity equals the hand simulation of its weights', async () => {
    const dir = tempDir();
    const files = ['goog_1d.csv', 'nvda_1d.csv', 'orcl_1d.csv', 'yhoo_1d.csv'].map(sharedPath);
    const job = await runPortfolioJob({ files, db: join(dir, 'db.duckdb'), method: 'max-sharpe', lookback: '1y', rebalance: 'monthly', maxWeight: 0.5, covariance: 'ledoit-wolf' });
    expect(job.periodsPerYear).toBe(252);
    expect(job.from).toBe('2004-08-19T00:00:00Z');
    expect(job.rebalances.length).toBe(job.plan.history.length);
    expect(job.rebalances.length).toBeGreaterThan(85);
    expect(job.cashRebalances).toBeGreaterThan(0); // 2008-09: no asset's trailing year beat 0
    for (const r of job.rebalances) {
      const w = Object.values(r.weights);
      if (r.inCash) {
        expect(w).toEqual([0, 0, 0, 0]);
        continue;
      }
      expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
      for (const x of w) expect(x).toBeGreaterThanOrEqual(-1e-9), expect(x).toBeLessThanOrEqual(0.5 + 1e-9);
      expect(r.effectiveBets).toBeGreaterThanOrEqual(1 - 1e-9);
      expect(r.effectiveBets).toBeLessThanOrEqual(4 + 1e-9);
    }
    const hand = handSimulation(job, 10_000);
    const engine = job.backtest.result.equity;
    // Real bars gap between close and open: the hand simulation sizes at the fill open, as the engine does.
    for (let i = 0; i < engine.length; i += 97) expect(engine[i] / hand.equity[i]).toBeCloseTo(1, 8);
  });
});
