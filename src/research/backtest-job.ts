/**
 * `rrr backtest` as a library call: load the data (store or files), run the strategy, record the run,
 * write the optional output files. The command only parses flags and renders what this returns.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Bars } from '../data/bars.js';
import { alignBars } from '../data/align.js';
import { checkNanPrices } from '../data/quality.js';
import { loadBars, loadPanel } from '../data/load.js';
import { fingerprintBars, recordRun } from '../data/runs.js';
import { withStore } from '../data/store.js';
import { formatTime, type TimeRange } from '../data/time.js';
import { inferTimeframe, parseTimeframe, periodsPerYear as periodsPerYearOf } from '../data/timeframe.js';
import { writeColumns } from '../data/write.js';
import { runBacktest, type BacktestResult } from '../engine/backtest.js';
import { resolveSimOptions } from '../engine/options.js';
import { parseSize } from '../engine/parse-options.js';
import { ordersToObjects, tradesToObjects, type OrderRecord, type TradeRecord } from '../engine/records.js';
import { reasonName } from '../engine/reasons.js';
import type { SimOptions } from '../engine/types.js';
import { assetCount } from '../strategies/define.js';
import { resolveStrategy } from '../strategies/registry.js';
import { UserError } from '../errors.js';

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
  periodsPerYear?: number;
  riskFreeRate?: number;
  outDir?: string;
}

export interface BacktestJobResult {
  runId: number;
  strategy: string;
  symbols: string[];
  timeframe: string;
  periodsPerYear: number;
  from: string;
  to: string;
  dataFingerprint: string;
  params: Record<string, unknown>;
  settings: BacktestResult['settings'];
  metrics: BacktestResult['metrics'];
  trades: TradeRecord[];
  orders: OrderRecord[];
  backtest: BacktestResult;
  bars: Bars[];
  outFiles: string[];
}

async function loadSeries(options: BacktestJobOptions, assets: number): Promise<{ series: Bars[]; timeframe: string; symbols: string[] }> {
  const files = options.files ?? [];
  const symbols = options.symbols ?? [];
  if (files.length > 0 && symbols.length > 0 && symbols.length !== files.length) {
    throw new UserError('Give either --symbol (from the store) or --data FILE (from files), or one --symbol per --data to name them.');
  }
  if (files.length > 0) {
    const loaded: Bars[] = [];
    for (const [k, file] of files.entries()) loaded.push(await loadBars({ file, symbol: symbols[k], timeframe: options.timeframe, ...options.range }));
    const timeframe = options.timeframe ?? inferTimeframe(loaded[0].time, files[0]);
    const series = loaded.length > 1 ? alignBars(loaded, 'intersection').bars : loaded;
    return { series, timeframe: parseTimeframe(timeframe).label, symbols: loaded.map((b) => b.symbol ?? '') };
  }
  if (symbols.length === 0) throw new UserError(`Say which data to test: --symbol SYMBOL (from the store) or --data FILE.`);
  if (!options.timeframe) throw new UserError('--timeframe is required with --symbol: e.g. --timeframe 1h (see "rrr data list").');
  if (symbols.length !== assets) {
    throw new UserError(`${options.strategy} trades ${assets} asset${assets === 1 ? '' : 's'}: pass ${assets === 1 ? 'one --symbol' : `${assets} --symbol flags`} (got ${symbols.length}).`);
  }
  const timeframe = parseTimeframe(options.timeframe).label;
  if (symbols.length === 1) return { series: [await loadBars({ symbol: symbols[0], timeframe, db: options.db, ...options.range })], timeframe, symbols };
  const panel = await loadPanel({ symbols, timeframe, db: options.db, align: 'intersection', ...options.range });
  return { series: panel.bars, timeframe, symbols };
}

/** Engine option names as the CLI spells them, so a range error names the flag the user typed. */
const FLAG_OF: Record<string, string> = {
  cash: '--cash', feeRate: '--fees', fixedFee: '--fixed-fee', slippageBps: '--slippage', lotSize: '--lot-size',
  leverage: '--leverage', stopLoss: '--stop-loss', takeProfit: '--take-profit', trailingStop: '--trailing-stop',
  maxHold: '--max-hold', size: '--size', direction: '--direction', fill: '--fill',
};

