/**
 * One backtest, pure: bars and a strategy in; signals, simulation and metrics out. No I/O.
 */
import type { Bars } from '../data/bars.js';
import { assetCount, strategyParams, type AnyStrategy, type StrategyContext } from '../strategies/define.js';
import { UserError } from '../errors.js';
import { computeMetrics } from './metrics.js';
import type { Metrics } from './metrics.js';
import { simulatePortfolio } from './portfolio.js';
import { simulate } from './simulate.js';
import type { Direction, PortfolioOptions, PortfolioResult, Signals, SimOptions, SimResult } from './types.js';

export interface BacktestSpec {
  strategy: AnyStrategy;
  /** Parameter overrides (strings from the CLI or typed values); defaults fill the rest. */
  params?: Readonly<Record<string, unknown>>;
  /** User settings; they override what the strategy implies (simDefaults). Undefined keys are ignored. */
  sim?: SimOptions;
  periodsPerYear: number;
  riskFreeRate?: number;
}

export interface BacktestResult {
  strategy: string;
  params: Record<string, unknown>;
  /** The settings the simulation ran with, every default applied. */
  settings: SimResult['options'] | PortfolioResult['options'];
  signals?: Signals;
  weights?: Float64Array[];
  result: SimResult | PortfolioResult;
  metrics: Metrics;
}

const PORTFOLIO_KEYS = ['cash', 'fill', 'feeRate', 'fixedFee', 'slippageBps', 'leverage', 'lotSize'] as const;

function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Strategies return both sides; the simulation gets the side(s) the run trades. */
function forDirection(signals: Signals, direction: Direction): Signals {
  if (direction === 'both') return signals;
  if (direction === 'long') return { entries: signals.entries, exits: signals.exits };
  return { shortEntries: signals.shortEntries, shortExits: signals.shortExits };
}

/** Runs a strategy over one series (or, for a multi-asset strategy, several aligned series). */
export function runBacktest(data: Bars | readonly Bars[], spec: BacktestSpec): BacktestResult {
  const { strategy } = spec;
  const series = Array.isArray(data) ? (data as readonly Bars[]) : [data as Bars];
  const assets = assetCount(strategy);
  if (series.length !== assets) {
    throw new UserError(`${strategy.name} trades ${assets} asset${assets === 1 ? '' : 's'} but was given ${series.length}: pass ${assets === 1 ? 'one --symbol' : `${assets} --symbol flags`}.`);
  }
  const params = strategyParams(strategy, spec.params);
  const length = series[0].length;
  const warmup = strategy.warmup(params);
  if (warmup >= length) {
    throw new UserError(`${strategy.name} needs ${warmup} bars before its first signal (${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(', ')}) but the data has ${length}: choose a longer range or shorter windows.`, { exitCode: 1, code: 'RRR_TOO_FEW_BARS' });
  }
  const context: StrategyContext = { periodsPerYear: spec.periodsPerYear };
  const sim = { ...defined(strategy.simDefaults?.(params, context)), ...defined(spec.sim) } as SimOptions;
  let result: SimResult | PortfolioResult;
  let signals: Signals | undefined;
  let weights: Float64Array[] | undefined;
  if (strategy.signals) {
    signals = forDirection(strategy.signals(series[0], params, context), sim.direction ?? 'long');
    result = simulate(series[0], signals, sim);
  } else {
    weights = strategy.weights!(series, params, context);
    const portfolio: PortfolioOptions = Object.fromEntries(PORTFOLIO_KEYS.filter((k) => sim[k] !== undefined).map((k) => [k, sim[k]]));
    result = simulatePortfolio(series, weights, portfolio);
  }
  const metrics = computeMetrics(
    {
      time: series[0].time,
      equity: result.equity,
      trades: result.trades,
      exposureBars: result.exposureBars,
      feesPaid: result.feesPaid,
      initialCash: result.options.cash,
      benchmarkClose: series.length === 1 ? series[0].close : undefined,
    },
    { periodsPerYear: spec.periodsPerYear, riskFreeRate: spec.riskFreeRate },
  );
  return { strategy: strategy.name, params, settings: result.options, signals, weights, result, metrics };
}
