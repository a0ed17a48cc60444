import { makeBars, type Bars } from '../data/bars.js';
import type { LiveBar } from './types.js';

/**
 * The runner's bar history: columns grown by doubling, seen through `bars()` as views of the first `length`
 * values, so appending a closed bar costs O(1) and the strategy gets whole columns as in a backtest.
 */
export class BarHistory {
  private cols: { time: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array };
  length = 0;

  constructor(
    readonly symbol: string,
    readonly timeframe: string,
    capacity = 1024,
  ) {
    this.cols = BarHistory.allocate(capacity);
  }

  private static allocate(n: number) {
    return { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  }

  append(bar: LiveBar): number {
    if (this.length > 0 && !(bar.time > this.cols.time[this.length - 1])) {
      throw new RangeError(`bar at ${new Date(bar.time).toISOString()} is not after the last bar of the history (${new Date(this.cols.time[this.length - 1]).toISOString()})`);
    }
    if (this.length === this.cols.time.length) {
      const bigger = BarHistory.allocate(this.length * 2);
      for (const key of Object.keys(bigger) as (keyof typeof bigger)[]) bigger[key].set(this.cols[key]);
      this.cols = bigger;
    }
    const t = this.length++;
    const c = this.cols;
    c.time[t] = bar.time;
    c.open[t] = bar.open;
    c.high[t] = bar.high;
    c.low[t] = bar.low;
    c.close[t] = bar.close;
    c.volume[t] = bar.volume;
    return t;
  }

  /** The bars so far as views (valid until the next append). */
  bars(): Bars {
    const n = this.length;
    const c = this.cols;
    return makeBars(
      { time: c.time.subarray(0, n), open: c.open.subarray(0, n), high: c.high.subarray(0, n), low: c.low.subarray(0, n), close: c.close.subarray(0, n), volume: c.volume.subarray(0, n) },
      { symbol: this.symbol, timeframe: this.timeframe },
    );
  }

  lastTime(): number {
    return this.length > 0 ? this.cols.time[this.length - 1] : -Infinity;
  }
}

/** A stored bar as the feed's LiveBar. */
export function barAt(bars: Bars, t: number): LiveBar {
  return { time: bars.time[t], open: bars.open[t], high: bars.high[t], low: bars.low[t], close: bars.close[t], volume: bars.volume[t] };
}
