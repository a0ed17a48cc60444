import type { Bars } from '../data/bars.js';
import { barAt } from './history.js';
import type { Feed, LiveBar } from './types.js';

export interface ReplayOptions {
  /** Bars per second; 0 = as fast as possible. */
  speed?: number;
  /** Index of the first bar to deliver (a resumed run starts after the bars it journaled). */
  from?: number;
}

/** Stored bars delivered one closed bar at a time, at `speed` bars per second (0: no waiting). */
export class ReplayFeed implements Feed {
  private next_: number;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private readonly interval: number;
  private due = 0;

  constructor(
    private readonly bars: Bars,
    options: ReplayOptions = {},
  ) {
    const speed = options.speed ?? 0;
    if (!(speed >= 0 && Number.isFinite(speed))) throw new RangeError(`speed must be a number of bars per second >= 0 (got ${speed})`);
    this.interval = speed > 0 ? 1000 / speed : 0;
    this.next_ = options.from ?? 0;
  }

  get position(): number {
    return this.next_;
  }

  get total(): number {
    return this.bars.length;
  }

  async next(): Promise<LiveBar | null> {
    if (this.closed || this.next_ >= this.bars.length) return null;
    if (this.interval > 0) {
      const now = performance.now();
      if (this.due === 0) this.due = now;
      const wait = this.due - now;
      this.due = Math.max(this.due, now) + this.interval;
      if (wait > 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, wait);
        });
        this.wake = undefined;
        if (this.closed) return null;
      }
    }
    return barAt(this.bars, this.next_++);
  }

  async history(since: number, until = Infinity): Promise<LiveBar[]> {
    const out: LiveBar[] = [];
    for (let t = 0; t < this.bars.length; t++) {
      const time = this.bars.time[t];
      if (time >= since && time < until) out.push(barAt(this.bars, t));
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.wake?.();
  }
}
