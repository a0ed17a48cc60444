import { allocateBars, sliceBars, type Bars } from './bars.js';
import { alignBars, type Panel } from './align.js';
import { readBarsFile, type ReadOptions } from './readers.js';
import { assertSeries } from './series.js';
import { isStrictlyIncreasing, permuteBars, timeOrder } from './sort.js';
import { resolveDbPath, Store, withStore } from './store.js';
import { checkDuplicates } from './quality.js';
import { formatTime, parseTimeBound } from './time.js';
import { parseTimeframe } from './timeframe.js';
import { UserError } from '../errors.js';

export interface LoadOptions extends ReadOptions {
  symbol?: string;
  timeframe?: string;
  /** Epoch ms, or a date as the CLI reads it (2018, 2018-06, 2018-06-30, ISO-8601); inclusive, from its start. */
  from?: number | string;
  /** Epoch ms, or a date as the CLI reads it; inclusive: a year, month or day means its end. */
  to?: number | string;
  /** Path of the store (default: RRR_DB or .rrr/rrr.duckdb). */
  db?: string;
  /** An open store, reused instead of opening `db`. */
  store?: Store;
  /** Read this bar file (CSV, Parquet, Arrow IPC) instead of the store. */
  file?: string;
}

// The CLI's reading of a bound, so a date-only `to` (or a year, a month) means its end in a notebook too.
const toMs = (t: number | string | undefined, bound: 'from' | 'to') => (t === undefined ? undefined : parseTimeBound(t, bound));

/**
 * One series of bars, sorted by time: from the store (symbol + timeframe), or straight from a file.
 * Columns are filled from DuckDB's vectors directly, without per-value objects.
 */
export async function loadBars(options: LoadOptions): Promise<Bars> {
  if (options.file !== undefined) return loadFile(options);
  if (options.symbol === undefined || options.timeframe === undefined) {
    throw new UserError('loadBars needs either { file } or { symbol, timeframe }.');
  }
  if (options.store) return loadFromStore(options.store, options);
  return withStore(resolveDbPath(options.db), { readOnly: true }, (store) => loadFromStore(store, options));
}

async function loadFromStore(store: Store, options: LoadOptions): Promise<Bars> {
  const { symbol, timeframe } = options as { symbol: string; timeframe: string };
  const label = parseTimeframe(timeframe).label;
  const from = toMs(options.from, 'from');
  const to = toMs(options.to, 'to');
  let where = 'symbol = ? AND timeframe = ?';
  const params: (string | number)[] = [symbol, label];
  if (from !== undefined) { where += ' AND time >= ?'; params.push(Math.ceil(from)); }
  if (to !== undefined) { where += ' AND time <= ?'; params.push(Math.floor(to)); }
  const read = async (order: string) => {
    let bars: Bars | undefined;
    await store.doubleColumns(
      `SELECT time::DOUBLE, open, high, low, close, coalesce(volume, 'NaN'::DOUBLE) FROM bars WHERE ${where}${order}`,
      params.map((p) => (typeof p === 'number' ? BigInt(p) : p)),
      (n) => {
        bars = allocateBars(n, { symbol, timeframe: label });
        return [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume];
      },
    );
    return bars!;
  };
  // rrr writes each series in time order, so a plain scan (insertion order) is sorted and skips a sort;
  // a table written by anything else falls back to ORDER BY.
  let bars = await read('');
  if (!isStrictlyIncreasing(bars.time)) bars = await read(' ORDER BY time');
  if (bars.length === 0) {
    await assertSeries(store, symbol, label);
    const span = `${from === undefined ? 'the start' : formatTime(from)} to ${to === undefined ? 'the end' : formatTime(to)}`;
    throw new UserError(`${symbol} ${label} has no bars from ${span}: choose --from/--to inside the stored range (see "rrr data list").`, { exitCode: 1, code: 'RRR_EMPTY_RANGE' });
  }
  return bars;
}

async function loadFile(options: LoadOptions): Promise<Bars> {
  const file = options.file!;
  const store = options.store ?? (await Store.scratch());
  try {
    const { bars } = await readBarsFile(store, file, options);
    let sorted = isStrictlyIncreasing(bars.time) ? bars : permuteBars(bars, timeOrder(bars.time));
    const duplicates = checkDuplicates(sorted);
    if (duplicates.count > 0) {
      throw new UserError(`${file} has ${duplicates.count} duplicate timestamps (first at ${duplicates.locations[0].time}): keep one bar per timestamp.`, { exitCode: 1 });
    }
    const from = toMs(options.from, 'from');
    const to = toMs(options.to, 'to');
    if (from !== undefined || to !== undefined) {
      let start = 0;
      let end = sorted.length;
      while (start < end && from !== undefined && sorted.time[start] < from) start++;
      while (end > start && to !== undefined && sorted.time[end - 1] > to) end--;
      if (start === end) throw new UserError(`${file} has no bars in the chosen --from/--to range.`, { exitCode: 1, code: 'RRR_EMPTY_RANGE' });
      sorted = sliceBars(sorted, start, end);
    }
    const symbol = options.symbol ?? file.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
    return { ...sorted, symbol, timeframe: options.timeframe ?? sorted.timeframe };
  } finally {
    if (!options.store) store.close();
  }
}

export interface PanelOptions extends Omit<LoadOptions, 'symbol' | 'file'> {
  symbols: readonly string[];
  timeframe: string;
  align?: 'union' | 'intersection';
}

/** Several series aligned on one time index; bars missing from a series are NaN (see Panel.present). */
export async function loadPanel(options: PanelOptions): Promise<Panel> {
  const load = async (store: Store) => {
    const series: Bars[] = [];
    for (const symbol of options.symbols) series.push(await loadFromStore(store, { ...options, symbol }));
    return alignBars(series, options.align ?? 'union');
  };
  if (options.store) return load(options.store);
  return withStore(resolveDbPath(options.db), { readOnly: true }, load);
}
