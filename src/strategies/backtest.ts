/**
 * One backtest, pure: bars and a strategy in; signals, simulation and metrics out. No I/O.
 * It composes a strategy with the engine, so it lives above both: the engine knows nothing of strategies.
 */
import { sliceBars, type Bars } from '../data/bars.js';
import { UserError } from '../errors.js';
import { computeMetrics } from '../engine/metrics.js';
import type { MetricKey, Metrics } from '../engine/metrics.js';
import { simulatePortfolio } from '../engine/portfolio.js';
import { simulate } from '../engine/simulate.js';
import type { Direction, PortfolioOptions, PortfolioResult, Signals, SimBuffers, SimOptions, SimResult } from '../engine/types.js';
import { assetCount, strategyParams, type AnyStrategy, type StrategyContext } from './define.js';
import type { ParamValues } from './params.js';

export interface BacktestSpec {
  strategy: AnyStrategy;
  /** Parameter overrides (strings from the CLI or typed values); defaults fill the rest. */
  params?: Readonly<Record<string, unknown>>;
  /** User settings; they override what the strategy implies (simDefaults). Undefined keys are ignored. */
  sim?: SimOptions;
  periodsPerYear: number;
  riskFreeRate?: number;
  /** Where the strategy came from (its file, or "built-in"), named when its code fails. */
  source?: string;
  /** How an option is spelled to the user (e.g. stopLoss -> --stop-loss), in refusals. Default: the option's name. */
  optionName?: (key: string) => string;
  /**
   * Simulate and measure bars [simulateFrom, end) only, with signals computed over all the bars given: the
   * indicators at the first simulated bar are warmed up on the bars before it (walk-forward test windows).
   */
  simulateFrom?: number;
  /** Compute only these metrics (computeMetrics' `only`): a sweep asks for its objective and constraints. Absent: all. */
  metrics?: readonly MetricKey[];
  /**
   * Buffers the simulation writes its per-bar columns into instead of allocating them (a sweep reuses one set
   * per thread). The result's columns are then views of them, valid until the buffers are reused.
   */
  buffers?: SimBuffers;
  /** Where the metrics write the per-bar returns (computeMetrics' `returns`). */
  returns?: Float64Array;
}

export interface BacktestResult {
  strategy: string;
  params: Record<string, unknown>;
  /** The settings the simulation ran with, every default applied. */
  settings: SimResult['options'] | PortfolioResult['options'];
  /** What the strategy implies (simDefaults) before the user's settings were applied. */
  implied: Partial<SimOptions>;
  /** Keys of `implied` that an explicit user setting replaced. */
  overridden: (keyof SimOptions)[];
  signals?: Signals;
  weights?: Float64Array[];
  result: SimResult | PortfolioResult;
  metrics: Metrics;
}

const PORTFOLIO_KEYS = ['cash', 'fill', 'feeRate', 'fixedFee', 'slippageBps', 'leverage', 'lotSize', 'closeAtEnd'] as const;

/** Settings that only mean something for entry/exit signals; a target-weights strategy refuses them. */
export const SIGNAL_ONLY_KEYS = ['direction', 'size', 'stopLoss', 'takeProfit', 'trailingStop', 'maxHold', 'stopFirst'] as const;

function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Strategies return both sides; the simulation gets the side(s) the run trades. */
export function forDirection(signals: Signals, direction: Direction): Signals {
  if (direction === 'both') return signals;
  if (direction === 'long') return { entries: signals.entries, exits: signals.exits };
  return { shortEntries: signals.shortEntries, shortExits: signals.shortExits };
}

/** A setting the strategy cannot use is refused by name, never silently dropped. */
export function refuseSignalOnlySettings(strategy: AnyStrategy, sim: SimOptions | undefined, optionName: (key: string) => string = (k) => k): void {
  if (strategy.signals) return;
  const given = SIGNAL_ONLY_KEYS.filter((k) => sim?.[k] !== undefined);
  if (given.length === 0) return;
  const names = given.map(optionName);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  throw new UserError(`${strategy.name} sets target weights; ${list} ${names.length === 1 ? 'applies' : 'apply'} to signal strategies only: remove ${names.length === 1 ? 'it' : 'them'}.`, { code: 'RRR_SETTING_NOT_APPLICABLE' });
}

