/**
 * Where `rrr risk` gets its returns: a backtest (a recorded run re-run read-only, or backtest settings; nothing
 * is recorded) or a static portfolio of stored symbols rebalanced to fixed weights at every bar. Each gives the
 * portfolio's per-bar returns, the assets' own returns and the weights they are held at.
 */
import { loadBars, loadPanel } from '../../data/load.js';
import { formatTime, type TimeRange } from '../../data/time.js';
import { annualization, parseTimeframe } from '../../data/timeframe.js';
import { UserError } from '../../errors.js';
import type { RiskInput } from '../../risk/analyze.js';
import type { BacktestResult } from '../../strategies/backtest.js';
import type { BacktestJobOptions, PreparedBacktest } from '../backtest-job.js';
import { barReturns } from '../backtest-returns.js';
import { backtestToAnalyse } from '../rerun.js';

/** The cost per side assumed for a static portfolio when neither --fees nor --slippage is given. */
export const ASSUMED_COST = 0.0005;

export interface RiskSource {
  kind: 'run' | 'backtest' | 'portfolio';
  runId: number | null;
  strategy: string | null;
  symbols: string[];
  /** The weights the asset figures use: fixed (portfolio) or the backtest's average exposure. */
  weights: number[];
  /** What the portfolio's returns and weights are, in words. */
  describes: string;
  timeframe: string;
  from: string;
  to: string;
  periodsPerYear: number;
  periodsPerYearReason: string;
  returns: number;
  dataFingerprint: string | null;
}

export interface LoadedRisk {
  source: RiskSource;
  input: Omit<RiskInput, 'benchmark'>;
  /** Why the asset figures are left out, when they are. */
  assetsLeftOut?: string;
}

export interface PortfolioSpec {
  symbols: string[];
  /** One per symbol, summing to 1; absent: equal weights. */
  weights?: number[];
  timeframe: string;
  range?: TimeRange;
  periodsPerYear?: number;
  /** Cost per side from --fees and --slippage (absent: ASSUMED_COST). */
  cost?: { feeRate: number; slippageBps: number };
}

function closeReturns(close: Float64Array, symbol: string, time: Float64Array): Float64Array {
  const out = new Float64Array(Math.max(0, close.length - 1));
  for (let t = 1; t < close.length; t++) {
    if (!(close[t - 1] > 0 && close[t] > 0)) {
      const at = close[t - 1] > 0 ? t : t - 1;
      throw new UserError(`${symbol} has a missing or non-positive close at ${formatTime(time[at])}: its returns are undefined there; fix the data (see "rrr data validate") or choose --from/--to around it.`, { exitCode: 1, code: 'RRR_BAD_PRICES' });
    }
    out[t - 1] = close[t] / close[t - 1] - 1;
  }
  return out;
}

/** Checks weights against the symbols: one each, finite, summing to 1 (within 1e-6). */
export function checkWeights(symbols: readonly string[], weights: readonly number[]): void {
  if (weights.length !== symbols.length) {
    throw new UserError(`--weights has ${weights.length} value${weights.length === 1 ? '' : 's'} for ${symbols.length} symbol${symbols.length === 1 ? '' : 's'} (${symbols.join(', ')}): give one weight per --symbol, in the same order.`, { code: 'RRR_BAD_WEIGHTS' });
  }
  if (weights.some((w) => !Number.isFinite(w))) throw new UserError(`--weights must be numbers such as 0.6,0.4.`, { code: 'RRR_BAD_WEIGHTS' });
  const sum = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) {
    throw new UserError(`--weights sum to ${Number(sum.toPrecision(10))}, not 1: give fractions of the portfolio that add up to 1, e.g. 0.6,0.4.`, { code: 'RRR_BAD_WEIGHTS' });
  }
}