function checkSettings(sim: SimOptions): void {
  try {
    resolveSimOptions(sim);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const named = error.message.replace(/^(\w+)(\.\w+)?/, (whole, name: string) => FLAG_OF[name] ?? whole);
    throw new UserError(`${named.endsWith('.') ? named : `${named}.`}`);
  }
}

/** The single-asset simulation needs a price on every bar: a missing one is reported, never simulated through. */
function assertPrices(bars: Bars): void {
  const missing = checkNanPrices(bars, 1);
  if (missing.count > 0) {
    throw new UserError(`${bars.symbol ?? 'The data'} has ${missing.count} bars with a missing (NaN) price, the first at ${missing.locations[0].time}: fill or drop them first (rrr data validate lists them).`, { exitCode: 1, code: 'RRR_MISSING_PRICES' });
  }
}

export async function runBacktestJob(options: BacktestJobOptions): Promise<BacktestJobResult> {
  if (options.periodsPerYear !== undefined && !(options.periodsPerYear > 0)) {
    throw new UserError(`--periods-per-year ${options.periodsPerYear} is not valid: give the number of bars in a year, e.g. 252 for daily equities.`);
  }
  if (options.sim) checkSettings(options.sim);
  const strategy = await resolveStrategy(options.strategy);
  const { series, timeframe, symbols } = await loadSeries(options, assetCount(strategy));
  if (series.length === 1) assertPrices(series[0]);
  const periodsPerYear = options.periodsPerYear ?? periodsPerYearOf(parseTimeframe(timeframe));
  const sim: SimOptions = { ...options.sim, ...(options.size === undefined ? {} : { size: parseSize(options.size, periodsPerYear) }) };
  checkSettings(sim);
  const backtest = runBacktest(series.length === 1 ? series[0] : series, { strategy, params: options.params, sim, periodsPerYear, riskFreeRate: options.riskFreeRate });
  const time = series[0].time;
  const from = formatTime(time[0]);
  const to = formatTime(time[time.length - 1]);
  const dataFingerprint = fingerprintBars(series);
  const runId = await withStore(options.db, { create: true }, (store) =>
    recordRun(store, { strategy: strategy.name, symbols, timeframe, from, to, params: backtest.params, settings: { ...backtest.settings, periodsPerYear }, dataFingerprint, metrics: backtest.metrics as unknown as Record<string, unknown> }),
  );
  const outFiles = options.outDir ? await writeOutputs(options.outDir, backtest, series[0]) : [];
  return {
    runId,
    strategy: strategy.name,
    symbols,
    timeframe,
    periodsPerYear,
    from,
    to,
    dataFingerprint,
    params: backtest.params,
    settings: backtest.settings,
    metrics: backtest.metrics,
    trades: tradesToObjects(backtest.result.trades, series[0]),
    orders: ordersToObjects(backtest.result.orders, series[0]),
    backtest,
    bars: series,
    outFiles,
  };
}

/** trades, orders and the equity curve, each as Parquet and CSV. */
async function writeOutputs(dir: string, backtest: BacktestResult, bars: Bars): Promise<string[]> {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UserError(`Cannot create --out directory ${dir} (${(error as NodeJS.ErrnoException).code}): choose a writable path.`, { exitCode: 1 });
  }
  const { trades, orders, equity, cash } = backtest.result;
  const positions = 'positions' in backtest.result ? backtest.result.positions : [backtest.result.position];
  const tables = {
    trades: [
      { name: 'asset', values: trades.asset.subarray(0, trades.count), kind: 'integer' as const },
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
