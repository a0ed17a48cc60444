/**
 * What the backtest report shows beyond the metrics: drawdown periods, calendar returns, rolling Sharpe,
 * bins of trade returns, per-asset P&L and weights. Pure functions over the run's columns.
 */

/** Equity over its running peak, minus 1 (0 at a new high, -0.2 twenty percent under it). */
export function underwater(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = -Infinity;
  for (let i = 0; i < equity.length; i++) {
    if (equity[i] > peak) peak = equity[i];
    out[i] = peak > 0 ? equity[i] / peak - 1 : 0;
  }
  return out;
}

export interface DrawdownPeriod {
  /** Bar of the peak the fall started from. */
  start: number;
  /** Bar of the lowest equity before recovery. */
  trough: number;
  /** First bar back at or above the peak; null when never regained. */
  recovery: number | null;
  /** trough / peak - 1 (negative). */
  depth: number;
  /** Bars from the peak to the recovery (or to the last bar). */
  bars: number;
}

/** Every drawdown episode (peak -> trough -> recovery), deepest first; ties by earlier start. */
export function drawdownPeriods(equity: ArrayLike<number>): DrawdownPeriod[] {
  const periods: DrawdownPeriod[] = [];
  const n = equity.length;
  let peakBar = 0;
  let current: DrawdownPeriod | null = null;
  for (let i = 1; i < n; i++) {
    const peak = equity[peakBar];
    if (equity[i] >= peak) {
      if (current) {
        current.recovery = i;
        current.bars = i - current.start;
        periods.push(current);
        current = null;
      }
      peakBar = i;
      continue;
    }
    const depth = equity[i] / peak - 1;
    if (!current) current = { start: peakBar, trough: i, recovery: null, depth, bars: 0 };
    else if (depth < current.depth) {
      current.trough = i;
      current.depth = depth;
    }
  }
  if (current) {
    current.bars = n - 1 - current.start;
    periods.push(current);
  }
  return periods.sort((a, b) => a.depth - b.depth || a.start - b.start);
}

export interface PeriodReturn {
  /** "2021-03" for a month, "2021" for a year. */
  period: string;
  year: number;
  /** 1..12 for a month, 0 for a year. */
  month: number;
  /** Equity at the period's last bar over equity at the previous period's last bar (the start value for the first), minus 1. */
  value: number;
}

/**
 * Returns per calendar month (UTC) or year from the equity at each period's last bar; the first period is
 * measured from `start` (the starting cash), so the periods compound to the whole run's return.
 */
export function calendarReturns(time: ArrayLike<number>, equity: ArrayLike<number>, start: number, by: 'month' | 'year'): PeriodReturn[] {
  const out: PeriodReturn[] = [];
  let base = start;
  // A Date is made only when a bar crosses into a new period, not for each of a million bars.
  let end = -Infinity;
  let year = 0;
  let month = 0;
  for (let i = 0; i < time.length; i++) {
    if (time[i] >= end) {
      const d = new Date(time[i]);
      year = d.getUTCFullYear();
      month = by === 'month' ? d.getUTCMonth() + 1 : 0;
      end = by === 'month' ? Date.UTC(year, month, 1) : Date.UTC(year + 1, 0, 1);
    }
    if (i + 1 < time.length && time[i + 1] < end) continue;
    out.push({ period: by === 'month' ? `${year}-${String(month).padStart(2, '0')}` : String(year), year, month, value: equity[i] / base - 1 });
    base = equity[i];
  }
  return out;
}

/**
 * Annualized Sharpe of the per-bar returns in a trailing window of `window` returns, as computeMetrics defines
 * it (mean excess return over the sample standard deviation, times sqrt(periodsPerYear)); NaN until the window
 * is full and where the window is flat.
 */
