/**
 * `rrr portfolio` as a library call: load several assets (store or files), lay out the rebalances, decide
 * the weights at each from past returns only, run them through the multi-asset engine (via runBacktest, so
 * metrics and settings are those of any backtest), measure turnover and diversification, record the run
 * (strategy "portfolio") and write the optional files.
 *
 * Annual figures: --target-return, --target-risk, --risk-free and view returns are per year. The optimizers
 * work per bar: a return R per year is R / periodsPerYear per bar (the arithmetic mean return the
 * estimates are on), a volatility S per year is S / sqrt(periodsPerYear), and the risk-free rate is
 * compounded down, (1 + rf)^(1 / periodsPerYear) - 1, as the metrics do.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Bars } from '../../data/bars.js';
import type { AlignMode } from '../../data/align.js';
import { fingerprintBars, recordRun } from '../../data/runs.js';
import { withStore } from '../../data/store.js';
import { formatTime, type TimeRange } from '../../data/time.js';
import { annualization, parseTimeframe } from '../../data/timeframe.js';
import { assertOutputPath, writeColumns, type OutputColumn } from '../../data/write.js';
import { resolvePortfolioOptions } from '../../engine/options.js';
import type { Metrics } from '../../engine/metrics.js';
import type { PortfolioResult, SimOptions } from '../../engine/types.js';
import { resolveConstraints } from '../../portfolio/constraints.js';
import { COVARIANCE_METHODS, PORTFOLIO_METHODS, type CovarianceMethod, type PortfolioMethod } from '../../portfolio/types.js';
import { defineStrategy } from '../../strategies/define.js';
import { refuseSignalOnlySettings, type BacktestResult } from '../../strategies/backtest.js';
import { formatNumber } from '../../report/table.js';
import { closest, UserError } from '../../errors.js';
import { assertPrices, loadSeries, MAX_CASH } from '../backtest-job.js';
import { backtestPortfolio, type PortfolioBacktest } from './backtest.js';
import type { RebalancePlan, RebalanceSettings } from './rebalance.js';
import { parsePortfolioLength, rebalanceSchedule } from './schedule.js';
import { readViews } from './views.js';
import { makeDirectories } from '../../data/make-dirs.js';

export interface PortfolioJobOptions {
  symbols?: string[];
  files?: string[];
  timeframe?: string;
  range?: TimeRange;
  db: string;
  method: string;
  covariance?: string;
  lookback: string;
  rebalance: string;
  /** Annual. */
  targetReturn?: number;
  targetRisk?: number;
  /** Path of a views JSON file (black-litterman only). */
  views?: string;
  longOnly?: boolean;
  minWeight?: number;
  maxWeight?: number;
  /** Most turnover (sum |w - w before|) per rebalance. */
  maxTurnover?: number;
  /** Proportional cost on traded notional: the engine's fee rate (--fees) under its portfolio name. */
  turnoverCost?: number;
  /** Engine settings (cash, fill, feeRate, fixedFee, slippageBps, lotSize, leverage, closeAtEnd); signal-only ones are refused. */
  sim?: SimOptions;
  /** --size text: refused (weights size the positions). */
  size?: string;
  align?: AlignMode;
  periodsPerYear?: number;
  /** Annual. */
  riskFreeRate?: number;
  select?: number;
  seed?: number;
  /** A directory (weights and equity, CSV and Parquet) or a .csv/.parquet/.arrow file (the weight history). */
  out?: string;
  force?: boolean;
  /** Record the run in the store (default true). */
  record?: boolean;
  progress?: (done: number, total: number) => void;
}

export interface RebalanceRow {
  time: string;
  bar: number;
  /** Target weight per symbol. */
  weights: Record<string, number>;
  /** Traded notional at this rebalance's fill over equity at the decision bar's close (buys plus sells). */
  turnover: number;
  effectiveBets: number;
  inCash: boolean;
  /** Annualised from the window's estimates. */
  expectedReturn: number;
  volatility: number;
}