export async function loadPortfolio(spec: PortfolioSpec, db: string): Promise<LoadedRisk> {
  const { symbols } = spec;
  if (symbols.length === 0) throw new UserError('Say which portfolio to analyse: --symbol A --symbol B --weights 0.5,0.5, or --run RUN_ID, or --strategy with the flags of rrr backtest.', { code: 'RRR_MISSING_FLAG' });
  const duplicate = symbols.find((s, i) => symbols.indexOf(s) !== i);
  if (duplicate) throw new UserError(`--symbol ${duplicate} is given twice: give each symbol once and its whole weight.`, { code: 'RRR_BAD_WEIGHTS' });
  const weights = spec.weights ?? symbols.map(() => 1 / symbols.length);
  checkWeights(symbols, weights);
  const timeframe = parseTimeframe(spec.timeframe);
  const panel = await loadPanel({ symbols, timeframe: timeframe.label, db, align: 'intersection', ...spec.range });
  const time = panel.time;
  if (time.length < 3) throw new UserError(`${symbols.join(', ')} ${timeframe.label} share only ${time.length} bar time${time.length === 1 ? '' : 's'}: risk needs at least 3; widen --from/--to or check "rrr data list".`, { exitCode: 1, code: 'RRR_TOO_FEW_BARS' });
  const columns = panel.bars.map((bars, k) => closeReturns(bars.close, symbols[k], time));
  const returns = new Float64Array(time.length - 1);
  for (let t = 0; t < returns.length; t++) {
    let r = 0;
    for (let k = 0; k < symbols.length; k++) r += weights[k] * columns[k][t];
    returns[t] = r;
  }
  const annual = spec.periodsPerYear === undefined ? annualization(time, timeframe) : { periodsPerYear: spec.periodsPerYear, reason: '--periods-per-year' };
  const gross = weights.reduce((a, w) => a + Math.abs(w), 0);
  const given = spec.cost && (spec.cost.feeRate > 0 || spec.cost.slippageBps > 0);
  const exitCost = given ? spec.cost!.feeRate + spec.cost!.slippageBps / 1e4 : ASSUMED_COST;
  return {
    source: {
      kind: 'portfolio', runId: null, strategy: null, symbols, weights,
      describes: `a static portfolio of ${symbols.join(', ')} rebalanced to ${spec.weights ? 'the fixed weights' : 'equal weights (no --weights given)'} at every ${timeframe.label} bar (close to close, on the times all symbols share), no costs`,
      timeframe: timeframe.label, from: formatTime(time[0]), to: formatTime(time[time.length - 1]),
      periodsPerYear: annual.periodsPerYear, periodsPerYearReason: annual.reason, returns: returns.length, dataFingerprint: null,
    },
    input: {
      returns, times: time, periodsPerYear: annual.periodsPerYear,
      assets: { names: symbols, columns, weights: Float64Array.from(weights), fixed: true },
      exitCost, exitCostSource: given ? `--fees ${spec.cost!.feeRate} and --slippage ${spec.cost!.slippageBps} bps` : 'assumed 5 bp: no --fees or --slippage given',
      exposure: gross,
    },
  };
}

/** Each asset's weight at every bar's close: position x close / equity. */
function exposures(backtest: BacktestResult, prepared: PreparedBacktest): Float64Array[] {
  const { result } = backtest;
  const positions = 'positions' in result ? result.positions : [result.position];
  return positions.map((position, a) => {
    const close = prepared.series[a].close;
    // A bar missing from a union-aligned series (NaN close) counts as no exposure there.
    return Float64Array.from(position, (units, t) => {
      const w = units === 0 ? 0 : (units * close[t]) / result.equity[t];
      return Number.isFinite(w) ? w : 0;
    });
  });
}