const SIGNAL_NAMES = ['entries', 'exits', 'shortEntries', 'shortExits'] as const;

function sliceSignals(signals: Signals, from: number): Signals {
  return Object.fromEntries(SIGNAL_NAMES.filter((name) => signals[name] !== undefined).map((name) => [name, signals[name]!.subarray(from)])) as Signals;
}

function strategyFailure(strategy: AnyStrategy, source: string | undefined, bars: number, problem: string): UserError {
  const where = source ? ` (${source})` : '';
  return new UserError(`Strategy "${strategy.name}"${where} failed on ${bars} bars: ${problem.replace(/\.$/, '')}.`, { exitCode: 1, code: 'RRR_STRATEGY_FAILED' });
}

/** Runs user code, turning a throw into one sentence that names the strategy, its source and the bar count. */
function call<T>(strategy: AnyStrategy, source: string | undefined, bars: number, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UserError) throw error;
    const message = String((error as Error)?.message ?? error).split('\n')[0];
    throw strategyFailure(strategy, source, bars, `its ${what} threw "${message}"`);
  }
}

function checkSignals(strategy: AnyStrategy, source: string | undefined, n: number, signals: unknown): Signals {
  if (typeof signals !== 'object' || signals === null) {
    throw strategyFailure(strategy, source, n, `signals returned ${signals === null ? 'null' : typeof signals} instead of { entries, exits } columns`);
  }
  const s = signals as Record<string, unknown>;
  for (const name of SIGNAL_NAMES) {
    const col = s[name] as { length?: unknown } | undefined;
    if (col === undefined) continue;
    if (!(col instanceof Uint8Array)) throw strategyFailure(strategy, source, n, `signals.${name} is not a Uint8Array`);
    if (col.length !== n) throw strategyFailure(strategy, source, n, `signals.${name} has ${col.length} values for ${n} bars (one per bar is needed)`);
  }
  if (SIGNAL_NAMES.every((name) => s[name] === undefined)) throw strategyFailure(strategy, source, n, 'signals returned no entries, exits, shortEntries or shortExits');
  return s as Signals;
}

function checkWeights(strategy: AnyStrategy, source: string | undefined, n: number, assets: number, weights: unknown): Float64Array[] {
  if (!Array.isArray(weights) || weights.length !== assets) {
    throw strategyFailure(strategy, source, n, `weights returned ${Array.isArray(weights) ? `${weights.length} columns` : weights === null ? 'null' : typeof weights} instead of ${assets} Float64Array columns`);
  }
  weights.forEach((w: unknown, k) => {
    if (!(w instanceof Float64Array)) throw strategyFailure(strategy, source, n, `weights[${k}] is not a Float64Array`);
    if (w.length !== n) throw strategyFailure(strategy, source, n, `weights[${k}] has ${w.length} values for ${n} bars (one per bar is needed)`);
  });
  return weights as Float64Array[];
}

/** What a run of the strategy is set up with, before any bar is simulated. */
export interface StrategySetup {
  params: ParamValues<any>;
  context: StrategyContext;
  /** What the strategy implies (simDefaults) before the user's settings were applied. */
  implied: Partial<SimOptions>;
  /** Keys of `implied` that an explicit user setting replaced. */
  overridden: (keyof SimOptions)[];
  /** The simulation settings: the user's over the strategy's. */
  sim: SimOptions;
  warmup: number;
}

/**
 * Parameters, settings and warmup of a run over `length` bars, checked: the one place the backtest and the
 * live runner resolve them, so both trade with the same settings.
 */