export interface PortfolioJobResult {
  runId: number | null;
  notRecorded?: string;
  method: PortfolioMethod;
  symbols: string[];
  timeframe: string;
  periodsPerYear: number;
  periodsPerYearReason: string;
  /** The data loaded (the first lookback included). */
  from: string;
  to: string;
  /** The first rebalance: simulation and metrics start here. */
  simulatedFrom: string;
  dataFingerprint: string;
  params: Record<string, unknown>;
  settings: PortfolioResult['options'];
  metrics: Metrics;
  turnover: PortfolioBacktest['turnover'];

  /** Mean effective number of bets over the rebalances not in cash (Meucci 2009). */
  effectiveBets: number;
  /** max-sharpe rebalances that held cash: no asset's estimated return beat the risk-free rate. */
  cashRebalances: number;
  selection?: { k: number; seed: number; symbols: string[]; objective: string; sharpeAnnual: number; evaluated: number };
  rebalances: RebalanceRow[];
  outFiles: string[];
  backtest: BacktestResult;
  bars: Bars[];
  plan: RebalancePlan;
}

const FLAG_OF: Record<string, string> = { cash: '--cash', feeRate: '--turnover-cost', fixedFee: '--fixed-fee', slippageBps: '--slippage', lotSize: '--lot-size', leverage: '--leverage', fill: '--fill', closeAtEnd: '--close-at-end', stopLoss: '--stop-loss', takeProfit: '--take-profit', trailingStop: '--trailing-stop', maxHold: '--max-hold', size: '--size', direction: '--direction', stopFirst: '--target-first' };
const ENGINE_KEYS = ['cash', 'fill', 'feeRate', 'fixedFee', 'slippageBps', 'leverage', 'lotSize', 'closeAtEnd'] as const;

function oneOf<T extends string>(flag: string, value: string, options: readonly T[]): T {
  if ((options as readonly string[]).includes(value)) return value as T;
  const near = closest(value, options);
  throw new UserError(`${flag} ${value} is not known${near ? ` (did you mean ${near}?)` : ''}: use ${options.join(', ')}.`, { code: 'RRR_BAD_VALUE' });
}

