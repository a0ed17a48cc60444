/**
 * `rrr backtest` as a library call: load the data (store or files), run the strategy, record the run,
 * write the optional output files. The command only parses flags and renders what this returns.
 */
import { join, resolve as resolvePath } from 'node:path';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Bars } from '../data/bars.js';
import { alignBars, type AlignMode } from '../data/align.js';
import { assertSpacing } from '../data/import.js';
import { checkNanPrices, checkNonPositivePrices } from '../data/quality.js';
import { loadBars, loadPanel } from '../data/load.js';
import { fingerprintBars, recordRun, type RunRecord } from '../data/runs.js';
import { withStore } from '../data/store.js';
import { formatTime, type TimeRange } from '../data/time.js';
import { annualization, inferTimeframe, parseTimeframe } from '../data/timeframe.js';
import { writeColumns } from '../data/write.js';
import { refuseSignalOnlySettings, runBacktest, type BacktestResult } from '../strategies/backtest.js';
import { resolveSimOptions } from '../engine/options.js';
import { parseSize } from '../engine/parse-options.js';
import { tradeStatsByAsset, type AssetTradeStats } from '../engine/metrics.js';
import { ordersToObjects, tradesToObjects, type OrderRecord, type TradeRecord } from '../engine/records.js';
import { reasonName } from '../engine/reasons.js';
import type { SimOptions } from '../engine/types.js';
import { assetCount, type AnyStrategy } from '../strategies/define.js';
import { builtinStrategy, resolveStrategy } from '../strategies/registry.js';
import type { RecordedSettings } from '../report/settings.js';
import { formatNumber } from '../report/table.js';
import { UserError } from '../errors.js';
import { makeDirectories } from '../data/make-dirs.js';

export interface BacktestJobOptions {
  strategy: string;
  params?: Record<string, string>;
  /** Stored symbols (one per asset the strategy trades). */
  symbols?: string[];
  /** Bar files instead of the store (one per asset). */
  files?: string[];
  timeframe?: string;
  range?: TimeRange;
  db: string;
  sim?: SimOptions;
  /** --size text; parsed once the timeframe (for volatility targeting) is known. */
  size?: string;
  /** How several series are put on one time index (default intersection: only times every series has). */
  align?: AlignMode;
  periodsPerYear?: number;
  riskFreeRate?: number;
  outDir?: string;
  /** Bars already in memory (a live feed's history) instead of the store or files. */
  loaded?: { series: Bars[]; timeframe: string; symbols: string[] };
}

export interface BacktestJobResult {
  /** The recorded run's id; null when the store stayed busy past --wait (see notRecorded). */
  runId: number | null;
  /** Why the finished run could not be recorded, when it could not. */
  notRecorded?: string;
  strategy: string;
  symbols: string[];
  timeframe: string;
  periodsPerYear: number;
  /** Why that many periods per year, in words. */
  periodsPerYearReason: string;
  /** Alignment of a multi-asset run's series (undefined for one series). */
  align?: AlignMode;
  from: string;
  to: string;
  dataFingerprint: string;
  params: Record<string, unknown>;
  settings: BacktestResult['settings'];
  /** The settings as recorded with the run: resolved options plus how the run was set up (report/settings.ts). */
  recordedSettings: RecordedSettings;
  metrics: BacktestResult['metrics'];
  trades: TradeRecord[];
  orders: OrderRecord[];
  /** Trade statistics per asset, for a multi-asset run. */
  assetStats?: AssetTradeStats[];
  backtest: BacktestResult;
  bars: Bars[];
  outFiles: string[];
}

/** The largest starting cash: beyond it equity loses whole-unit precision (2^53 ~ 9e15) and may overflow. */
export const MAX_CASH = 1e15;

/**
 * The bars a run trades, from --data files or stored --symbols, on one time index. `assets` is how many the
 * strategy trades (checked against --symbol), or undefined for any number (a portfolio).
 */
