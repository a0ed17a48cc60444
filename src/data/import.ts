import { allocateBars, concatBars, sliceBars, type Bars } from './bars.js';
import { checkDuplicates, checkNanPrices, checkNonPositivePrices, checkOhlc, checkVolume, validateBars, type QualityCheck, type QualityReport } from './quality.js';
import { readBarsFile, streamDoubles, type ReadOptions } from './readers.js';
import { isStrictlyIncreasing, permuteBars, timeOrder } from './sort.js';
import { formatTime } from './time.js';
import { formatSpan, modeSpacing, parseTimeframe, type Timeframe } from './timeframe.js';
import { loadBars } from './load.js';
import { Store } from './store.js';
import { storeQueryError } from './store-errors.js';
import { duckdb } from './duckdb-module.js';
import { summarizeQuality } from './series.js';
import { UserError } from '../errors.js';

export interface ImportOptions extends ReadOptions {
  symbol: string;
  timeframe: string;
  /**
   * Store bars that break OHLC invariants, have non-positive prices or negative volume instead of refusing
   * the file. NaN or infinite prices (and infinite volume) are never stored.
   */
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

/** Files read and checked (see readImportFiles), ready for writeImport. */
export interface PreparedImport {
  symbol: string;
  timeframe: Timeframe;
  files: ImportedFile[];
  /** Every file's bars in time order, one bar per time (a later file wins). */
  bars: Bars;
}

const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

export function assertSymbol(symbol: string, flag = '--symbol'): void {
  if (!SYMBOL.test(symbol)) {
    throw new UserError(`${flag} "${symbol}" is not a valid symbol: use letters, digits and . _ : / - (e.g. BTC-USD, AAPL, EUR/USD), starting with a letter or digit, at most 64 characters.`);
  }
}

/**
 * Imports bar files into one series of the store. All files are read and checked first (in an in-memory
 * DuckDB of their own) and then written in one transaction, so a failing file stores nothing. Overlapping
 * bars are upserted: imported values win.
 */
export async function importBars(store: Store, files: readonly string[], options: ImportOptions): Promise<ImportResult> {
  return writeImport(store, await readImportFiles(files, options));
}

/**
 * Step one of an import, before any store is opened: reads every file in an in-memory DuckDB, sorts it,
 * and refuses the import with the file, rows and times of the first problems: duplicate times, spacing that
 * contradicts the timeframe, NaN or infinite prices or volume, and (unless keepInvalid) non-positive
 * prices, OHLC violations and negative volume.
 */
export async function readImportFiles(files: readonly string[], options: ImportOptions): Promise<PreparedImport> {
  assertSymbol(options.symbol);
  const timeframe = parseTimeframe(options.timeframe);
  const parts: Bars[] = [];
  const imported: ImportedFile[] = [];
  const scratch = await Store.scratch();
  try {
    for (const file of files) {
      const { bars } = await readBarsFile(scratch, file, options);
      const order = timeOrder(bars.time);
      const sorted = isIdentity(order) ? bars : permuteBars(bars, order);
      const rowOf = (sortedIndex: number) => order[sortedIndex] + 1;
      refuse(checkDuplicates(sorted), file, rowOf, 'duplicate timestamps', 'keep one bar per timestamp');
      assertSpacing(sorted, timeframe, file);
      const volume = checkVolume(sorted);
      refuse(checkNanPrices(sorted), file, rowOf, 'NaN or infinite prices', 'fix or drop those rows (--keep-invalid never stores them)');
      refuse(volume.infinite, file, rowOf, 'infinite volumes', 'fix those rows, or leave the volume empty (--keep-invalid never stores them)');
      if (!options.keepInvalid) {
        const keep = 'fix those rows, or pass --keep-invalid to store them anyway';
        refuse(checkNonPositivePrices(sorted), file, rowOf, 'non-positive prices', keep);
        refuse(checkOhlc(sorted), file, rowOf, 'bars breaking OHLC invariants (high >= max(open, close) >= min(open, close) >= low)', keep);
        refuse(volume.negative, file, rowOf, 'negative volumes', keep);
      }
      parts.push(sorted);
      imported.push({ file, rows: sorted.length });
    }
  } finally {
    scratch.close();
  }
  return { symbol: options.symbol, timeframe, files: imported, bars: mergeParts(parts) };
}

/** Step two: writes what readImportFiles read into the store, in one transaction. */
export async function writeImport(store: Store, prepared: PreparedImport): Promise<ImportResult> {
  const stored = await upsertSeries(store, prepared.symbol, prepared.timeframe, [prepared.bars]);
  return { symbol: prepared.symbol, timeframe: prepared.timeframe.label, files: prepared.files, ...stored };
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
 *
 * Bars stay in time order on disk, so loading needs no sort: bars after the stored ones are appended;
 * otherwise the stored bars from the first incoming time on are deleted and written again, merged with the
 * incoming ones. Nothing is staged in a second table, and the series is re-read for its quality report only
 * when it holds bars from before the import. With `replace`, the series' stored bars are deleted first.
 */
export async function upsertSeries(store: Store, symbol: string, timeframe: Timeframe, parts: readonly Bars[], options: { replace?: boolean } = {}): Promise<UpsertResult> {
  store.assertWritable('Importing bars');
  const incoming = mergeParts(parts);
  if (incoming.length === 0) throw new RangeError(`No bars to store for ${symbol} ${timeframe.label}.`);
  const key = [symbol, timeframe.label];
  return store.transaction(async () => {
    // replace: the series becomes exactly these bars (in the same transaction, so a failure keeps the old).
    if (options.replace) await store.run('DELETE FROM bars WHERE symbol = ? AND timeframe = ?', key);
    const [before] = await store.rows('SELECT count(*)::DOUBLE AS n, max(time)::DOUBLE AS last FROM bars WHERE symbol = ? AND timeframe = ?', key);
    const storedRows = Number(before.n);
    let replaced = 0;
    let kept = 0;
    let runs: Bars[] = [incoming];
    const appendOnly = storedRows === 0 || incoming.time[0] > Number(before.last);
    const from = incoming.time[0];
    if (!appendOnly) {
      // Times first (an eighth of the bars): when every stored bar from `from` on is replaced, their values
      // are never read.
      const times = await storedTimes(store, key, from);
      replaced = countCommon(times, incoming.time);
      kept = times.length - replaced;
      if (kept > 0) runs = mergeInto(await storedBars(store, key, from), incoming).runs;
    }
    const total = storedRows + incoming.length - replaced;
    // When nothing stored survives beside them, the incoming bars are the whole series: checked before
    // writing, so the check's scratch memory is not needed while DuckDB holds the new rows and their index.
    const alone = storedRows === replaced;
    let quality = alone ? validateBars({ ...incoming, symbol }, timeframe) : undefined;
    if (!appendOnly) await store.run('DELETE FROM bars WHERE symbol = ? AND timeframe = ? AND time >= ?', [...key, BigInt(from)]);
    await appendBars(store, symbol, timeframe.label, runs);
    const series = alone ? incoming : await loadBars({ store, symbol, timeframe: timeframe.label });
    if (series.length !== total) throw new Error(`Stored ${series.length} bars of ${symbol} ${timeframe.label}, expected ${total} (${kept} kept).`);
    quality ??= validateBars({ ...series, symbol }, timeframe);
    await store.run(
      `INSERT OR REPLACE INTO series (symbol, timeframe, rows, first_time, last_time, quality, updated_at) VALUES (?, ?, ?, ?, ?, ?, current_timestamp)`,
      [...key, total, series.time[0], series.time[total - 1], JSON.stringify(summarizeQuality(quality))],
    );
    return { added: incoming.length - replaced, replaced, total, quality };
  });
}

function isIdentity(order: Uint32Array): boolean {
  for (let i = 0; i < order.length; i++) if (order[i] !== i) return false;
  return true;
}

/**
 * One sorted series from sorted parts, one bar per time: at equal times the later bar (later part, or
 * later row of a part) wins. A single part without duplicates is returned as is.
 */
function mergeParts(parts: readonly Bars[]): Bars {
  for (const bars of parts) {
    for (let i = 0; i < bars.length; i++) {
      const t = bars.time[i];
      if (!Number.isInteger(t)) throw new RangeError(`Bar times must be whole epoch milliseconds; got ${t} at index ${i}.`);
      if (i > 0 && t < bars.time[i - 1]) throw new RangeError(`Bars to store must be sorted by time; index ${i} (${formatTime(t)}) comes before the bar above it.`);
    }
  }
  if (parts.length === 1 && checkDuplicates(parts[0], 0).count === 0) return parts[0];
  const all = concatBars(parts);
  const n = all.length;
  const order = timeOrder(all.time);
  // A stable sort keeps equal times in input order: the last of each run wins.
  const lastOfRun = (k: number) => k === n - 1 || all.time[order[k + 1]] !== all.time[order[k]];
  let unique = 0;
  for (let k = 0; k < n; k++) if (lastOfRun(k)) unique++;
  const rows = new Uint32Array(unique);
  let j = 0;
  for (let k = 0; k < n; k++) if (lastOfRun(k)) rows[j++] = order[k];
  return permuteBars(all, rows);
}

/** How many values two sorted, duplicate-free arrays share. */
function countCommon(a: Float64Array, b: Float64Array): number {
  let common = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) { common++; i++; j++; }
    else if (a[i] < b[j]) i++;
    else j++;
  }
  return common;
}

