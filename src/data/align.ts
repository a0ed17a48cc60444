/**
 * Aligning several series of bars on one time index (a panel). Pure, O(total bars) for a fixed
 * number of series: one k-way walk builds the index, one walk per series fills it.
 */
import { allocateBars, type Bars } from './bars.js';
import { formatTime } from './time.js';

export type AlignMode = 'union' | 'intersection';

export interface Panel {
  /** The shared time index (epoch ms, strictly ascending). */
  time: Float64Array;
  /** One name per series: its symbol, or "series <index>" when it has none. */
  symbols: string[];
  /** Each series on `time`; every field (time excepted) is NaN where the series has no bar. */
  bars: Bars[];
  /** 1 where the series has a real bar at that time, 0 where it was filled with NaN. */
  present: Uint8Array[];
  mode: AlignMode;
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? formatTime(ms) : String(ms);
}

/**
 * Aligns `series` on the union of their times (a series without a bar at a time gets NaN there)
 * or on the intersection (only times every series has). Each series must have strictly ascending
 * times; otherwise a RangeError names the series and the row.
 */
export function alignBars(series: readonly Bars[], mode: AlignMode = 'union'): Panel {
  if (mode !== 'union' && mode !== 'intersection') {
    throw new RangeError(`Unknown alignment "${String(mode)}": use "union" or "intersection".`);
  }
  const symbols = series.map((s, k) => s.symbol ?? `series ${k}`);
  series.forEach((s, k) => {
    const t = s.time;
    for (let i = 0; i < s.length; i++) {
      if (!Number.isFinite(t[i])) {
        throw new RangeError(`Cannot align "${symbols[k]}": row ${i} has no valid time (${t[i]}); run "rrr data validate" on it.`);
      }
      if (i > 0 && !(t[i] > t[i - 1])) {
        throw new RangeError(
          `Cannot align "${symbols[k]}": its times must be strictly ascending, but row ${i} (${iso(t[i])}) is not after row ${i - 1} (${iso(t[i - 1])}); sort it and remove duplicates first.`,
        );
      }
    }
  });

  const m = series.length;
  const heads = new Int32Array(m);
  let time: Float64Array;
  if (m === 0) {
    time = new Float64Array(0);
  } else if (mode === 'union') {
    let total = 0;
    for (const s of series) total += s.length;
    const buffer = new Float64Array(total);
    let count = 0;
    for (;;) {
      let min = Infinity;
      for (let k = 0; k < m; k++) if (heads[k] < series[k].length && series[k].time[heads[k]] < min) min = series[k].time[heads[k]];
      if (min === Infinity) break;
      buffer[count++] = min;
      for (let k = 0; k < m; k++) if (heads[k] < series[k].length && series[k].time[heads[k]] === min) heads[k]++;
    }
    time = buffer.slice(0, count);
  } else {
    let shortest = Infinity;
    for (const s of series) shortest = Math.min(shortest, s.length);
    const buffer = new Float64Array(shortest);
    let count = 0;
    outer: for (;;) {
      let max = -Infinity;
      for (let k = 0; k < m; k++) {
        if (heads[k] >= series[k].length) break outer;
        if (series[k].time[heads[k]] > max) max = series[k].time[heads[k]];
      }
      let all = true;
      for (let k = 0; k < m; k++) {
        const t = series[k].time;
        let h = heads[k];
        while (h < series[k].length && t[h] < max) h++;
        heads[k] = h;
        if (h >= series[k].length) break outer;
        if (t[h] !== max) all = false;
      }
      if (all) {
        buffer[count++] = max;
        for (let k = 0; k < m; k++) heads[k]++;
      }
    }
    time = buffer.slice(0, count);
  }

  const n = time.length;
  const bars: Bars[] = [];
  const present: Uint8Array[] = [];
  for (let k = 0; k < m; k++) {
    const src = series[k];
    const out = allocateBars(n, { symbol: src.symbol, timeframe: src.timeframe });
    out.open.fill(NaN);
    out.high.fill(NaN);
    out.low.fill(NaN);
    out.close.fill(NaN);
    out.volume.fill(NaN);
    out.time.set(time);
    const mask = new Uint8Array(n);
    let p = 0;
    for (let j = 0; j < n && p < src.length; j++) {
      while (p < src.length && src.time[p] < time[j]) p++;
      if (p < src.length && src.time[p] === time[j]) {
        out.open[j] = src.open[p];
        out.high[j] = src.high[p];
        out.low[j] = src.low[p];
        out.close[j] = src.close[p];
        out.volume[j] = src.volume[p];
        mask[j] = 1;
        p++;
      }
    }
    bars.push(out);
    present.push(mask);
  }
  return { time, symbols, bars, present, mode };
}