export function rollingSharpe(equity: ArrayLike<number>, window: number, periodsPerYear: number, riskFreeRate = 0): Float64Array {
  const n = equity.length;
  const out = new Float64Array(n).fill(NaN);
  if (window < 2) return out;
  const rf = riskFreeRate === 0 ? 0 : Math.pow(1 + riskFreeRate, 1 / periodsPerYear) - 1;
  const scale = Math.sqrt(periodsPerYear);
  const r = new Float64Array(n);
  for (let i = 1; i < n; i++) r[i] = equity[i] / equity[i - 1] - 1;
  // Sums are recomputed from scratch every `window` bars so rounding cannot build up over a long run.
  let sum = 0;
  let sq = 0;
  for (let i = 1; i < n; i++) {
    if ((i - 1) % window === 0 && i - 1 >= window) {
      sum = 0;
      sq = 0;
      for (let k = i - window + 1; k < i; k++) {
        sum += r[k];
        sq += r[k] * r[k];
      }
    } else if (i - window >= 1) {
      sum -= r[i - window];
      sq -= r[i - window] * r[i - window];
    }
    sum += r[i];
    sq += r[i] * r[i];
    if (i < window) continue;
    const mean = sum / window;
    const variance = (sq - window * mean * mean) / (window - 1);
    out[i] = variance > 1e-18 * Math.max(1, mean * mean) ? ((mean - rf) / Math.sqrt(variance)) * scale : NaN;
  }
  return out;
}

/** Histogram bins: Freedman-Diaconis width (Sturges when the spread is zero), 5 to 60 bins. */
export function histogramBins(values: readonly number[]): { edges: number[]; counts: number[] } {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return { edges: [0, 1], counts: [0] };
  const lo = v[0];
  const hi = v[v.length - 1];
  if (lo === hi) return { edges: [lo - 0.5, lo + 0.5], counts: [v.length] };
  const q = (p: number) => v[Math.min(v.length - 1, Math.floor(p * (v.length - 1)))];
  const iqr = q(0.75) - q(0.25);
  const fd = iqr > 0 ? Math.ceil((hi - lo) / ((2 * iqr) / Math.cbrt(v.length))) : Math.ceil(Math.log2(v.length) + 1);
  const bins = Math.min(60, Math.max(5, fd));
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + k * width));
  const counts = new Array<number>(bins).fill(0);
  for (const x of v) counts[Math.min(bins - 1, Math.floor((x - lo) / width))]++;
  return { edges, counts };
}

export interface OrderColumns {
  bar: ArrayLike<number>;
  asset: ArrayLike<number>;
  side: ArrayLike<number>;
  price: ArrayLike<number>;
  size: ArrayLike<number>;
  fee: ArrayLike<number>;
  count: number;
}

/**
 * Each asset's running P&L: its holding at the close minus the cash its orders cost (fills with slippage,
 * plus fees). With the starting cash they add up to the equity at every bar.
 */
export function assetPnl(orders: OrderColumns, positions: readonly ArrayLike<number>[], closes: readonly ArrayLike<number>[]): Float64Array[] {
  const n = closes[0]?.length ?? 0;
  return positions.map((position, a) => {
    const out = new Float64Array(n);
    let spent = 0;
    let k = 0;
    const close = closes[a];
    for (let t = 0; t < n; t++) {
      for (; k < orders.count && orders.bar[k] <= t; k++) {
        if (orders.asset[k] === a) spent += orders.side[k] * orders.size[k] * orders.price[k] + orders.fee[k];
      }
      out[t] = (position[t] === 0 ? 0 : position[t] * close[t]) - spent;
    }
    return out;
  });
}

/** Each asset's holding over equity at every bar's close (negative when short). */
export function assetWeights(positions: readonly ArrayLike<number>[], closes: readonly ArrayLike<number>[], equity: ArrayLike<number>): Float64Array[] {
  return positions.map((position, a) => {
    const out = new Float64Array(equity.length);
    for (let t = 0; t < equity.length; t++) out[t] = position[t] === 0 ? 0 : (position[t] * closes[a][t]) / equity[t];
    return out;
  });
}

/** The trailing window for rolling Sharpe: about three months of bars, at least 20, at most half the run. */
export function rollingWindow(bars: number, periodsPerYear: number): number {
  const quarter = Math.round(periodsPerYear / 4);
  return Math.max(2, Math.min(Math.max(20, quarter), Math.floor(bars / 2)));
}