export async function loadBacktest(options: { run?: string; backtest?: BacktestJobOptions; db: string }): Promise<LoadedRisk> {
  const { runId, prepared, backtest } = await backtestToAnalyse(options);
  const time = prepared.series[0].time;
  const returns = barReturns(backtest);
  if (returns.length < 2) throw new UserError(`The backtest has ${time.length} bar${time.length === 1 ? '' : 's'}: risk needs at least 3; widen --from/--to.`, { exitCode: 1, code: 'RRR_TOO_FEW_BARS' });
  const held = exposures(backtest, prepared);
  // The weight held over the period from bar t to bar t + 1 is the one at bar t's close.
  const weights = held.map((w) => {
    let s = 0;
    for (let t = 0; t < returns.length; t++) s += w[t];
    return s / returns.length;
  });
  let gross = 0;
  for (let t = 0; t < returns.length; t++) for (const w of held) gross += Math.abs(w[t]);
  gross /= returns.length;
  // A union-aligned multi-asset run has NaN closes where a symbol has no bar: its assets' returns (for the
  // correlations and contributions) are then undefined, and those figures are left out with a note.
  const complete = prepared.series.every((bars) => bars.close.every((c) => c > 0));
  const columns = complete ? prepared.series.map((bars, a) => closeReturns(bars.close, prepared.symbols[a], bars.time)) : [];
  const resolved = backtest.result.options;
  const exitCost = resolved.feeRate + resolved.slippageBps / 1e4;
  return {
    source: {
      kind: runId === null ? 'backtest' : 'run', runId, strategy: backtest.strategy, symbols: prepared.symbols,
      weights,
      describes: `the per-bar equity returns of the ${backtest.strategy} backtest${runId === null ? '' : ` (run ${runId}, re-run, not recorded again)`}; asset weights are its average exposure (position x close / equity at each bar)`,
      timeframe: prepared.timeframe, from: formatTime(time[0]), to: formatTime(time[time.length - 1]),
      periodsPerYear: prepared.periodsPerYear, periodsPerYearReason: prepared.periodsPerYearReason ?? '', returns: returns.length, dataFingerprint: prepared.dataFingerprint,
    },
    input: {
      returns, times: time, periodsPerYear: prepared.periodsPerYear,
      ...(gross > 0 && complete ? { assets: { names: prepared.symbols, columns, weights: Float64Array.from(weights), fixed: false } } : {}),
      exitCost, exitCostSource: `the backtest's fees ${resolved.feeRate} + slippage ${resolved.slippageBps} bps`,
      exposure: gross,
    },
    ...(gross === 0 ? { assetsLeftOut: 'The backtest never held a position: concentration and risk contributions are left out.' } : {}),
    ...(gross > 0 && !complete ? { assetsLeftOut: 'Some symbols have no bar at some of the run\'s times (--align union): their returns are undefined there, so correlations, concentration and risk contributions are left out.' } : {}),
  };
}

/**
 * The benchmark's close-to-close returns over the portfolio's periods: only periods whose both ends are bars
 * the benchmark has too (its own missing bars leave periods out rather than stretch them).
 */
export async function benchmarkReturns(symbol: string, timeframe: string, times: Float64Array, returns: Float64Array, db: string): Promise<{ portfolio: Float64Array; benchmark: Float64Array }> {
  const bars = await loadBars({ symbol, timeframe, db, from: times[0], to: times[times.length - 1] }).catch((error: unknown) => {
    if (error instanceof UserError && error.code === 'RRR_EMPTY_RANGE') {
      throw new UserError(`--benchmark ${symbol} has no ${timeframe} bars from ${formatTime(times[0])} to ${formatTime(times[times.length - 1])}: choose a benchmark stored over the portfolio's dates (see "rrr data list").`, { exitCode: 1, code: 'RRR_BENCHMARK_RANGE' });
    }
    throw error;
  });
  const closeAt = new Map<number, number>();
  for (let i = 0; i < bars.length; i++) closeAt.set(bars.time[i], bars.close[i]);
  const p: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < returns.length; i++) {
    const c0 = closeAt.get(times[i]);
    const c1 = closeAt.get(times[i + 1]);
    if (c0 !== undefined && c1 !== undefined && c0 > 0 && c1 > 0) {
      p.push(returns[i]);
      b.push(c1 / c0 - 1);
    }
  }
  if (p.length < 3) {
    throw new UserError(`--benchmark ${symbol} shares ${p.length} period${p.length === 1 ? '' : 's'} with the portfolio: beta needs at least 3; choose a benchmark with bars at the portfolio's times.`, { exitCode: 1, code: 'RRR_BENCHMARK_RANGE' });
  }
  return { portfolio: Float64Array.from(p), benchmark: Float64Array.from(b) };
}
