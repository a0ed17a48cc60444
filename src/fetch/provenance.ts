import type { Store } from '../data/store.js';
import { formatTime } from '../data/time.js';

/** A source as recorded with a fetched series: its name and the URL it was pointed at, if any. */
export interface SourceRef {
  name: string;
  url?: string;
}

/** What rrr data update needs to refresh a fetched series. */
export interface FetchedSeries {
  symbol: string;
  timeframe: string;
  sourceSymbol: string;
  sources: SourceRef[];
  updatedAt: string;
}

/** A run of consecutive stored bars that came from one source. */
export interface SourceSpan {
  source: string;
  bars: number;
  first: string;
  last: string;
}

/**
 * Records, in the running transaction, that the bars at `times` (sorted) came from `source`: earlier
 * records in their range are replaced, as upsertSeries replaces the bars themselves.
 */
export async function recordProvenance(store: Store, symbol: string, timeframe: string, source: string, times: Float64Array): Promise<void> {
  if (times.length === 0) return;
  store.assertWritable('Recording where bars came from');
  await store.run('DELETE FROM bar_sources WHERE symbol = ? AND timeframe = ? AND time BETWEEN ? AND ?', [symbol, timeframe, BigInt(times[0]), BigInt(times[times.length - 1])]);
  const appender = await store.connection.createAppender('bar_sources');
  for (const t of times) {
    appender.appendVarchar(symbol);
    appender.appendVarchar(timeframe);
    appender.appendBigInt(BigInt(t));
    appender.appendVarchar(source);
    appender.endRow();
  }
  appender.closeSync();
}

export async function recordFetchedSeries(store: Store, series: Omit<FetchedSeries, 'updatedAt'>): Promise<void> {
  await store.run('DELETE FROM fetch_series WHERE symbol = ? AND timeframe = ?', [series.symbol, series.timeframe]);
  await store.run('INSERT INTO fetch_series VALUES (?, ?, ?, ?, ?)', [series.symbol, series.timeframe, series.sourceSymbol, JSON.stringify(series.sources), new Date().toISOString()]);
}

export async function fetchedSeries(store: Store): Promise<FetchedSeries[]> {
  const rows = await store.rows('SELECT symbol, timeframe, source_symbol, sources, updated_at FROM fetch_series ORDER BY symbol, timeframe');
  return rows.map((r) => ({
    symbol: String(r.symbol),
    timeframe: String(r.timeframe),
    sourceSymbol: String(r.source_symbol),
    sources: JSON.parse(String(r.sources)) as SourceRef[],
    updatedAt: String(r.updated_at),
  }));
}

/**
 * Which stored bars of a series came from where, as runs of consecutive bars from one source, in time
 * order. Only bars the series holds count (a record whose bar a crash kept from being stored is ignored);
 * bars with no record (imported from a file) form runs of source "file".
 */
export async function provenanceOf(store: Store, symbol: string, timeframe: string, range: { from?: number; to?: number } = {}): Promise<SourceSpan[]> {
  const rows = await store.rows(
    `WITH b AS (
       SELECT bars.time, coalesce(s.source, 'file') AS source FROM bars
       LEFT JOIN bar_sources s ON s.symbol = bars.symbol AND s.timeframe = bars.timeframe AND s.time = bars.time
       WHERE bars.symbol = ? AND bars.timeframe = ? AND bars.time BETWEEN ? AND ?),
     g AS (SELECT time, source, row_number() OVER (ORDER BY time) - row_number() OVER (PARTITION BY source ORDER BY time) AS run FROM b)
     SELECT source, count(*)::DOUBLE AS bars, min(time)::DOUBLE AS first, max(time)::DOUBLE AS last FROM g GROUP BY source, run ORDER BY first`,
    [symbol, timeframe, BigInt(range.from ?? -8.64e15), BigInt(range.to ?? 8.64e15)],
  );
  return rows.map((r) => ({ source: String(r.source), bars: Number(r.bars), first: formatTime(Number(r.first)), last: formatTime(Number(r.last)) }));
}
