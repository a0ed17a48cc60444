/**
 * The report as data: sections of blocks, rendered to one self-contained HTML file by page.ts. Whatever
 * builds a report (a backtest, an optimize study, a walk-forward, a Monte Carlo run) produces sections; the
 * page and its client script know only these block kinds, so a new kind of result needs no new page code.
 */

/** A report: one HTML page. */
export interface ReportDoc {
  title: string;
  /** One line under the title (strategy, symbols, period). */
  subtitle?: string;
  sections: ReportSection[];
  /** Shown at the foot: rrr version, data fingerprint, when written. */
  footer?: string;
}

export interface ReportSection {
  /** Stable anchor id (letters, digits, dashes); section and block ids share the page's one id namespace, so they must all differ. */
  id: string;
  title: string;
  blocks: Block[];
}

export type Block = TextBlock | KeyValueBlock | TableBlock | ChartBlock | HeatmapBlock | HistogramBlock;

/** Plain paragraphs (escaped; no HTML). */
export interface TextBlock {
  kind: 'text';
  paragraphs: string[];
}

/** A two-column table: metrics, settings, statistics with one sentence each. */
export interface KeyValueBlock {
  kind: 'kv';
  title?: string;
  rows: Array<{ key: string; value: string; note?: string }>;
}

export interface TableColumn {
  key: string;
  label: string;
  /** number columns sort numerically and align right. */
  type: 'number' | 'text' | 'time';
  /** Decimal places shown for numbers (the value kept for sorting is exact). */
  digits?: number;
}

/** A table with every row (never downsampled); sortable by clicking a header, filterable by text. */
export interface TableBlock {
  kind: 'table';
  id: string;
  title?: string;
  columns: TableColumn[];
  rows: Array<Array<number | string | null>>;
  sortable?: boolean;
  filterable?: boolean;
}

export interface ChartSeries {
  label: string;
  /** One value per x; NaN/null = gap. */
  values: ArrayLike<number>;
  /** CSS colour; the page picks one when absent. */
  color?: string;
  /** line (default), area (filled to zero, e.g. underwater drawdown), step. */
  style?: 'line' | 'area' | 'step';
  /** Band series drawn between two other series' labels (e.g. Monte Carlo percentile fans). */
  band?: { lower: string; upper: string };
  /** Second y axis (e.g. weights beside equity). */
  axis?: 'left' | 'right';
}

export interface ChartMarker {
  /** Index into x. */
  at: number;
  price: number;
  kind: 'entry-long' | 'entry-short' | 'exit';
  label?: string;
}

/**
 * A zoomable chart over x (epoch ms when xIsTime, else plain numbers). The page downsamples what it draws
 * per pixel bucket; ohlc, when given, is drawn as candles once the visible range is narrow enough.
 */
export interface ChartBlock {
  kind: 'chart';
  id: string;
  title: string;
  x: ArrayLike<number>;
  xIsTime: boolean;
  series: ChartSeries[];
  ohlc?: { open: ArrayLike<number>; high: ArrayLike<number>; low: ArrayLike<number>; close: ArrayLike<number> };
  markers?: ChartMarker[];
  yLabel?: string;
  /** Percent axis: values are fractions shown as %. */
  percent?: boolean;
  logScale?: boolean;
}

/** Values over a two-parameter grid (x columns, y rows); null = not run or pruned. */
export interface HeatmapBlock {
  kind: 'heatmap';
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  x: Array<number | string>;
  y: Array<number | string>;
  z: Array<Array<number | null>>;
  valueLabel: string;
  /** Higher is better (green) unless false. */
  higherIsBetter?: boolean;
  percent?: boolean;
}

/** A distribution as bins; the page draws bars and optional vertical reference lines. */
export interface HistogramBlock {
  kind: 'histogram';
  id: string;
  title: string;
  /** Bin edges (length = counts.length + 1). */
  edges: ArrayLike<number>;
  counts: ArrayLike<number>;
  xLabel: string;
  percent?: boolean;
  /** Reference lines, e.g. the actual backtest's value, VaR levels. */
  lines?: Array<{ at: number; label: string }>;
}