export function strategySetup(spec: Pick<BacktestSpec, 'strategy' | 'params' | 'sim' | 'periodsPerYear' | 'source' | 'optionName'>, length: number): StrategySetup {
  const { strategy, source } = spec;
  refuseSignalOnlySettings(strategy, spec.sim, spec.optionName);
  const params = strategyParams(strategy, spec.params);
  const warmup = call(strategy, source, length, 'warmup', () => strategy.warmup(params));
  if (warmup >= length) {
    throw new UserError(`${strategy.name} needs ${warmup} bars before its first signal (${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(', ')}) but the data has ${length}: choose a longer range or shorter windows.`, { exitCode: 1, code: 'RRR_TOO_FEW_BARS' });
  }
  const context: StrategyContext = { periodsPerYear: spec.periodsPerYear };
  const implied = defined(call(strategy, source, length, 'simDefaults', () => strategy.simDefaults?.(params, context)));
  const user = defined(spec.sim);
  const overridden = (Object.keys(implied) as (keyof SimOptions)[]).filter((k) => k in user);
  return { params, context, implied, overridden, sim: { ...implied, ...user } as SimOptions, warmup };
}

/** The strategy's signal columns over `bars`, checked (a strategy's throw or bad shape becomes one sentence). */
export function strategySignals(strategy: AnyStrategy, source: string | undefined, bars: Bars, params: ParamValues<any>, context: StrategyContext): Signals {
  const n = bars.length;
  return checkSignals(strategy, source, n, call(strategy, source, n, 'signals', () => strategy.signals!(bars, params, context)));
}

/** Runs a strategy over one series (or, for a multi-asset strategy, several aligned series). */
export function runBacktest(data: Bars | readonly Bars[], spec: BacktestSpec): BacktestResult {
  const { strategy, source } = spec;
  const series = Array.isArray(data) ? (data as readonly Bars[]) : [data as Bars];
  const assets = assetCount(strategy);
  if (series.length !== assets) {
    throw new UserError(`${strategy.name} trades ${assets} asset${assets === 1 ? '' : 's'} but was given ${series.length}: pass ${assets === 1 ? 'one --symbol' : `${assets} --symbol flags`}.`);
  }
  const length = series[0].length;
  const from = spec.simulateFrom ?? 0;
  if (!(Number.isInteger(from) && from >= 0 && from < length - 1)) throw new RangeError(`simulateFrom ${from} must be a whole number from 0 to ${length - 2} (two bars or more are simulated).`);
  const simulated = from === 0 ? series : series.map((b) => sliceBars(b, from, b.length));
  const { params, context, implied, overridden, sim } = strategySetup(spec, length);
  let result: SimResult | PortfolioResult;
  let signals: Signals | undefined;
  let weights: Float64Array[] | undefined;
  if (strategy.signals) {
    const raw = strategySignals(strategy, source, series[0], params, context);
    signals = forDirection(from === 0 ? raw : sliceSignals(raw, from), sim.direction ?? 'long');
    result = simulate(simulated[0], signals, sim, spec.buffers);
  } else {
    weights = checkWeights(strategy, source, length, assets, call(strategy, source, length, 'weights', () => strategy.weights!(series, params, context)));
    if (from > 0) weights = weights.map((w) => w.subarray(from));
    const portfolio = Object.fromEntries(PORTFOLIO_KEYS.filter((k) => (sim as Record<string, unknown>)[k] !== undefined).map((k) => [k, (sim as Record<string, unknown>)[k]])) as PortfolioOptions;
    result = simulatePortfolio(simulated, weights, strategy.rebalanceOn ? { ...portfolio, rebalanceOn: strategy.rebalanceOn } : portfolio);
  }
  const metrics = computeMetrics(
    {
      time: simulated[0].time,
      equity: result.equity,
      trades: result.trades,
      exposureBars: result.exposureBars,
      feesPaid: result.feesPaid,
      initialCash: result.options.cash,
      benchmarkClose: simulated.length === 1 ? simulated[0].close : undefined,
    },
    { periodsPerYear: spec.periodsPerYear, riskFreeRate: spec.riskFreeRate, only: spec.metrics, returns: spec.returns },
  );
  return { strategy: strategy.name, params, settings: result.options, implied, overridden, signals, weights, result, metrics };
}
