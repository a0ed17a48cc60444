/**
 * Rebalancing portfolio backtest (issue 14): 20 assets, 10 years of daily bars (2,520, seeded synthetic),
 * 252-bar lookback, rebalanced every 21 bars: 108 optimisations plus the engine run and the metrics, data in
 * memory (no store). Target: under 1 s, for max-sharpe and for min-variance.
 */
import { allocateBars, type Bars } from '../src/data/bars.js';
import { mulberry32 } from '../src/data/synthetic.js';
import { backtestPortfolio, parsePortfolioLength, rebalanceSchedule } from '../src/research/portfolio/index.js';
import type { PortfolioMethod } from '../src/portfolio/types.js';
import { check, measure, report, type Measurement } from './harness.js';

const ASSETS = 20;
const BARS = 2_520;
const DAY = 86_400_000;

/** One-factor daily returns: beta x market + idiosyncratic noise; open = previous close. */
function universe(): Bars[] {
  const rand = mulberry32(14);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const betas = Array.from({ length: ASSETS }, () => 0.5 + rand());
  const drifts = Array.from({ length: ASSETS }, () => 0.0001 + 0.0006 * rand());
  const series = Array.from({ length: ASSETS }, (_, a) => allocateBars(BARS, { symbol: `S${String(a).padStart(2, '0')}`, timeframe: '1d' }));
  const last = new Float64Array(ASSETS).fill(100);
  for (let t = 0; t < BARS; t++) {
    const market = 0.01 * gauss();
    for (let a = 0; a < ASSETS; a++) {
      const b = series[a];
      const close = last[a] * (1 + drifts[a] + betas[a] * market + 0.012 * gauss());
      b.time[t] = Date.UTC(2010, 0, 4) + t * DAY;
      b.open[t] = last[a];
      b.high[t] = Math.max(last[a], close);
      b.low[t] = Math.min(last[a], close);
      b.close[t] = close;
      b.volume[t] = 1;
      last[a] = close;
    }
  }
  return series;
}

export async function portfolioBenchmarks(): Promise<Measurement[]> {
  const series = universe();
  const schedule = rebalanceSchedule(series[0].time, parsePortfolioLength('252', 'lookback'), parsePortfolioLength('21', 'rebalance'));
  const run = (method: PortfolioMethod) => backtestPortfolio(series, { schedule, settings: { method, covariance: 'sample', constraints: {} }, sim: { feeRate: 0.001 }, periodsPerYear: 252 });

  // Correctness first: one rebalance per 21 bars after the lookback, weights summing to 1, costs paid.
  for (const method of ['max-sharpe', 'min-variance'] as const) {
    const r = run(method);
    check(r.plan.history.length === schedule.length && schedule.length === 108, `${method}: 108 rebalances (got ${r.plan.history.length})`);
    check(r.plan.history.every((h) => h.inCash || Math.abs(h.weights.reduce((s, w) => s + w, 0) - 1) < 1e-9), `${method}: weights sum to 1`);
    check(r.backtest.metrics.feesPaid > 0 && r.turnover.perRebalance !== null, `${method}: turnover traded and paid for`);
  }
  const rows: Measurement[] = [];
  for (const method of ['max-sharpe', 'min-variance'] as const) {
    rows.push(await measure(`${ASSETS} assets x ${BARS} daily bars, --method ${method}, lookback 252, rebalance every 21 bars (108)`, () => run(method), { runs: 5, warmup: 1 }));
  }
  report('Rebalancing portfolio backtest (issue 14): target under 1 s', rows);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await portfolioBenchmarks();