export async function loadSeries(
  options: Pick<BacktestJobOptions, 'files' | 'symbols' | 'timeframe' | 'range' | 'db' | 'strategy'>,
  assets: number | undefined,
  align: AlignMode,
): Promise<{ series: Bars[]; timeframe: string; symbols: string[] }> {
  const files = options.files ?? [];
  const symbols = options.symbols ?? [];
  if (files.length > 0 && symbols.length > 0 && symbols.length !== files.length) {
    throw new UserError('Give either --symbol (from the store) or --data FILE (from files), or one --symbol per --data to name them.');
  }
  if (files.length > 0) {
    const loaded: Bars[] = [];
    for (const [k, file] of files.entries()) loaded.push(await loadBars({ file, symbol: symbols[k], timeframe: options.timeframe, ...options.range }));
    const timeframe = parseTimeframe(options.timeframe ?? inferTimeframe(loaded[0].time, files[0]));
    // A file run with --timeframe is checked against its spacing, as import does: a daily file read as 1h
    // would annualize as if it held hourly bars.
    if (options.timeframe !== undefined) loaded.forEach((bars, k) => assertSpacing(bars, timeframe, files[k]));
    const series = loaded.length > 1 ? alignBars(loaded, align).bars : loaded;
    return { series, timeframe: timeframe.label, symbols: loaded.map((b) => b.symbol ?? '') };
  }
  if (symbols.length === 0) throw new UserError(`Say which data to test: --symbol SYMBOL (from the store) or --data FILE.`);
  if (!options.timeframe) throw new UserError('--timeframe is required with --symbol: e.g. --timeframe 1h (see "rrr data list").');
  if (assets !== undefined && symbols.length !== assets) {
    throw new UserError(`${options.strategy} trades ${assets} asset${assets === 1 ? '' : 's'}: pass ${assets === 1 ? 'one --symbol' : `${assets} --symbol flags`} (got ${symbols.length}).`);
  }
  const timeframe = parseTimeframe(options.timeframe).label;
  if (symbols.length === 1) return { series: [await loadBars({ symbol: symbols[0], timeframe, db: options.db, ...options.range })], timeframe, symbols };
  const panel = await loadPanel({ symbols, timeframe, db: options.db, align, ...options.range });
  return { series: panel.bars, timeframe, symbols };
}

/** Engine option names as the CLI spells them, so a range error names the flag the user typed. */
const FLAG_OF: Record<string, string> = {
  cash: '--cash', feeRate: '--fees', fixedFee: '--fixed-fee', slippageBps: '--slippage', lotSize: '--lot-size',
  leverage: '--leverage', stopLoss: '--stop-loss', takeProfit: '--take-profit', trailingStop: '--trailing-stop',
  maxHold: '--max-hold', size: '--size', direction: '--direction', fill: '--fill', stopFirst: '--target-first', closeAtEnd: '--close-at-end',
};
const flagOf = (key: string) => FLAG_OF[key] ?? key;

function checkSettings(sim: SimOptions): void {
  try {
    resolveSimOptions(sim);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const named = error.message.replace(/^(\w+)(\.\w+)?/, (whole, name: string) => FLAG_OF[name] ?? whole);
    throw new UserError(`${named.endsWith('.') ? named : `${named}.`}`);
  }
}

/**
 * A size the leverage cannot carry is refused rather than silently capped. Fixed units can only be checked
 * against the first bar: they are refused when units x the first close exceed leverage x the starting cash.
 */