async function storedTimes(store: Store, key: string[], from: number): Promise<Float64Array> {
  const [{ n }] = await store.rows('SELECT count(*)::DOUBLE AS n FROM bars WHERE symbol = ? AND timeframe = ? AND time >= ?', [...key, BigInt(from)]);
  const times = new Float64Array(Number(n));
  // rrr keeps each series in time order, so a plain scan is sorted and DuckDB needs no sort memory.
  await streamDoubles(store, `SELECT time::DOUBLE FROM bars WHERE symbol = ? AND timeframe = ? AND time >= ${BigInt(from)}`, [times], key);
  return isStrictlyIncreasing(times) ? times : times.sort();
}

/** The stored bars of a series from `from` on, in time order. */
async function storedBars(store: Store, key: string[], from: number): Promise<Bars> {
  const [{ n }] = await store.rows('SELECT count(*)::DOUBLE AS n FROM bars WHERE symbol = ? AND timeframe = ? AND time >= ?', [...key, BigInt(from)]);
  const bars = allocateBars(Number(n));
  await streamDoubles(
    store,
    `SELECT time::DOUBLE, open, high, low, close, coalesce(volume, 'NaN'::DOUBLE) FROM bars WHERE symbol = ? AND timeframe = ? AND time >= ${BigInt(from)} ORDER BY time`,
    [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume],
    key,
  );
  return bars;
}

