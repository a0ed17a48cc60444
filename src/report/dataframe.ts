/**
 * rrr's results as danfojs DataFrames, for exploring in a notebook. danfojs keeps rows of boxed values, so
 * these copy every number: fine for a notebook, never for a hot path (the columnar logs stay the source).
 * danfojs-node is an optional dependency, loaded on first use through importOptional.
 */
import type { Bars } from '../data/bars.js';
import type { RunRecord } from '../data/runs.js';
import { formatTime } from '../data/time.js';
import { reasonName } from '../engine/reasons.js';
import type { OrderLog, PortfolioResult, SimResult, TradeLog } from '../engine/types.js';
import { importOptional } from '../optional.js';
import type { BacktestResult } from '../strategies/backtest.js';

/** Column name to values, in column order: what every helper builds before it becomes a DataFrame. */
export type Columns = Record<string, ArrayLike<unknown>>;

/** A danfojs DataFrame (typed loosely so that rrr's own types do not need danfojs installed). */
export type DataFrame = { columns: string[]; shape: [number, number]; values: unknown[][]; [member: string]: any };

export interface FrameOptions {
  /** Bars on the same time index as the result: times become ISO-8601 columns beside bar numbers. */
  bars?: { readonly time: Float64Array };
  /** One symbol per asset, in asset order: a symbol column beside the asset number. */
  symbols?: readonly string[];
}

const isoAt = (time: Float64Array | undefined, bar: number) => {
  const ms = time?.[bar];
  return ms === undefined || !Number.isFinite(ms) ? null : formatTime(ms);
};

/** The trade log's columns (one row per round trip), reasons and directions named. */
export function tradeColumns(trades: TradeLog, options: FrameOptions = {}): Columns {
  const n = trades.count;
  const rows = Array.from({ length: n }, (_, i) => i);
  return {
    ...assetColumns(trades.asset, n, options.symbols),
    direction: rows.map((i) => (trades.direction[i] > 0 ? 'long' : 'short')),
    entryBar: trades.entryBar.subarray(0, n),
    exitBar: trades.exitBar.subarray(0, n),
    ...(options.bars ? { entryTime: rows.map((i) => isoAt(options.bars!.time, trades.entryBar[i])), exitTime: rows.map((i) => isoAt(options.bars!.time, trades.exitBar[i])) } : {}),
    entryPrice: trades.entryPrice.subarray(0, n),
    exitPrice: trades.exitPrice.subarray(0, n),
    size: trades.size.subarray(0, n),
    fees: trades.fees.subarray(0, n),
    pnl: trades.pnl.subarray(0, n),
    returnPct: trades.returnPct.subarray(0, n),
    exitReason: rows.map((i) => reasonName(trades.exitReason[i])),
    isOpen: rows.map((i) => trades.isOpen[i] === 1),
  };
}

/** The order log's columns (one row per fill). */
export function orderColumns(orders: OrderLog, options: FrameOptions = {}): Columns {
  const n = orders.count;
  const rows = Array.from({ length: n }, (_, i) => i);
  return {
    ...assetColumns(orders.asset, n, options.symbols),
    bar: orders.bar.subarray(0, n),
    ...(options.bars ? { time: rows.map((i) => isoAt(options.bars!.time, orders.bar[i])) } : {}),
    side: rows.map((i) => (orders.side[i] > 0 ? 'buy' : 'sell')),
    price: orders.price.subarray(0, n),
    size: orders.size.subarray(0, n),
    fee: orders.fee.subarray(0, n),
    slippage: orders.slippage.subarray(0, n),
    reason: rows.map((i) => reasonName(orders.reason[i])),
  };
}

function assetColumns(asset: Int32Array, n: number, symbols: readonly string[] | undefined): Columns {
  const assets = asset.subarray(0, n);
  return symbols ? { asset: assets, symbol: Array.from(assets, (a) => symbols[a] ?? null) } : { asset: assets };
}

/** Bars as columns, time as ISO-8601 UTC text. */
export function barColumns(bars: Bars): Columns {
  return {
    time: Array.from(bars.time, (t) => formatTime(t)),
    open: bars.open,
    high: bars.high,
    low: bars.low,
    close: bars.close,
    volume: bars.volume,
  };
}

/** Per bar: equity, cash and the position held (one column per asset for a portfolio). */
export function equityColumns(result: SimResult | PortfolioResult | BacktestResult, options: FrameOptions = {}): Columns {
  const sim = 'metrics' in result ? result.result : result;
  const positions: Columns =
    'positions' in sim
      ? Object.fromEntries(sim.positions.map((p, a) => [`position ${options.symbols?.[a] ?? a}`, p]))
      : { position: sim.position };
  return {
    ...(options.bars ? { time: Array.from(options.bars.time.subarray(0, sim.equity.length), (t) => formatTime(t)) } : {}),
    equity: sim.equity,
    cash: sim.cash,
    ...positions,
  };
}

