import type { Bars } from './bars.js';
import { checkDuplicates, checkNanPrices, checkNonPositivePrices, checkOhlc, validateBars, type QualityCheck, type QualityReport } from './quality.js';
import { readBarsFile, type ReadOptions } from './readers.js';
import { permuteBars, timeOrder } from './sort.js';
import { formatTime } from './time.js';
import { formatSpan, modeSpacing, parseTimeframe, type Timeframe } from './timeframe.js';
import { loadBars } from './load.js';
import type { Store } from './store.js';
import { summarizeQuality } from './series.js';
import { UserError } from '../errors.js';

export interface ImportOptions extends ReadOptions {
  symbol: string;
  timeframe: string;
  /** Store bars that break OHLC invariants or have non-positive prices instead of refusing the file. */
  keepInvalid?: boolean;
}

export interface ImportedFile {
  file: string;
  rows: number;
}

export interface ImportResult extends UpsertResult {
  symbol: string;
  timeframe: string;
  files: ImportedFile[];
}

const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

export function assertSymbol(symbol: string): void {
  if (!SYMBOL.test(symbol)) {
    throw new UserError(`Symbol "${symbol}" is not valid: use letters, digits and . _ : / - (e.g. BTC-USD, AAPL, EUR/USD), at most 64 characters.`);
  }
}

/**
 * Imports bar files into one series of the store. All files are read and checked first and then written
 * in one transaction, so a failing file stores nothing. Overlapping bars are upserted: imported values win.
 */
export async function importBars(store: Store, files: readonly string[], options: ImportOptions): Promise<ImportResult> {
  assertSymbol(options.symbol);
  const timeframe = parseTimeframe(options.timeframe);
  const parts: Bars[] = [];
  const imported: ImportedFile[] = [];
  for (const file of files) {
    const { bars, rows } = await readBarsFile(store, file, options);
    const order = timeOrder(bars.time);
    const sorted = permuteBars(bars, order);
    const rowOf = (sortedIndex: number) => rows[order[sortedIndex]];
    refuse(checkDuplicates(sorted), file, rowOf, 'duplicate timestamps', 'keep one bar per timestamp');
    assertSpacing(sorted, timeframe, file);
    if (!options.keepInvalid) {
      refuse(checkNanPrices(sorted), file, rowOf, 'missing (NaN) prices', 'fill or drop those rows');
      refuse(checkNonPositivePrices(sorted), file, rowOf, 'non-positive prices', 'fix those rows, or pass --keep-invalid to store them anyway');
      refuse(checkOhlc(sorted), file, rowOf, 'bars breaking OHLC invariants (high >= max(open, close) >= min(open, close) >= low)', 'fix those rows, or pass --keep-invalid to store them anyway');
    }
    parts.push(sorted);
    imported.push({ file, rows: sorted.length });
  }
  const stored = await upsertSeries(store, options.symbol, timeframe, parts);
  return { symbol: options.symbol, timeframe: timeframe.label, files: imported, ...stored };
}

export interface UpsertResult {
  added: number;
  replaced: number;
  total: number;
  quality: QualityReport;
}

/**
 * Writes sorted bars into one series in a single transaction: existing bars at the same times take the
 * new values, later parts win over earlier ones, and the series' row counts and quality are refreshed.
 */