function checkSizeAgainstLeverage(sim: SimOptions, firstClose: number, sizeText: string | undefined): void {
  const { size } = sim;
  const leverage = sim.leverage ?? 1;
  const cash = sim.cash ?? 10_000;
  if (!size) return;
  const flag = sizeText === undefined ? 'the strategy\'s size' : `--size ${sizeText}`;
  const refuse = (what: string, needed: number) => {
    throw new UserError(`${flag} is ${what}, more than --leverage ${formatNumber(leverage)} allows: lower it, or pass --leverage ${formatNumber(Number(needed.toPrecision(3)))} or more.`);
  };
  if (size.kind === 'percent' && size.fraction > leverage) {
    const hint = sizeText !== undefined && !sizeText.includes('%') && size.fraction >= 2 ? ` (did you mean ${sizeText.trim()}%?)` : '';
    refuse(`${formatNumber(size.fraction * 100)}% of equity${hint}`, size.fraction);
  }
  if (size.kind === 'cash' && size.amount > leverage * cash) refuse(`${formatNumber(size.amount / cash)} x the starting cash of ${formatNumber(cash)}`, size.amount / cash);
  if (size.kind === 'units' && size.units * firstClose > leverage * cash) {
    refuse(`${formatNumber(size.units)} units x the first close ${formatNumber(firstClose)} = ${formatNumber(size.units * firstClose)}, ${formatNumber((size.units * firstClose) / cash)} x the starting cash`, (size.units * firstClose) / cash);
  }
  if (size.kind === 'kelly' && (size.fallbackFraction ?? 1) > leverage) refuse(`${formatNumber((size.fallbackFraction ?? 1) * 100)}% of equity before enough trades have closed`, size.fallbackFraction ?? 1);
}

/**
 * The simulation needs a positive price on every bar: a missing or non-positive one is reported, never
 * simulated through. Missing ones are checked only where no alignment explains them: one series, or
 * (checkMissing) series aligned on the times they all have.
 */
export function assertPrices(series: readonly Bars[], checkMissing = series.length === 1, what = 'a backtest'): void {
  for (const bars of checkMissing ? series : []) {
    const missing = checkNanPrices(bars, 1);
    if (missing.count > 0) {
      throw new UserError(`${bars.symbol ?? 'The data'} has ${missing.count} bars with a missing (NaN) price, the first at ${missing.locations[0].time}: fill or drop them first (rrr data validate lists them).`, { exitCode: 1, code: 'RRR_MISSING_PRICES' });
    }
  }
  for (const bars of series) {
    const bad = checkNonPositivePrices(bars, 1);
    if (bad.count > 0) {
      throw new UserError(`${bars.symbol ?? 'The data'} has ${bad.count} bars with a zero or negative price, the first at ${bad.locations[0].time}: ${what} needs positive prices (rrr data validate lists them).`, { exitCode: 1, code: 'RRR_NON_POSITIVE_PRICES' });
    }
  }
}

/** An equity that overflowed (Infinity or NaN) is refused: its metrics would be meaningless. */
function assertFiniteEquity(backtest: BacktestResult, bars: Bars): void {
  const { equity } = backtest.result;
  for (let i = 0; i < equity.length; i++) {
    if (!Number.isFinite(equity[i])) {
      throw new UserError(`The simulation overflowed: equity is ${equity[i]} at ${formatTime(bars.time[i])}: use a --cash from 0 to ${formatNumber(MAX_CASH)} and sizes the leverage carries.`, { exitCode: 1, code: 'RRR_OVERFLOW' });
    }
  }
}

/**
 * --out is checked before any work: it must be (or become) a directory we can write a file into. A file in
 * the way, a read-only place or a pseudo-filesystem such as /proc is refused with one sentence.
 */