/** Recorded runs (listRuns): one row each, parameters and metrics as their own columns. */
export function runColumns(runs: readonly RunRecord[]): Columns {
  return recordColumns(
    runs.map((r) => ({
      id: r.id,
      createdAt: r.createdAt,
      strategy: r.strategy,
      symbols: r.symbols.join(','),
      timeframe: r.timeframe,
      from: r.from,
      to: r.to,
      ...prefixed('param', r.params),
      ...prefixed('metric', r.metrics),
      tags: r.tags.join(' '),
      dataFingerprint: r.dataFingerprint,
    })),
  );
}

/** A study's or a search's trials (runSearch's SearchResult.trials, rankTrials): parameters and metrics as columns. */
export function trialColumns(
  trials: readonly { number: number; params: Readonly<Record<string, unknown>>; state?: string; value?: number; rank?: number; metrics?: Readonly<Record<string, unknown>> }[],
): Columns {
  return recordColumns(
    trials.map((t) => ({
      ...(t.rank !== undefined ? { rank: t.rank } : {}),
      number: t.number,
      ...(t.state !== undefined ? { state: t.state } : {}),
      value: t.value ?? null,
      ...prefixed('param', t.params),
      ...prefixed('metric', t.metrics ?? {}),
    })),
  );
}

function prefixed(prefix: string, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}.${k}`, v]));
}

/** Plain objects as columns: the union of their keys in first-seen order, null where a row has none. */
export function recordColumns(records: readonly Record<string, unknown>[]): Columns {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) if (!seen.has(k)) { seen.add(k); keys.push(k); }
  return Object.fromEntries(keys.map((k) => [k, records.map((r) => cellValue(r[k]))]));
}

/** danfojs holds numbers, strings and booleans: anything else is shown as JSON text. */
function cellValue(v: unknown): unknown {
  if (v === undefined || v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v ?? null;
  return JSON.stringify(v);
}

/** A DataFrame of `columns`; typed arrays are copied into plain arrays, which is what danfojs takes. */
export async function frameFromColumns(columns: Columns): Promise<DataFrame> {
  const dfd = await importOptional<{ DataFrame: new (data: Record<string, unknown[]>, options?: object) => DataFrame }>('danfojs-node', 'a DataFrame');
  const data = Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, Array.from(v)]));
  const rows = Object.values(data)[0]?.length ?? 0;
  // danfojs cannot build a frame with no rows from columns; give it the column names alone.
  return rows === 0 ? new dfd.DataFrame([] as unknown as Record<string, unknown[]>, { columns: Object.keys(data) }) : new dfd.DataFrame(data);
}

type Framable =
  | TradeLog
  | OrderLog
  | Bars
  | SimResult
  | PortfolioResult
  | BacktestResult
  | readonly RunRecord[]
  | readonly Record<string, unknown>[];

/**
 * Any of rrr's results as a DataFrame, recognised by its shape: a trade or order log (result.trades,
 * result.orders), bars, a simulation or backtest result (its per-bar equity, cash and position), recorded
 * runs (listRuns), trials (runSearch's trials, rankTrials), or any list of plain objects.
 */
export async function toDataFrame(value: Framable, options: FrameOptions = {}): Promise<DataFrame> {
  return frameFromColumns(columnsOf(value, options));
}

export function columnsOf(value: Framable, options: FrameOptions = {}): Columns {
  if (Array.isArray(value)) {
    const first = value[0] as Record<string, unknown> | undefined;
    if (first && 'dataFingerprint' in first && 'metrics' in first && 'createdAt' in first) return runColumns(value as RunRecord[]);
    if (first && typeof first.number === 'number' && typeof first.params === 'object') return trialColumns(value as Parameters<typeof trialColumns>[0]);
    return recordColumns(value as Record<string, unknown>[]);
  }
  const v = value as unknown as Record<string, unknown>;
  if (v.entryBar instanceof Int32Array && typeof v.count === 'number') return tradeColumns(value as TradeLog, options);
  if (v.bar instanceof Int32Array && v.side instanceof Int8Array && typeof v.count === 'number') return orderColumns(value as OrderLog, options);
  if (v.time instanceof Float64Array && v.close instanceof Float64Array) return barColumns(value as Bars);
  if ((v.equity instanceof Float64Array && v.trades) || (v.result && v.metrics)) return equityColumns(value as SimResult, options);
  throw new TypeError('toDataFrame takes a trade or order log, bars, a backtest or simulation result, recorded runs, trials, or a list of plain objects.');
}
