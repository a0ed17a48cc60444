/**
 * Bars in shared memory, so any number of worker threads read one copy: a SharedArrayBuffer crosses to a
 * worker by reference, never copied.
 */
import { BAR_FIELDS, makeBars, type Bars } from '../../data/bars.js';

const COLUMNS = ['time', ...BAR_FIELDS] as const;

/** Where each column of each series lies in shared memory; structured-cloned to workers, its buffers shared. */
export interface SharedBars {
  series: {
    length: number;
    symbol?: string;
    timeframe?: string;
    /** time, open, high, low, close, volume. */
    columns: { buffer: SharedArrayBuffer; byteOffset: number }[];
  }[];
}

function isShared(bars: Bars): boolean {
  return COLUMNS.every((c) => bars[c].buffer instanceof SharedArrayBuffer);
}

function describe(bars: Bars): SharedBars['series'][number] {
  const columns = COLUMNS.map((c) => ({ buffer: bars[c].buffer as SharedArrayBuffer, byteOffset: bars[c].byteOffset }));
  return { length: bars.length, symbol: bars.symbol, timeframe: bars.timeframe, columns };
}

/**
 * The bars' place in shared memory: as they are when already shared, else copied once into one
 * SharedArrayBuffer (six Float64 columns per series, back to back).
 */
export function shareBars(series: readonly Bars[]): SharedBars {
  if (series.every(isShared)) return { series: series.map(describe) };
  const total = series.reduce((sum, b) => sum + b.length * COLUMNS.length, 0);
  const buffer = new SharedArrayBuffer(total * 8);
  let offset = 0;
  const copies = series.map((bars) => {
    const column = (k: number) => {
      const view = new Float64Array(buffer, (offset + k * bars.length) * 8, bars.length);
      view.set(bars[COLUMNS[k]]);
      return view;
    };
    const [time, open, high, low, close, volume] = COLUMNS.map((_, k) => column(k));
    offset += bars.length * COLUMNS.length;
    return makeBars({ time, open, high, low, close, volume }, { symbol: bars.symbol, timeframe: bars.timeframe });
  });
  return { series: copies.map(describe) };
}

/** Views on the shared columns (no copy). */
export function sharedBarsView(shared: SharedBars): Bars[] {
  return shared.series.map(({ length, symbol, timeframe, columns }) => {
    const [time, open, high, low, close, volume] = columns.map(({ buffer, byteOffset }) => new Float64Array(buffer, byteOffset, length));
    return makeBars({ time, open, high, low, close, volume }, { symbol, timeframe });
  });
}

/**
 * The bars in shared memory, copied only when they are not there already. A caller that keeps these and
 * drops its own holds one copy of the data, whatever the number of workers.
 */
export function toSharedBars(series: readonly Bars[]): Bars[] {
  return series.every(isShared) ? [...series] : sharedBarsView(shareBars(series));
}
