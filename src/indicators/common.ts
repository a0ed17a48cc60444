/**
 * Internal helpers shared by the indicator kernels: parameter validation and a monotonic index deque.
 * Not part of the public API (src/indicators/index.ts does not export them).
 *
 * Missing values: a value is "valid" when it is finite (`v - v === 0` is false for NaN and ±Infinity).
 * Every kernel treats a bar with any invalid input it reads as a break in the series.
 */

/** Throws unless `value` is an integer >= `min`. */
export function checkInt(name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}; got ${String(value)}.`);
  }
}

/** Throws unless `value` is a finite number > 0. */
export function checkPositive(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0; got ${String(value)}.`);
  }
}

/** Throws unless `value` is a finite number. */
export function checkFinite(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number; got ${String(value)}.`);
  }
}

/** Throws unless every array has length `n` (outputs and inputs of one kernel call). */
export function checkLengths(n: number, arrays: ArrayLike<number>[], names: string[]): void {
  for (let k = 0; k < arrays.length; k++) {
    if (arrays[k].length !== n) {
      throw new RangeError(
        `${names[k]} has ${arrays[k].length} values but the input has ${n}; pass arrays of equal length.`,
      );
    }
  }
}

/** Fills out[from, to) with NaN. */
export function fillNaN(out: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) out[i] = NaN;
}

/**
 * A double-ended queue of bar indices in an Int32Array ring buffer, used for O(1) amortized rolling
 * min/max (the classic monotonic-deque algorithm). Capacity must exceed the largest size it reaches.
 */
export class IndexDeque {
  private readonly buf: Int32Array;
  private readonly cap: number;
  private head = 0;
  size = 0;

  constructor(capacity: number) {
    this.cap = capacity;
    this.buf = new Int32Array(capacity);
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  front(): number {
    return this.buf[this.head];
  }

  back(): number {
    let t = this.head + this.size - 1;
    if (t >= this.cap) t -= this.cap;
    return this.buf[t];
  }

  popFront(): void {
    this.head++;
    if (this.head === this.cap) this.head = 0;
    this.size--;
  }

  popBack(): void {
    this.size--;
  }

  pushBack(index: number): void {
    let t = this.head + this.size;
    if (t >= this.cap) t -= this.cap;
    this.buf[t] = index;
    this.size++;
  }
}

/**
 * Rolling highest high and lowest low over `period` bars (current bar included), with monotonic deques.
 * A bar is missing when its high, low or (if given) `extra` value is not finite; hh/ll are NaN while the
 * window holds a missing bar. hh and ll may not alias the inputs.
 */
export function highestLowestInto(
  hh: Float64Array,
  ll: Float64Array,
  high: Float64Array,
  low: Float64Array,
  extra: Float64Array | null,
  period: number,
): void {
  const n = high.length;
  if (period > n) {
    hh.fill(NaN);
    ll.fill(NaN);
    return;
  }
  const maxQ = new IndexDeque(period + 1);
  const minQ = new IndexDeque(period + 1);
  let lastBad = -1;
  for (let i = 0; i < n; i++) {
    const h = high[i];
    const l = low[i];
    let ok = h - h === 0 && l - l === 0;
    if (extra !== null) {
      const x = extra[i];
      ok = ok && x - x === 0;
    }
    if (ok) {
      while (maxQ.size > 0 && high[maxQ.back()] <= h) maxQ.popBack();
      maxQ.pushBack(i);
      while (minQ.size > 0 && low[minQ.back()] >= l) minQ.popBack();
      minQ.pushBack(i);
    } else {
      lastBad = i;
    }
    const oldest = i - period;
    while (maxQ.size > 0 && maxQ.front() <= oldest) maxQ.popFront();
    while (minQ.size > 0 && minQ.front() <= oldest) minQ.popFront();
    if (i - lastBad >= period) {
      hh[i] = high[maxQ.front()];
      ll[i] = low[minQ.front()];
    } else {
      hh[i] = NaN;
      ll[i] = NaN;
    }
  }
}