/**
 * Stored and incoming bars (both sorted, unique) as consecutive runs in time order, incoming winning at
 * equal times, without copying either: each run is a view on one of them.
 */
function mergeInto(stored: Bars, incoming: Bars): { runs: Bars[] } {
  const runs: Bars[] = [];
  let i = 0;
  let j = 0;
  while (i < stored.length || j < incoming.length) {
    if (j < incoming.length && (i >= stored.length || incoming.time[j] <= stored.time[i])) {
      const start = j;
      while (j < incoming.length && (i >= stored.length || incoming.time[j] <= stored.time[i])) {
        if (i < stored.length && incoming.time[j] === stored.time[i]) i++;
        j++;
      }
      runs.push(sliceBars(incoming, start, j));
    } else {
      const start = i;
      while (i < stored.length && (j >= incoming.length || stored.time[i] < incoming.time[j])) i++;
      runs.push(sliceBars(stored, start, i));
    }
  }
  return { runs };
}

/**
 * Appends bars to the `bars` table through DuckDB data chunks: each column is copied a vector at a time
 * (the time as int64 bits, NaN volume as NULL), with no value boxed on the way.
 */
async function appendBars(store: Store, symbol: string, timeframe: string, runs: readonly Bars[]): Promise<void> {
  const { DuckDBDataChunk, VARCHAR, BIGINT, DOUBLE } = duckdb();
  const SIZE = 2048;
  let appender;
  try {
    appender = await store.connection.createAppender('bars');
    let chunk = DuckDBDataChunk.create([VARCHAR, VARCHAR, BIGINT, DOUBLE, DOUBLE, DOUBLE, DOUBLE, DOUBLE], SIZE);
    let labelled = -1;
    let volumeHasNulls = false;
    for (const bars of runs) {
      for (let offset = 0; offset < bars.length; offset += SIZE) {
        const m = Math.min(SIZE, bars.length - offset);
        if (m !== chunk.rowCount) {
          chunk = DuckDBDataChunk.create([VARCHAR, VARCHAR, BIGINT, DOUBLE, DOUBLE, DOUBLE, DOUBLE, DOUBLE], m);
          labelled = -1;
          volumeHasNulls = false;
        }
        // The symbol and timeframe vectors keep their values from chunk to chunk: set them once per chunk.
        if (labelled !== m) {
          chunk.setColumnValues(0, new Array<string>(m).fill(symbol));
          chunk.setColumnValues(1, new Array<string>(m).fill(timeframe));
          labelled = m;
        }
        writeTimes(chunk.getColumnVector(2), bars.time, offset, m);
        const fields = [bars.open, bars.high, bars.low, bars.close] as const;
        for (let k = 0; k < 4; k++) {
          const vector = chunk.getColumnVector(3 + k) as unknown as { items: Float64Array; flush(): void };
          vector.items.set(fields[k].subarray(offset, offset + m));
          vector.flush();
        }
        const volume = chunk.getColumnVector(7) as unknown as { items: Float64Array; setItem(i: number, v: number | null): void; flush(): void };
        const values = bars.volume.subarray(offset, offset + m);
        let nulls = false;
        for (let i = 0; i < m; i++) if (values[i] !== values[i]) { nulls = true; break; }
        if (nulls || volumeHasNulls) {
          for (let i = 0; i < m; i++) volume.setItem(i, values[i] !== values[i] ? null : values[i]);
          volumeHasNulls = nulls;
        } else {
          volume.items.set(values);
        }
        volume.flush();
        appender.appendDataChunk(chunk);
      }
    }
    appender.closeSync();
  } catch (error) {
    throw storeQueryError(store.path, error);
  }
}

const TWO_32 = 4_294_967_296;

/** Whole epoch ms (|t| < 2^53) into a BIGINT vector, written as two 32-bit halves: no BigInt per value. */
function writeTimes(vector: unknown, time: Float64Array, offset: number, m: number): void {
  const v = vector as { items: BigInt64Array; flush(): void };
  const low = new Uint32Array(v.items.buffer, v.items.byteOffset, m * 2);
  const high = new Int32Array(v.items.buffer, v.items.byteOffset, m * 2);
  // Little-endian int64: the low word first (x64 and arm64, the platforms DuckDB's Node package ships for).
  for (let i = 0; i < m; i++) {
    const t = time[offset + i];
    low[2 * i] = t >>> 0;
    high[2 * i + 1] = Math.floor(t / TWO_32);
  }
  v.flush();
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