function prepareOutDir(dir: string): void {
  const refuse = (why: string) => {
    throw new UserError(`--out ${dir} ${why}: choose a writable directory.`, { exitCode: 1, code: 'RRR_BAD_OUT' });
  };
  if (existsSync(dir) && !statSync(dir).isDirectory()) refuse('is a file, not a directory');
  try {
    makeDirectories(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    refuse(code === 'ENOTDIR' ? 'has a file where a directory is expected' : `cannot be created (${code})`);
  }
  const probe = join(dir, `.rrr-write-check-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    refuse(`is not writable (${(error as NodeJS.ErrnoException).code})`);
  }
}

/** A backtest ready to run: the strategy, its checked data and settings. What optimize and walk-forward sweep over. */
export interface PreparedBacktest {
  strategy: AnyStrategy;
  /** "built-in", or the strategy file's absolute path. */
  source: string;
  series: Bars[];
  timeframe: string;
  symbols: string[];
  periodsPerYear: number;
  periodsPerYearReason: string;
  /** The user's settings with --size parsed (the strategy's own simDefaults are applied per run). */
  sim: SimOptions;
  align: AlignMode;
  riskFreeRate?: number;
  dataFingerprint: string;
  /** Engine option names as the CLI spells them (stopLoss -> --stop-loss), for refusals. */
  optionName: (key: string) => string;
}

/**
 * Everything `rrr backtest` checks before it runs, without running: settings refused with a sentence, the
 * strategy resolved, the data loaded and checked (prices, spacing), the annualization chosen.
 */
export async function prepareBacktest(options: BacktestJobOptions): Promise<PreparedBacktest> {
  if (options.periodsPerYear !== undefined && !(options.periodsPerYear > 0 && Number.isFinite(options.periodsPerYear))) {
    throw new UserError(`--periods-per-year ${options.periodsPerYear} is not valid: give the number of bars in a year, e.g. 252 for daily equities.`);
  }
  const cash = options.sim?.cash;
  if (cash !== undefined && !(cash > 0 && cash <= MAX_CASH)) {
    throw new UserError(`--cash ${formatNumber(cash)} is not valid: use an amount greater than 0 and at most ${formatNumber(MAX_CASH)}.`);
  }
  const align = options.align ?? 'intersection';
  if (align !== 'intersection' && align !== 'union') throw new UserError(`--align ${String(align)} is not valid: use union or intersection.`);
  if (options.sim) checkSettings(options.sim);
  const strategy = await resolveStrategy(options.strategy);
  const source = builtinStrategy(options.strategy) ? 'built-in' : resolvePath(options.strategy);
  refuseSignalOnlySettings(strategy, { ...options.sim, ...(options.size === undefined ? {} : { size: { kind: 'percent', fraction: 1 } }) }, flagOf);
  if (options.align !== undefined && assetCount(strategy) === 1) {
    throw new UserError(`--align applies to strategies trading several assets; ${strategy.name} trades one: remove --align.`);
  }
  const { series, timeframe, symbols } = options.loaded ?? (await loadSeries(options, assetCount(strategy), align));
  assertPrices(series);
  const annual = options.periodsPerYear !== undefined ? { periodsPerYear: options.periodsPerYear, reason: '--periods-per-year' } : annualization(series[0].time, parseTimeframe(timeframe));
  const periodsPerYear = annual.periodsPerYear;
  const sim: SimOptions = { ...options.sim, ...(options.size === undefined ? {} : { size: parseSize(options.size, periodsPerYear) }) };
  checkSettings(sim);
  if (strategy.signals) {
    checkSizeAgainstLeverage(sim, series[0].close[0], options.size);
    // A long's stop 100% or more below the fill sits at or below zero: it could never trigger.
    const stop = sim.stopLoss;
    if (stop?.kind === 'pct' && stop.value >= 1 && (sim.direction ?? 'long') !== 'short') {
      throw new UserError(`--stop-loss ${formatNumber(stop.value * 100)}% puts a long's stop at or below zero, where it never triggers: use less than 100%.`);
    }
  }
  return {
    strategy,
    source,
    series,
    timeframe,
    symbols,
    periodsPerYear,
    periodsPerYearReason: annual.reason,
    sim,
    align,
    ...(options.riskFreeRate === undefined ? {} : { riskFreeRate: options.riskFreeRate }),
    dataFingerprint: fingerprintBars(series),
    optionName: flagOf,
  };
}

