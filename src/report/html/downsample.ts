/**
 * Per-bucket downsampling of drawn series. The same functions run in Node (the levels embedded in a report)
 * and in the page (re-sampling the visible range on zoom): page.ts inlines their source with toString(), so
 * they must stay self-contained (no imports, no closures, no helpers outside their body).
 */

/**
 * Indices to keep so that every series keeps its extremes: the range [from, to) is cut into `buckets`
 * buckets of (nearly) equal bar counts, and each bucket keeps the index of each series' minimum and maximum
 * (NaN skipped), plus the range's first and last index. Sorted, without duplicates. A range with no more
 * bars than 2 x buckets is kept whole.
 */
export function minMaxIndices(series: ReadonlyArray<ArrayLike<number>>, from: number, to: number, buckets: number): Int32Array {
  const n = to - from;
  if (n <= 0) return new Int32Array(0);
  if (n <= 2 * buckets || buckets < 1) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = from + i;
    return all;
  }
  const out = new Int32Array(2 * series.length * buckets + 2);
  let count = 0;
  const picked: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = from + Math.floor((b * n) / buckets);
    const end = from + Math.floor(((b + 1) * n) / buckets);
    picked.length = 0;
    if (b === 0) picked.push(start);
    if (b === buckets - 1) picked.push(end - 1);
    for (let s = 0; s < series.length; s++) {
      const y = series[s];
      let lo = -1;
      let hi = -1;
      let loV = Infinity;
      let hiV = -Infinity;
      for (let i = start; i < end; i++) {
        const v = y[i];
        if (v < loV) {
          loV = v;
          lo = i;
        }
        if (v > hiV) {
          hiV = v;
          hi = i;
        }
      }
      if (lo >= 0) picked.push(lo);
      if (hi >= 0) picked.push(hi);
    }
    // A bucket with only NaN still keeps one point, so the gap is drawn as a gap.
    if (picked.length === 0) picked.push(start);
    picked.sort((a, b2) => a - b2);
    for (let k = 0; k < picked.length; k++) {
      if (count === 0 || out[count - 1] !== picked[k]) out[count++] = picked[k];
    }
  }
  return out.slice(0, count);
}

/**
 * Bars merged per bucket, as a coarser timeframe would: the bucket's first open, highest high, lowest low,
 * last close, at the bucket's first x. Buckets are cut as in minMaxIndices; `buckets` >= the bar count keeps
 * every bar.
 */
export function aggregateOhlc(
  x: ArrayLike<number>,
  open: ArrayLike<number>,
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  from: number,
  to: number,
  buckets: number,
): { x: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array } {
  const n = Math.max(0, to - from);
  const m = Math.min(n, Math.max(1, buckets));
  const out = { x: new Float64Array(m), open: new Float64Array(m), high: new Float64Array(m), low: new Float64Array(m), close: new Float64Array(m) };
  for (let b = 0; b < m; b++) {
    const start = from + Math.floor((b * n) / m);
    const end = from + Math.floor(((b + 1) * n) / m);
    let hi = -Infinity;
    let lo = Infinity;
    for (let i = start; i < end; i++) {
      if (high[i] > hi) hi = high[i];
      if (low[i] < lo) lo = low[i];
    }
    out.x[b] = x[start];
    out.open[b] = open[start];
    out.high[b] = hi === -Infinity ? NaN : hi;
    out.low[b] = lo === Infinity ? NaN : lo;
    out.close[b] = close[end - 1];
  }
  return out;
}

/** First index i in sorted x with x[i] >= value (x.length when none). */
export function lowerBound(x: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
