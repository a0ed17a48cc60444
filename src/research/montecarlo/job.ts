/**
 * `rrr montecarlo` as a library call: get a backtest (re-run from a recorded run, or from backtest options),
 * turn it into trade or per-bar returns, and resample them with monteCarlo. Nothing is written: a recorded
 * run is read from a store opened read-only and the re-run is not recorded.
 */
import { formatTime } from '../../data/time.js';
import { UserError } from '../../errors.js';
import type { BacktestResult } from '../../strategies/backtest.js';
import type { BacktestJobOptions, PreparedBacktest } from '../backtest-job.js';
import { barReturns, tradeReturns } from '../backtest-returns.js';
import { backtestToAnalyse } from '../rerun.js';
import { monteCarlo, type MonteCarloMethod, type MonteCarloOptions, type MonteCarloResult } from './montecarlo.js';
import { monteCarloParallel } from './parallel.js';

export interface MonteCarloJobOptions {
  /** A run recorded by `rrr backtest` (its id), re-run on the same data; or give `backtest`. */
  run?: string;
  /** The backtest to resample, as `rrr backtest` takes it (its flags through backtestOptionsFromFlags). */
  backtest?: BacktestJobOptions;
  /** The store that holds the run (with `run`). */
  db: string;
  method: MonteCarloMethod;
  runs: number;
  seed: number;
  /** Ruin is equity at or below this fraction of the starting cash (default 0.5). */
  ruinLevel?: number;
  /** Mean block length for method block (default: automatic). */
  blockLength?: number;
  /** At most this many sampled steps in the equity bands (default 101). */
  bandPoints?: number;
  /**
   * Worker threads (default 1: in this thread); the result is the same for any count. 10,000 paths of 1,000
   * steps take well under a second in one thread, and a pool's start and the merged summary cost about that.
   */
  workers?: number;
  /**
   * What runs the paths instead of this machine's threads (`rrr montecarlo --queue`: the workers of a Redis
   * queue); it must return exactly what monteCarlo returns for the whole study. `workers` is then unused.
   */
  runPaths?: (options: MonteCarloOptions) => Promise<MonteCarloResult>;
}

/** Which backtest was resampled. */
export interface MonteCarloBacktest {
  /** The recorded run re-run, or null for a backtest given by its settings. */
  runId: number | null;
  strategy: string;
  symbols: string[];
  timeframe: string;
  from: string;
  to: string;
  params: Record<string, unknown>;
  dataFingerprint: string;
  periodsPerYear: number;
  /** The backtest's final return (fraction), trades still open at the end included. */
  totalReturn: number;
  /** Closed trades, and positions still open after the last bar (trade methods leave those out). */
  closedTrades: number;
  openTrades: number;
}

/** What was resampled and how a step becomes equity. */
export interface MonteCarloInput {
  kind: 'trades' | 'returns';
  /** Trades or bars per path. */
  steps: number;
  /** compound: each return is a fraction of the equity at the time; fixed: of the starting cash. */
  sizing: 'compound' | 'fixed';
  /** Why that sizing, in words. */
  sizingReason: string;
  /** What one Sharpe ratio is measured over, in words. */
  sharpeUnit: string;
}

export interface MonteCarloJobResult {
  backtest: MonteCarloBacktest;
  input: MonteCarloInput;
  result: MonteCarloResult;
}

const TRADE_METHODS: readonly MonteCarloMethod[] = ['permute', 'bootstrap'];

function sizingOf(backtest: BacktestResult): { sizing: 'compound' | 'fixed'; reason: string } {
  const size = (backtest.settings as { size?: { kind?: string } }).size;
  if (size?.kind === 'cash' || size?.kind === 'units') {
    return { sizing: 'fixed', reason: `size ${size.kind === 'cash' ? 'is a fixed amount of cash' : 'is a fixed number of units'}: each trade adds its profit as a fraction of the starting cash` };
  }
  if (!size) return { sizing: 'compound', reason: 'the strategy sets target weights of equity: each trade compounds as a fraction of the equity at its entry' };
  return { sizing: 'compound', reason: 'size is a fraction of equity: each trade compounds as a fraction of the equity at its entry' };
}