export async function runBacktestJob(options: BacktestJobOptions): Promise<BacktestJobResult> {
  if (options.outDir !== undefined) prepareOutDir(options.outDir);
  const prepared = await prepareBacktest(options);
  const { strategy, source, series, timeframe, symbols, periodsPerYear, periodsPerYearReason, sim, align, dataFingerprint } = prepared;
  const backtest = runBacktest(series.length === 1 ? series[0] : series, { strategy, params: options.params, sim, periodsPerYear, riskFreeRate: options.riskFreeRate, source, optionName: flagOf });
  assertFiniteEquity(backtest, series[0]);
  const time = series[0].time;
  const from = formatTime(time[0]);
  const to = formatTime(time[time.length - 1]);
  const multi = series.length > 1;
  const recordedSettings: RecordedSettings = {
    ...(backtest.settings as unknown as RecordedSettings),
    periodsPerYear,
    periodsPerYearReason,
    ...(options.riskFreeRate ? { riskFreeRate: options.riskFreeRate } : {}),
    ...(Object.keys(backtest.implied).length > 0 ? { implied: backtest.implied as Record<string, unknown>, overridden: backtest.overridden } : {}),
    ...(multi ? { align } : {}),
  };
  // Everything the run promised is written before it is recorded: a failed --out records nothing.
  const outFiles = options.outDir ? await writeOutputs(options.outDir, backtest, series[0], symbols) : [];
  const { runId, notRecorded } = await recordOrSayWhyNot(options.db, {
    strategy: strategy.name, symbols, timeframe, from, to, params: backtest.params, settings: recordedSettings as Record<string, unknown>, dataFingerprint, metrics: backtest.metrics as unknown as Record<string, unknown>,
  });
  return jobResult(prepared, backtest, { runId, notRecorded, from, to, recordedSettings, outFiles });
}

/**
 * Records a finished run. A store still busy after --wait must not throw the run away: the reason it was not
 * recorded is returned instead, and the command prints the results and that reason.
 */
export async function recordOrSayWhyNot(db: string, run: Omit<RunRecord, 'id' | 'createdAt' | 'tags'>): Promise<{ runId: number | null; notRecorded?: string }> {
  try {
    return { runId: await withStore(db, { create: true, recordsOnly: true }, (store) => recordRun(store, run)) };
  } catch (error) {
    if (!(error instanceof UserError && error.code === 'RRR_DB_BUSY')) throw error;
    return { runId: null, notRecorded: error.message };
  }
}

/** What `rrr backtest` prints and returns for a run, from its preparation and its result. */
export function jobResult(
  prepared: Pick<PreparedBacktest, 'strategy' | 'series' | 'timeframe' | 'symbols' | 'periodsPerYear' | 'periodsPerYearReason' | 'align' | 'dataFingerprint'>,
  backtest: BacktestResult,
  run: { runId: number | null; notRecorded?: string | undefined; from: string; to: string; recordedSettings: RecordedSettings; outFiles: string[] },
): BacktestJobResult {
  const { series, symbols } = prepared;
  const multi = series.length > 1;
  return {
    runId: run.runId,
    ...(run.notRecorded === undefined ? {} : { notRecorded: run.notRecorded }),
    strategy: prepared.strategy.name,
    symbols,
    timeframe: prepared.timeframe,
    periodsPerYear: prepared.periodsPerYear,
    periodsPerYearReason: prepared.periodsPerYearReason,
    ...(multi ? { align: prepared.align } : {}),
    from: run.from,
    to: run.to,
    dataFingerprint: prepared.dataFingerprint,
    params: backtest.params,
    settings: backtest.settings,
    recordedSettings: run.recordedSettings,
    metrics: backtest.metrics,
    trades: tradesToObjects(backtest.result.trades, series[0], symbols),
    orders: ordersToObjects(backtest.result.orders, series[0], symbols),
    ...(multi ? { assetStats: tradeStatsByAsset(backtest.result.trades, series.length) } : {}),
    backtest,
    bars: series,
    outFiles: run.outFiles,
  };
}