export async function upsertSeries(store: Store, symbol: string, timeframe: Timeframe, parts: readonly Bars[]): Promise<UpsertResult> {
  return store.transaction(async () => {
    const staged = `rrr_incoming_${process.pid}`;
    await store.run(`CREATE OR REPLACE TEMP TABLE ${staged} (time BIGINT, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE)`);
    try {
      await appendBars(store, staged, parts);
      const dedup = `SELECT time, arg_max(open, rowid) AS open, arg_max(high, rowid) AS high, arg_max(low, rowid) AS low, arg_max(close, rowid) AS close, arg_max(volume, rowid) AS volume FROM ${staged} GROUP BY time`;
      const [counts] = await store.rows(
        `SELECT count(*) AS incoming, count(b.time) AS replaced, min(i.time) AS first_incoming, (SELECT max(time) FROM bars WHERE symbol = ? AND timeframe = ?) AS last_stored FROM (${dedup}) i LEFT JOIN bars b ON b.symbol = ? AND b.timeframe = ? AND b.time = i.time`,
        [symbol, timeframe.label, symbol, timeframe.label],
      );
      // Bars are kept in time order on disk, so loading needs no sort: an append goes at the end, anything
      // else rewrites the series in order.
      const appendOnly = counts.last_stored === null || Number(counts.first_incoming) > Number(counts.last_stored);
      if (appendOnly) {
        await store.run(`INSERT INTO bars SELECT ?, ?, time, open, high, low, close, volume FROM (${dedup}) ORDER BY time`, [symbol, timeframe.label]);
      } else {
        const merged = `${staged}_merged`;
        await store.run(
          `CREATE OR REPLACE TEMP TABLE ${merged} AS SELECT time, open, high, low, close, volume FROM bars WHERE symbol = ? AND timeframe = ? AND time NOT IN (SELECT time FROM ${staged}) UNION ALL SELECT * FROM (${dedup})`,
          [symbol, timeframe.label],
        );
        await store.run('DELETE FROM bars WHERE symbol = ? AND timeframe = ?', [symbol, timeframe.label]);
        await store.run(`INSERT INTO bars SELECT ?, ?, time, open, high, low, close, volume FROM ${merged} ORDER BY time`, [symbol, timeframe.label]);
        await store.run(`DROP TABLE ${merged}`);
      }
      const series = await loadBars({ store, symbol, timeframe: timeframe.label });
      const quality = validateBars(series, timeframe);
      await store.run(
        `INSERT OR REPLACE INTO series (symbol, timeframe, rows, first_time, last_time, quality, updated_at) VALUES (?, ?, ?, ?, ?, ?, current_timestamp)`,
        [symbol, timeframe.label, series.length, series.time[0], series.time[series.length - 1], JSON.stringify(summarizeQuality(quality))],
      );
      const incoming = Number(counts.incoming);
      const replaced = Number(counts.replaced);
      return { added: incoming - replaced, replaced, total: series.length, quality };
    } finally {
      await store.run(`DROP TABLE IF EXISTS ${staged}`);
    }
  });
}

function refuse(check: QualityCheck, file: string, rowOf: (i: number) => number, what: string, fix: string): void {
  if (check.count === 0) return;
  const where = check.locations
    .slice(0, 3)
    .map((l) => `row ${rowOf(l.row)} (${formatTime(Date.parse(l.time))})`)
    .join(', ');
  throw new UserError(`${file} has ${check.count} ${what}, at ${where}${check.count > 3 ? ' and more' : ''}; nothing was imported: ${fix}.`, { exitCode: 1, code: 'RRR_BAD_DATA' });
}

/**
 * The most common spacing between bars must be the timeframe (a calendar month for `mo`), so a 1m file
 * is never stored as 1h bars by a slip of the flag.
 */
export function assertSpacing(bars: Bars, timeframe: Timeframe, file: string): void {
  if (bars.length < 2) return;
  const mode = modeSpacing(bars.time);
  const ok = timeframe.unit === 'mo' ? mode >= 28 * 86_400_000 * timeframe.count && mode <= 31 * 86_400_000 * timeframe.count : mode === timeframe.ms;
  if (!ok) {
    throw new UserError(`${file} has bars every ${formatSpan(mode)} (its most common spacing), which contradicts --timeframe ${timeframe.label}: pass --timeframe ${formatSpan(mode)}, or resample the data.`, { exitCode: 1, code: 'RRR_TIMEFRAME_MISMATCH' });
  }
}

async function appendBars(store: Store, table: string, parts: readonly Bars[]): Promise<void> {
  const appender = await store.connection.createAppender(table, 'main', 'temp');
  for (const bars of parts) {
    for (let i = 0; i < bars.length; i++) {
      appender.appendBigInt(BigInt(bars.time[i]));
      appender.appendDouble(bars.open[i]);
      appender.appendDouble(bars.high[i]);
      appender.appendDouble(bars.low[i]);
      appender.appendDouble(bars.close[i]);
      if (Number.isNaN(bars.volume[i])) appender.appendNull();
      else appender.appendDouble(bars.volume[i]);
      appender.endRow();
    }
  }
  appender.closeSync();
}