/** Every setting checked before any data is read: refused with a sentence, never ignored. */
function checkOptions(o: PortfolioJobOptions): { method: PortfolioMethod; covariance: CovarianceMethod; sim: SimOptions } {
  const method = oneOf('--method', o.method, PORTFOLIO_METHODS);
  const covariance = oneOf('--covariance', o.covariance ?? 'sample', COVARIANCE_METHODS);
  const count = (o.symbols?.length ?? 0) || (o.files?.length ?? 0);
  if (count < 2) throw new UserError(`A portfolio needs at least 2 assets (got ${count}): repeat --symbol (or --data FILE) for each.`, { code: 'RRR_TOO_FEW_ASSETS' });
  if (o.targetReturn !== undefined && o.targetRisk !== undefined) throw new UserError('Give --target-return or --target-risk, not both: mean-variance aims at one of them.');
  const target = o.targetReturn !== undefined ? '--target-return' : o.targetRisk !== undefined ? '--target-risk' : undefined;
  if (target && method !== 'mean-variance') throw new UserError(`${target} applies to --method mean-variance only; ${method} does not use it: remove it or use mean-variance.`, { code: 'RRR_SETTING_NOT_APPLICABLE' });
  if (!target && method === 'mean-variance') throw new UserError('--method mean-variance needs --target-return R or --target-risk R (annual, e.g. 0.10).', { code: 'RRR_MISSING_TARGET' });
  if (o.targetRisk !== undefined && !(o.targetRisk > 0)) throw new UserError(`--target-risk ${o.targetRisk} is not valid: give an annual volatility above 0, e.g. 0.15.`);
  if (o.views !== undefined && method !== 'black-litterman') throw new UserError(`--views applies to --method black-litterman only; ${method} does not use views: remove --views or use black-litterman.`, { code: 'RRR_SETTING_NOT_APPLICABLE' });
  if (o.views !== undefined && o.select !== undefined) throw new UserError('--views and --select cannot be combined: views name assets that the selection may drop; choose the assets with --symbol instead.');
  if (o.seed !== undefined && o.select === undefined) throw new UserError('--seed seeds the subset selection: give --select K with it, or remove --seed.');
  if (o.align === 'union') throw new UserError('--align union would leave bars without a price in the return windows: rrr portfolio uses the times every symbol has (intersection).');
  if (o.maxTurnover !== undefined && !(o.maxTurnover >= 0)) throw new UserError(`--max-turnover ${o.maxTurnover} is not valid: give the most sum |weight change| per rebalance, 0 or more (e.g. 0.5).`);
  if (o.turnoverCost !== undefined && o.sim?.feeRate !== undefined && o.turnoverCost !== o.sim.feeRate) {
    throw new UserError(`--turnover-cost ${o.turnoverCost} and --fees ${o.sim.feeRate} are the same setting (the fee rate on traded notional): give one of them.`);
  }
  if (o.periodsPerYear !== undefined && !(o.periodsPerYear > 0 && Number.isFinite(o.periodsPerYear))) {
    throw new UserError(`--periods-per-year ${o.periodsPerYear} is not valid: give the number of bars in a year, e.g. 252 for daily equities.`);
  }
  const cash = o.sim?.cash;
  if (cash !== undefined && !(cash > 0 && cash <= MAX_CASH)) throw new UserError(`--cash ${formatNumber(cash)} is not valid: use an amount greater than 0 and at most ${formatNumber(MAX_CASH)}.`);
  const shape = defineStrategy({ name: 'portfolio', assets: 2, params: {}, warmup: () => 0, weights: () => [] });
  refuseSignalOnlySettings(shape, { ...o.sim, ...(o.size === undefined ? {} : { size: { kind: 'percent', fraction: 1 } }) }, (k) => FLAG_OF[k] ?? k);
  const picked: Record<string, unknown> = Object.fromEntries(ENGINE_KEYS.filter((k) => o.sim?.[k] !== undefined).map((k) => [k, o.sim![k]]));
  if (o.turnoverCost !== undefined) picked.feeRate = o.turnoverCost;
  const sim = picked as SimOptions;
  try {
    resolvePortfolioOptions(sim);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const named = error.message.replace(/^(\w+)/, (name: string) => FLAG_OF[name] ?? name);
    throw new UserError(named.endsWith('.') ? named : `${named}.`);
  }
  return { method, covariance, sim };
}

/** The assets' bars on one time index (the times every asset has), checked for usable prices. */
/** The assets' bars on the times they all have, each named once, with positive prices and none missing. */
async function loadAssets(o: PortfolioJobOptions): Promise<{ series: Bars[]; timeframe: string; symbols: string[] }> {
  const { series, timeframe, symbols } = await loadSeries({ ...o, strategy: 'portfolio' }, undefined, 'intersection');
  const names = series.map((b, k) => b.symbol || symbols[k] || `asset${k}`);
  const duplicate = names.find((name, k) => names.indexOf(name) !== k);
  if (duplicate !== undefined) throw new UserError(`${duplicate} is given twice: name each asset once.`);
  assertPrices(series, true, 'a portfolio');
  return { series, timeframe, symbols: names };
}

/** --out is checked before any work: a data file path, or a directory that is or can become writable. */
function checkOut(out: string, db: string, force: boolean): 'file' | 'dir' {
  if (['.csv', '.parquet', '.arrow', '.feather', '.ipc'].includes(extname(out).toLowerCase())) {
    assertOutputPath(out, { db, force });
    return 'file';
  }
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UserError(`--out ${out} is a file without a .csv, .parquet or .arrow ending: give a directory, or a file with one of those endings.`, { code: 'RRR_BAD_OUT' });
  try {
    makeDirectories(out);
    accessSync(out, constants.W_OK);
  } catch (error) {
    throw new UserError(`--out ${out} cannot be created or written (${(error as NodeJS.ErrnoException).code}): choose a writable directory.`, { exitCode: 1, code: 'RRR_BAD_OUT' });
  }
  return 'dir';
}