/** trades, orders and the equity curve, each as Parquet and CSV. */
async function writeOutputs(dir: string, backtest: BacktestResult, bars: Bars, symbols: readonly string[]): Promise<string[]> {
  const { trades, orders, equity, cash } = backtest.result;
  const positions = 'positions' in backtest.result ? backtest.result.positions : [backtest.result.position];
  const tables = {
    trades: [
      { name: 'asset', values: trades.asset.subarray(0, trades.count), kind: 'integer' as const },
      { name: 'symbol', values: Array.from(trades.asset.subarray(0, trades.count), (a) => symbols[a] ?? '') },
      { name: 'direction', values: Array.from(trades.direction.subarray(0, trades.count), (d) => (d > 0 ? 'long' : 'short')) },
      { name: 'entry_bar', values: trades.entryBar.subarray(0, trades.count), kind: 'integer' as const },
      { name: 'entry_time', values: Array.from(trades.entryBar.subarray(0, trades.count), (b) => bars.time[b]), kind: 'time' as const },
      { name: 'exit_bar', values: trades.exitBar.subarray(0, trades.count), kind: 'integer' as const },
      { name: 'exit_time', values: Array.from(trades.exitBar.subarray(0, trades.count), (b) => bars.time[b]), kind: 'time' as const },
      { name: 'entry_price', values: trades.entryPrice.subarray(0, trades.count) },
      { name: 'exit_price', values: trades.exitPrice.subarray(0, trades.count) },
      { name: 'size', values: trades.size.subarray(0, trades.count) },
      { name: 'fees', values: trades.fees.subarray(0, trades.count) },
      { name: 'pnl', values: trades.pnl.subarray(0, trades.count) },
      { name: 'return_pct', values: trades.returnPct.subarray(0, trades.count) },
      { name: 'exit_reason', values: Array.from(trades.exitReason.subarray(0, trades.count), reasonName) },
      { name: 'is_open', values: trades.isOpen.subarray(0, trades.count), kind: 'integer' as const },
    ],
    orders: [
      { name: 'asset', values: orders.asset.subarray(0, orders.count), kind: 'integer' as const },
      { name: 'symbol', values: Array.from(orders.asset.subarray(0, orders.count), (a) => symbols[a] ?? '') },
      { name: 'bar', values: orders.bar.subarray(0, orders.count), kind: 'integer' as const },
      { name: 'time', values: Array.from(orders.bar.subarray(0, orders.count), (b) => bars.time[b]), kind: 'time' as const },
      { name: 'side', values: Array.from(orders.side.subarray(0, orders.count), (s) => (s > 0 ? 'buy' : 'sell')) },
      { name: 'price', values: orders.price.subarray(0, orders.count) },
      { name: 'size', values: orders.size.subarray(0, orders.count) },
      { name: 'fee', values: orders.fee.subarray(0, orders.count) },
      { name: 'slippage', values: orders.slippage.subarray(0, orders.count) },
      { name: 'reason', values: Array.from(orders.reason.subarray(0, orders.count), reasonName) },
    ],
    equity: [
      { name: 'time', values: bars.time, kind: 'time' as const },
      { name: 'equity', values: equity },
      { name: 'cash', values: cash },
      // One position column per asset: position, or position_0, position_1, ... for several assets.
      ...positions.map((values, k) => ({ name: positions.length === 1 ? 'position' : `position_${k}`, values })),
    ],
  };
  const written: string[] = [];
  for (const [name, columns] of Object.entries(tables)) {
    for (const ext of ['parquet', 'csv']) {
      const path = join(dir, `${name}.${ext}`);
      await writeColumns(path, columns);
      written.push(path);
    }
  }
  return written;
}
