/**
 * The in-memory frame of one series of OHLCV bars: columnar, one Float64Array per field.
 * `time` is epoch milliseconds (UTC) of the bar's label. Missing values are NaN.
 */
export interface Bars {
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly length: number;
  readonly symbol?: string;
  readonly timeframe?: string;
}

export const BAR_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;
export type BarField = (typeof BAR_FIELDS)[number];

export interface BarColumns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export function makeBars(columns: BarColumns, meta: { symbol?: string; timeframe?: string } = {}): Bars {
  const length = columns.time.length;
  for (const field of BAR_FIELDS) {
    if (columns[field].length !== length) {
      throw new Error(`Column "${field}" has ${columns[field].length} values but "time" has ${length}.`);
    }
  }
  return { ...columns, length, ...meta };
}

export function allocateBars(length: number, meta: { symbol?: string; timeframe?: string } = {}): Bars {
  // One buffer for all six columns keeps a frame contiguous and cheap to share with workers.
  const buffer = new ArrayBuffer(length * 6 * 8);
  const col = (k: number) => new Float64Array(buffer, k * length * 8, length);
  return makeBars({ time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) }, meta);
}

/** Series one after the other, in one new frame (nothing sorted or merged). */
export function concatBars(parts: readonly Bars[]): Bars {
  const all = allocateBars(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    for (const field of ['time', ...BAR_FIELDS] as const) all[field].set(p[field], offset);
    offset += p.length;
  }
  return all;
}

/** Bars [start, end) as views on the same memory (no copy). */
export function sliceBars(bars: Bars, start: number, end: number): Bars {
  return makeBars(
    {
      time: bars.time.subarray(start, end),
      open: bars.open.subarray(start, end),
      high: bars.high.subarray(start, end),
      low: bars.low.subarray(start, end),
      close: bars.close.subarray(start, end),
      volume: bars.volume.subarray(start, end),
    },
    { symbol: bars.symbol, timeframe: bars.timeframe },
  );
}