export async function runPortfolioJob(o: PortfolioJobOptions): Promise<PortfolioJobResult> {
  const { method, covariance, sim } = checkOptions(o);
  const lookback = parsePortfolioLength(o.lookback, 'lookback');
  const rebalance = parsePortfolioLength(o.rebalance, 'rebalance');
  const outKind = o.out === undefined ? undefined : checkOut(o.out, o.db, o.force ?? false);
  const { series, timeframe, symbols } = await loadAssets(o);
  const time = series[0].time;
  const annual = o.periodsPerYear !== undefined ? { periodsPerYear: o.periodsPerYear, reason: '--periods-per-year' } : annualization(time, parseTimeframe(timeframe));
  const ppy = annual.periodsPerYear;
  if (o.select !== undefined && !(Number.isInteger(o.select) && o.select >= 2 && o.select < symbols.length)) {
    throw new UserError(`--select ${o.select} is not valid for ${symbols.length} assets: choose a whole number of assets from 2 to ${symbols.length - 1}.`, { code: 'RRR_BAD_SELECT' });
  }
  const schedule = rebalanceSchedule(time, lookback, rebalance);
  const views = o.views === undefined ? undefined : readViews(o.views, symbols, ppy);
  const rfPerPeriod = o.riskFreeRate ? Math.pow(1 + o.riskFreeRate, 1 / ppy) - 1 : 0;
  const leverage = sim.leverage;
  const constraints = {
    ...(o.longOnly === undefined ? {} : { longOnly: o.longOnly }),
    ...(o.minWeight === undefined ? {} : { minWeight: o.minWeight }),
    ...(o.maxWeight === undefined ? {} : { maxWeight: o.maxWeight }),
    ...(leverage === undefined ? {} : { leverage }),
    ...(o.maxTurnover === undefined ? {} : { maxTurnover: o.maxTurnover }),
  };
  // Bounds that no portfolio of these assets can meet are refused before any window is estimated.
  resolveConstraints(o.select ?? symbols.length, constraints);
  const objective = method === 'min-variance' ? 'min-variance' : 'max-sharpe';
  const seed = o.seed ?? 1;
  const settings: RebalanceSettings = {
    method,
    covariance,
    constraints,
    ...(rfPerPeriod ? { riskFreeRate: rfPerPeriod } : {}),
    ...(o.targetReturn === undefined ? {} : { targetReturn: o.targetReturn / ppy }),
    ...(o.targetRisk === undefined ? {} : { targetRisk: o.targetRisk / Math.sqrt(ppy) }),
    ...(views ? { views } : {}),
    ...(o.select === undefined ? {} : { select: { k: o.select, seed, objective } }),
  };
  const { plan, backtest, result, start, perRebalance, turnover, effectiveBets } = backtestPortfolio(series, { symbols, schedule, settings, sim, periodsPerYear: ppy, riskFreeRate: o.riskFreeRate, optionName: (k) => FLAG_OF[k] ?? k, progress: o.progress });
  const rebalances: RebalanceRow[] = plan.history.map((h, r) => ({
    time: formatTime(time[h.bar]),
    bar: h.bar,
    weights: Object.fromEntries(symbols.map((s, a) => [s, h.weights[a]])),
    turnover: perRebalance[r],
    effectiveBets: h.effectiveBets,
    inCash: h.inCash,
    expectedReturn: h.expectedReturn * ppy,
    volatility: h.volatility * Math.sqrt(ppy),
  }));
  const params: Record<string, unknown> = {
    method,
    covariance,
    lookback: lookback.text,
    rebalance: rebalance.text,
    ...(o.targetReturn === undefined ? {} : { targetReturn: o.targetReturn }),
    ...(o.targetRisk === undefined ? {} : { targetRisk: o.targetRisk }),
    longOnly: o.longOnly ?? true,
    ...(o.minWeight === undefined ? {} : { minWeight: o.minWeight }),
    ...(o.maxWeight === undefined ? {} : { maxWeight: o.maxWeight }),
    ...(o.maxTurnover === undefined ? {} : { maxTurnover: o.maxTurnover }),
    ...(views ? { views: views.map((v) => ({ ...v, return: v.return * ppy })) } : {}),
    ...(o.select === undefined ? {} : { select: o.select, seed }),
  };
  const selection = plan.subset
    ? { k: o.select!, seed, symbols: plan.selected.map((a) => symbols[a]), objective, sharpeAnnual: plan.subset.score * Math.sqrt(ppy), evaluated: plan.subset.evaluated }
    : undefined;
  const from = formatTime(time[0]);
  const to = formatTime(time[time.length - 1]);
  const dataFingerprint = fingerprintBars(series);
  const outFiles = o.out === undefined ? [] : await writeOutputs(o.out, outKind!, symbols, series.map((b) => b.close), time, start, plan, rebalances, result);
  let runId: number | null = null;
  let notRecorded: string | undefined;
  if (o.record ?? true) {
    const settings = { ...result.options, periodsPerYear: ppy, periodsPerYearReason: annual.reason, ...(o.riskFreeRate ? { riskFreeRate: o.riskFreeRate } : {}) };
    const metrics = { ...backtest.metrics, turnoverPerRebalance: turnover.perRebalance, turnoverPerYear: turnover.perYear, effectiveBets: Number.isFinite(effectiveBets) ? effectiveBets : null, cashRebalances: plan.history.filter((h) => h.inCash).length };
    try {
      runId = await withStore(o.db, { create: true, recordsOnly: true }, (store) => recordRun(store, { strategy: 'portfolio', symbols, timeframe, from, to, params, settings, dataFingerprint, metrics }));
    } catch (error) {
      if (!(error instanceof UserError && error.code === 'RRR_DB_BUSY')) throw error;
      notRecorded = error.message;
    }
  }
  return {
    runId,
    ...(notRecorded === undefined ? {} : { notRecorded }),
    method,
    symbols,
    timeframe,
    periodsPerYear: ppy,
    periodsPerYearReason: annual.reason,
    from,
    to,
    simulatedFrom: formatTime(time[start]),
    dataFingerprint,
    params,
    settings: result.options,
    metrics: backtest.metrics,
    turnover,
    effectiveBets,
    cashRebalances: plan.history.filter((h) => h.inCash).length,
    ...(selection ? { selection } : {}),
    rebalances,
    outFiles,
    backtest,
    bars: series,
    plan,
  };
}

