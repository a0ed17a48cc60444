/**
 * The rebalancing backtest on bars already loaded: plan the weights (rebalance.ts), run them through the
 * multi-asset engine with runBacktest (so the metrics and settings are those of any backtest), and measure
 * the turnover the engine actually traded. No I/O: the job (job.ts) loads, records and writes around it.
 */
import type { Bars } from '../../data/bars.js';
import { formatTime } from '../../data/time.js';
import type { PortfolioResult, SimOptions } from '../../engine/types.js';
import { defineStrategy } from '../../strategies/define.js';
import { runBacktest, type BacktestResult } from '../../strategies/backtest.js';
import { UserError } from '../../errors.js';
import { planRebalances, type RebalancePlan, type RebalanceSettings } from './rebalance.js';
import type { Rebalance } from './schedule.js';

export interface PortfolioBacktestSpec {
  /** Asset names, as views name them (default: each series' symbol). */
  symbols?: readonly string[];
  /** From rebalanceSchedule() over the bars' times. */
  schedule: readonly Rebalance[];
  settings: RebalanceSettings;
  /** Engine settings (cash, fill, feeRate, fixedFee, slippageBps, leverage, lotSize, closeAtEnd). */
  sim?: SimOptions;
  periodsPerYear: number;
  /** Annual, as the metrics take it. */
  riskFreeRate?: number;
  /** Engine option -> CLI flag, for refusals. */
  optionName?: (key: string) => string;
  progress?: (done: number, total: number) => void;
}

export interface PortfolioBacktest {
  plan: RebalancePlan;
  backtest: BacktestResult;
  result: PortfolioResult;
  /** The first rebalance bar: the simulation (and result's bar 0) starts there. */
  start: number;
  /** Traded notional at each rebalance's fill over the equity before it (buys plus sells). */
  perRebalance: number[];
  turnover: {
    /** Mean over the rebalances after the first (the first buys from cash); null with one rebalance. */
    perRebalance: number | null;
    /** Their sum per year of simulated bars. */
    perYear: number | null;
    /** The first allocation's turnover. */
    initial: number;
  };
  /** Mean effective number of bets over the rebalances not in cash; NaN when all were. */
  effectiveBets: number;
}

function turnovers(result: PortfolioResult, plan: RebalancePlan, start: number): number[] {
  const fillOpen = result.options.fill === 'open';
  const traded = new Float64Array(result.equity.length);
  const { orders } = result;
  for (let i = 0; i < orders.count; i++) traded[orders.bar[i]] += orders.size[i] * orders.price[i];
  return plan.history.map((h) => {
    const decision = h.bar - start;
    const fill = fillOpen ? decision + 1 : decision;
    if (fill >= traded.length) return 0;
    // The engine closes everything at the last fill with --close-at-end: that is not a rebalance.
    if (result.options.closeAtEnd && fill === traded.length - 1) return 0;
    const equityBefore = fillOpen ? result.equity[decision] : decision === 0 ? result.options.cash : result.equity[decision - 1];
    return traded[fill] / equityBefore;
  });
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

export function backtestPortfolio(series: Bars[], spec: PortfolioBacktestSpec): PortfolioBacktest {
  const time = series[0].time;
  const symbols = spec.symbols ?? series.map((b, k) => b.symbol ?? `asset${k}`);
  const plan = planRebalances(series.map((b) => b.close), time, symbols, spec.schedule, spec.settings, spec.progress);
  const start = spec.schedule[0].bar;
  const strategy = defineStrategy({ name: 'portfolio', assets: series.length, params: {}, warmup: () => 0, weights: () => plan.weights, rebalanceOn: 'every-weight' });
  const backtest = runBacktest(series, { strategy, sim: spec.sim, periodsPerYear: spec.periodsPerYear, riskFreeRate: spec.riskFreeRate, simulateFrom: start, optionName: spec.optionName });
  const result = backtest.result as PortfolioResult;
  for (let i = 0; i < result.equity.length; i++) {
    if (!Number.isFinite(result.equity[i])) throw new UserError(`The simulation overflowed: equity is ${result.equity[i]} at ${formatTime(time[start + i])}: use a smaller --cash or --leverage.`, { exitCode: 1, code: 'RRR_OVERFLOW' });
  }
  const perRebalance = turnovers(result, plan, start);
  const later = perRebalance.slice(1);
  const years = (time.length - start - 1) / spec.periodsPerYear;
  const bets = plan.history.map((h) => h.effectiveBets).filter(Number.isFinite);
  return {
    plan,
    backtest,
    result,
    start,
    perRebalance,
    turnover: {
      perRebalance: later.length > 0 ? mean(later) : null,
      perYear: later.length > 0 && years > 0 ? (mean(later) * later.length) / years : null,
      initial: perRebalance[0] ?? 0,
    },
    effectiveBets: bets.length > 0 ? mean(bets) : NaN,
  };
}
