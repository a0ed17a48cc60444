/**
 * Chart data as embedded in the page: typed arrays in base64 (x as float64, drawn values as float32: 7
 * significant digits, far below a pixel), each chart cut to the finest level that fits the size budget.
 * Tables are embedded whole elsewhere; only what is drawn is downsampled here.
 */
import type { ChartBlock, HistogramBlock, TableBlock } from './types.js';
import { aggregateOhlc, minMaxIndices } from './downsample.js';

/**
 * Buckets per chart in the embedded level: a chart with more bars than twice this keeps each bucket's
 * extremes (and merged candles), so a 1,000,000-bar run's report stays under 5 MB (bench/report.bench.ts). The page re-samples the
 * embedded level to the pixel width of whatever range is in view.
 */
export const EMBED_BUCKETS = 8_000;

export interface EmbeddedChart {
  kind: 'chart';
  id: string;
  title: string;
  xIsTime: boolean;
  yLabel?: string;
  percent?: boolean;
  logScale?: boolean;
  /** Bars in the chart, and bars per embedded candle (1 = full resolution). */
  bars: number;
  barsPerCandle: number;
  /** Points embedded per series (= bars when nothing was dropped). */
  kept: number;
  x: string;
  series: Array<{ label: string; color?: string; style?: string; axis?: string; band?: { lower: string; upper: string }; values: string }>;
  ohlc?: { x: string; open: string; high: string; low: string; close: string };
  markers?: { x: string; price: string; kind: string; labels?: string[] };
}

export interface EmbeddedHistogram {
  kind: 'histogram';
  id: string;
  title: string;
  xLabel: string;
  percent?: boolean;
  edges: string;
  counts: string;
  lines?: Array<{ at: number; label: string }>;
}

export function base64Of(values: ArrayLike<number>, type: 'f64' | 'f32' | 'i32' | 'u16'): string {
  const typed = type === 'f64' ? Float64Array.from(values) : type === 'f32' ? Float32Array.from(values) : type === 'i32' ? Int32Array.from(values) : Uint16Array.from(values);
  return Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength).toString('base64');
}

function pick(values: ArrayLike<number>, indices: Int32Array | null): ArrayLike<number> {
  if (indices === null) return values;
  const out = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]];
  return out;
}

const MARKER_CODE = { 'entry-long': 'L', 'entry-short': 'S', exit: 'X' } as const;

export function embedChart(block: ChartBlock, buckets = EMBED_BUCKETS): EmbeddedChart {
  const n = block.x.length;
  for (const s of block.series) {
    if (s.values.length !== n) throw new RangeError(`Chart ${block.id}: series "${s.label}" has ${s.values.length} values for ${n} x values.`);
  }
  const whole = n <= 2 * buckets;
  const drawn = block.series.map((s) => s.values);
  if (block.ohlc) drawn.push(block.ohlc.high, block.ohlc.low);
  const indices = whole ? null : minMaxIndices(drawn, 0, n, buckets);
  const embedded: EmbeddedChart = {
    kind: 'chart',
    id: block.id,
    title: block.title,
    xIsTime: block.xIsTime,
    ...(block.yLabel === undefined ? {} : { yLabel: block.yLabel }),
    ...(block.percent ? { percent: true } : {}),
    ...(block.logScale ? { logScale: true } : {}),
    bars: n,
    barsPerCandle: whole ? 1 : n / buckets,
    kept: indices === null ? n : indices.length,
    x: base64Of(pick(block.x, indices), 'f64'),
    series: block.series.map((s) => ({
      label: s.label,
      ...(s.color === undefined ? {} : { color: s.color }),
      ...(s.style === undefined ? {} : { style: s.style }),
      ...(s.axis === undefined ? {} : { axis: s.axis }),
      ...(s.band === undefined ? {} : { band: s.band }),
      values: base64Of(pick(s.values, indices), 'f32'),
    })),
  };
  if (block.ohlc) {
    const { open, high, low, close } = block.ohlc;
    const candles = aggregateOhlc(block.x, open, high, low, close, 0, n, whole ? n : buckets);
    embedded.ohlc = {
      x: base64Of(candles.x, 'f64'),
      open: base64Of(candles.open, 'f32'),
      high: base64Of(candles.high, 'f32'),
      low: base64Of(candles.low, 'f32'),
      close: base64Of(candles.close, 'f32'),
    };
  }
  if (block.markers && block.markers.length > 0) {
    const markers = block.markers.filter((m) => m.at >= 0 && m.at < n);
    embedded.markers = {
      x: base64Of(markers.map((m) => block.x[m.at]), 'f64'),
      price: base64Of(markers.map((m) => m.price), 'f32'),
      kind: markers.map((m) => MARKER_CODE[m.kind]).join(''),
      ...(markers.some((m) => m.label !== undefined) ? { labels: markers.map((m) => m.label ?? '') } : {}),
    };
  }
  return embedded;
}

export function embedHistogram(block: HistogramBlock): EmbeddedHistogram {
  if (block.edges.length !== block.counts.length + 1) {
    throw new RangeError(`Histogram ${block.id}: ${block.edges.length} edges for ${block.counts.length} bins (need bins + 1).`);
  }
  return {
    kind: 'histogram',
    id: block.id,
    title: block.title,
    xLabel: block.xLabel,
    ...(block.percent ? { percent: true } : {}),
    edges: base64Of(block.edges, 'f64'),
    counts: base64Of(block.counts, 'f64'),
    ...(block.lines === undefined ? {} : { lines: block.lines }),
  };
}

/**
 * A table column as embedded: exact numbers as float64 (or int32 when all are integers that fit), null as NaN
 * where the column shows null and NaN alike (time); repeated text as a dictionary; anything else as JSON.
 */
export type EmbeddedColumn = { f64: string } | { i32: string } | { dict: string[]; codes: string } | { json: Array<number | string | null> };

export interface EmbeddedTable {
  kind: 'table';
  id: string;
  columns: TableBlock['columns'];
  rowCount: number;
  data: EmbeddedColumn[];
  sortable: boolean;
  filterable: boolean;
}

function embedColumn(values: Array<number | string | null>, type: 'number' | 'text' | 'time'): EmbeddedColumn {
  const numeric = values.every((v) => typeof v === 'number' || (v === null && type === 'time'));
  if (numeric && values.length > 0) {
    const numbers = values.map((v) => (v === null ? NaN : (v as number)));
    if (numbers.every((v) => Number.isInteger(v) && Math.abs(v) < 2 ** 31)) return { i32: base64Of(numbers, 'i32') };
    return { f64: base64Of(numbers, 'f64') };
  }
  if (values.every((v) => typeof v === 'string')) {
    const dict = [...new Set(values as string[])];
    if (dict.length <= 65_535 && dict.length * 4 < values.length) {
      const index = new Map(dict.map((d, k) => [d, k]));
      return { dict, codes: base64Of(values.map((v) => index.get(v as string)!), 'u16') };
    }
  }
  return { json: values };
}

/** Every row (a table is never downsampled), stored by column. */
export function embedTable(block: TableBlock): EmbeddedTable {
  const width = block.columns.length;
  for (const [r, row] of block.rows.entries()) {
    if (row.length !== width) throw new RangeError(`Table ${block.id}: row ${r} has ${row.length} cells for ${width} columns.`);
  }
  return {
    kind: 'table',
    id: block.id,
    columns: block.columns,
    rowCount: block.rows.length,
    data: block.columns.map((c, k) => embedColumn(block.rows.map((row) => row[k]), c.type)),
    sortable: block.sortable !== false,
    filterable: block.filterable !== false,
  };
}