function describeBacktest(runId: number | null, prepared: PreparedBacktest, backtest: BacktestResult): MonteCarloBacktest {
  const { trades, equity } = backtest.result;
  const time = prepared.series[0].time;
  let open = 0;
  for (let i = 0; i < trades.count; i++) open += trades.isOpen[i];
  return {
    runId,
    strategy: backtest.strategy,
    symbols: prepared.symbols,
    timeframe: prepared.timeframe,
    from: formatTime(time[0]),
    to: formatTime(time[time.length - 1]),
    params: backtest.params,
    dataFingerprint: prepared.dataFingerprint,
    periodsPerYear: prepared.periodsPerYear,
    totalReturn: equity[equity.length - 1] / backtest.result.options.cash - 1,
    closedTrades: trades.count - open,
    openTrades: open,
  };
}

/**
 * Run a backtest (a recorded run re-run read-only, or the given settings; nothing is recorded) and resample
 * it: trade methods (permute, bootstrap) resample its closed trades, return methods (returns, block) its
 * per-bar equity returns. Throws UserError for bad input, a missing run, changed data, too few trades.
 */
export async function monteCarloJob(options: MonteCarloJobOptions): Promise<MonteCarloJobResult> {
  if ((options.run === undefined) === (options.backtest === undefined)) {
    throw new UserError('Say which backtest to resample: --run RUN_ID (a recorded run) or --strategy with the flags of rrr backtest, not both.');
  }
  // The library's own checks of method, runs, seed, ruin level and block length, on a one-path dummy
  // study, before the backtest: a typo in --method should not wait for the data.
  monteCarlo({ trades: new Float64Array(1), returns: new Float64Array(1), initialEquity: 1, method: options.method, runs: options.runs, seed: options.seed, ruinLevel: options.ruinLevel, blockLength: options.blockLength, bandPoints: options.bandPoints, pathRange: [0, 1] });

  if (options.backtest?.riskFreeRate) {
    throw new UserError('--risk-free applies to the metrics of rrr backtest; Monte Carlo Sharpe ratios use a risk-free rate of 0: remove --risk-free.', { code: 'RRR_SETTING_NOT_APPLICABLE' });
  }

  const { runId, prepared, backtest } = await backtestToAnalyse(options);
  const described = describeBacktest(runId, prepared, backtest);

  const usesTrades = TRADE_METHODS.includes(options.method);
  let input: MonteCarloInput;
  let series: Float64Array;
  if (usesTrades) {
    const { sizing, reason } = sizingOf(backtest);
    series = tradeReturns(backtest, sizing);
    if (series.length < 2) {
      throw new UserError(
        `The backtest closed ${series.length} trade${series.length === 1 ? '' : 's'}: --method ${options.method} resamples closed trades and needs at least 2; use --method returns or block, which resample per-bar returns.`,
        { exitCode: 1, code: 'RRR_TOO_FEW_TRADES' },
      );
    }
    input = { kind: 'trades', steps: series.length, sizing, sizingReason: reason, sharpeUnit: 'per trade (mean / standard deviation of trade returns, not annualized)' };
  } else {
    series = barReturns(backtest);
    input = {
      kind: 'returns',
      steps: series.length,
      sizing: 'compound',
      sizingReason: 'each is a fraction of the equity at the bar before, so they compound',
      sharpeUnit: `per bar, annualized by sqrt(${prepared.periodsPerYear}) periods per year, risk-free rate 0`,
    };
  }
  const study: MonteCarloOptions = {
    ...(usesTrades ? { trades: series } : { returns: series }),
    initialEquity: usesTrades ? backtest.result.options.cash : backtest.result.equity[0],
    method: options.method,
    runs: options.runs,
    seed: options.seed,
    ruinLevel: options.ruinLevel,
    sizing: input.sizing,
    blockLength: options.blockLength,
    bandPoints: options.bandPoints,
    ...(usesTrades ? {} : { periodsPerYear: prepared.periodsPerYear }),
  };
  const result = options.runPaths ? await options.runPaths(study) : await monteCarloParallel(study, options.workers ?? 1);
  if (prepared.riskFreeRate) {
    result.notes.push(`The run was recorded with a risk-free rate of ${prepared.riskFreeRate}; the Sharpe ratios here use 0, so they differ from its recorded Sharpe.`);
  }
  if (usesTrades && described.openTrades > 0) {
    result.notes.push(`${described.openTrades} trade${described.openTrades === 1 ? ' was' : 's were'} still open after the last bar and ${described.openTrades === 1 ? 'is' : 'are'} left out: the actual path ends after the last closed trade.`);
  }
  return { backtest: described, input, result };
}