/**
 * A directory gets weights.{csv,parquet} (one row per rebalance: its time, each symbol's target weight,
 * turnover, effective bets) and equity.{csv,parquet} (one row per simulated bar: equity, cash and the weight
 * each symbol actually held at the close); a file gets the weight history alone.
 */
async function writeOutputs(out: string, kind: 'file' | 'dir', symbols: string[], closes: readonly Float64Array[], time: Float64Array, start: number, plan: RebalancePlan, rows: RebalanceRow[], result: PortfolioResult): Promise<string[]> {
  const history: OutputColumn[] = [
    { name: 'time', values: plan.history.map((h) => time[h.bar]), kind: 'time' },
    ...symbols.map((s, a) => ({ name: s, values: plan.history.map((h) => h.weights[a]) })),
    { name: 'turnover', values: rows.map((r) => r.turnover) },
    { name: 'effective_bets', values: rows.map((r) => r.effectiveBets) },
    { name: 'expected_return', values: rows.map((r) => r.expectedReturn) },
    { name: 'volatility', values: rows.map((r) => r.volatility) },
  ];
  if (kind === 'file') {
    await writeColumns(out, history);
    return [out];
  }
  const n = result.equity.length;
  // The weight each symbol held at each simulated bar's close: units x close / equity.
  const held = symbols.map((s, a) => {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = (result.positions[a][i] * closes[a][start + i]) / result.equity[i];
    return { name: `weight_${s}`, values };
  });
  const equity: OutputColumn[] = [
    { name: 'time', values: time.subarray(start), kind: 'time' },
    { name: 'equity', values: result.equity },
    { name: 'cash', values: result.cash },
    ...held,
  ];
  const written: string[] = [];
  for (const [name, columns] of [['weights', history], ['equity', equity]] as const) {
    for (const ext of ['parquet', 'csv']) {
      const path = join(out, `${name}.${ext}`);
      await writeColumns(path, columns);
      written.push(path);
    }
  }
  return written;
}
