import type { QualityReport } from './quality.js';
import type { Store } from './store.js';
import { formatTime } from './time.js';
import { UserError, suggestion } from '../errors.js';

/** What `rrr data list` shows of a check: the ones that fired, by name, with their counts. */
export interface QualitySummary {
  ok: boolean;
  errors: number;
  warnings: number;
  flags: Record<string, number>;
}

export function summarizeQuality(report: QualityReport): QualitySummary {
  const flags: Record<string, number> = {};
  for (const c of report.checks) if (c.count > 0 && c.severity !== 'info') flags[c.check] = c.count;
  return { ok: report.ok, errors: report.errors, warnings: report.warnings, flags };
}

export interface SeriesInfo {
  symbol: string;
  timeframe: string;
  rows: number;
  first: string;
  last: string;
  quality: QualitySummary | null;
}

export async function listSeries(store: Store): Promise<SeriesInfo[]> {
  const rows = await store.rows('SELECT symbol, timeframe, rows, first_time, last_time, quality FROM series ORDER BY symbol, timeframe');
  return rows.map((r) => ({
    symbol: String(r.symbol),
    timeframe: String(r.timeframe),
    rows: Number(r.rows),
    first: formatTime(Number(r.first_time)),
    last: formatTime(Number(r.last_time)),
    quality: r.quality === null ? null : (JSON.parse(String(r.quality)) as QualitySummary),
  }));
}

/**
 * Fails with a "did you mean" sentence unless the store holds this symbol (at this timeframe, when given).
 */
export async function assertSeries(store: Store, symbol: string, timeframe?: string): Promise<void> {
  const known = await listSeries(store);
  if (known.some((s) => s.symbol === symbol && (timeframe === undefined || s.timeframe === timeframe))) return;
  const symbols = [...new Set(known.map((s) => s.symbol))];
  if (!symbols.includes(symbol)) {
    throw new UserError(`Unknown symbol "${symbol}" in ${store.path}.${suggestion(symbol, symbols, 'symbols')}`, { exitCode: 1, code: 'RRR_UNKNOWN_SYMBOL' });
  }
  if (timeframe === undefined) return; // the symbol exists, and no timeframe was asked for
  const timeframes = known.filter((s) => s.symbol === symbol).map((s) => s.timeframe);
  throw new UserError(`${symbol} has no ${timeframe} bars in ${store.path}; it has ${timeframes.join(', ')}.${suggestion(timeframe, timeframes, 'timeframes').replace(/ Known.*$/, '')}`, { exitCode: 1, code: 'RRR_UNKNOWN_TIMEFRAME' });
}

export async function removeSeries(store: Store, symbol: string, timeframe: string): Promise<number> {
  await assertSeries(store, symbol, timeframe);
  const removed = await store.transaction(async () => {
    const [count] = await store.rows('SELECT count(*) AS n FROM bars WHERE symbol = ? AND timeframe = ?', [symbol, timeframe]);
    await store.run('DELETE FROM bars WHERE symbol = ? AND timeframe = ?', [symbol, timeframe]);
    await store.run('DELETE FROM series WHERE symbol = ? AND timeframe = ?', [symbol, timeframe]);
    return Number(count.n);
  });
  // Without a checkpoint here DuckDB keeps the deleted blocks until some later write: the file would not
  // shrink after a removal (the freed space at its end is given back only by a checkpoint).
  await store.run('CHECKPOINT');
  return removed;
}
