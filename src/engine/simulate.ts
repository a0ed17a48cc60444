import type { Bars } from '../data/bars.js';
import { Book } from './book.js';
import { trimOrderLog, trimTradeLog } from './logs.js';
import { resolveSimOptions } from './options.js';
import { actOnSignal, decideAction, fillPhase, stepRules, type StepRules } from './step.js';
import type { Direction, OrderLog, SimBuffers, SimOptions, SimResult, Signals } from './types.js';

interface SignalColumns {
  entries: Uint8Array;
  exits: Uint8Array;
  shortEntries: Uint8Array;
  shortExits: Uint8Array;
}

/** Checks lengths and that the direction has the signals it reads; missing exit columns become zeros. */
export function signalColumns(signals: Signals, n: number, direction: Direction): SignalColumns {
  const names = ['entries', 'exits', 'shortEntries', 'shortExits'] as const;
  for (const name of names) {
    const col = signals[name];
    if (col !== undefined && col.length !== n) {
      throw new RangeError(`signals.${name} must have one value per bar (got ${col.length} values for ${n} bars)`);
    }
  }
  const hasLong = signals.entries !== undefined;
  const hasShort = signals.shortEntries !== undefined;
  if (direction === 'long' && !hasLong) {
    throw new RangeError(`direction 'long' needs signals.entries (got ${hasShort ? 'only short signals' : 'none'})`);
  }
  if (direction === 'long' && (hasShort || signals.shortExits !== undefined)) {
    throw new RangeError(`signals.shortEntries/shortExits are given but direction is 'long'; set direction 'short' or 'both'`);
  }
  if (direction === 'short' && !hasShort) {
    throw new RangeError(
      `direction 'short' needs signals.shortEntries (got ${hasLong ? 'only entries/exits, which open and close longs' : 'none'})`,
    );
  }
  if (direction === 'short' && (hasLong || signals.exits !== undefined)) {
    throw new RangeError(`signals.entries/exits are given but direction is 'short'; set direction 'long' or 'both'`);
  }
  if (direction === 'both' && !hasLong && !hasShort) {
    throw new RangeError(`direction 'both' needs signals.entries or signals.shortEntries (got neither)`);
  }
  const col = (c: Uint8Array | undefined) => c ?? noSignals(n);
  return {
    entries: col(signals.entries),
    exits: col(signals.exits),
    shortEntries: col(signals.shortEntries),
    shortExits: col(signals.shortExits),
  };
}

/**
 * A column of n zeros standing for a signal column not given, shared by every call (the loop only reads
 * signal columns): a long-only run no longer allocates and zeroes a byte per bar for its absent short side.
 * It holds one byte per bar of the longest series simulated in this thread.
 */
let zeroColumn = new Uint8Array(0);
function noSignals(n: number): Uint8Array {
  if (zeroColumn.length < n) zeroColumn = new Uint8Array(n);
  return zeroColumn.subarray(0, n);
}

function outputColumn(given: Float64Array | undefined, n: number, name: string): Float64Array {
  if (given === undefined) return new Float64Array(n);
  if (given.length < n) {
    throw new RangeError(`buffers.${name} must hold at least ${n} values, one per bar (got ${given.length})`);
  }
  return given.length === n ? given : given.subarray(0, n);
}

/**
 * The signal column's bytes four at a time, or null when its start is not 4-byte aligned (a subarray at an odd
 * offset): most bars carry no signal, and reading a word per four bars makes the scan for the next one 4x shorter.
 */
function words(column: Uint8Array): Uint32Array | null {
  return column.byteOffset % 4 === 0 ? new Uint32Array(column.buffer, column.byteOffset, column.length >>> 2) : null;
}

/** First bar in [t, end) where a or b is set, or end; aw and bw are words() of a and b. */
function nextSignal(t: number, end: number, a: Uint8Array, b: Uint8Array, aw: Uint32Array | null, bw: Uint32Array | null): number {
  if (aw !== null && bw !== null && end - t > 8) {
    while ((t & 3) !== 0) {
      if ((a[t] | b[t]) !== 0) return t;
      t++;
    }
    // Words wholly before `end`; the first word with a set byte is finished byte by byte below.
    const wordEnd = end >>> 2;
    let k = t >>> 2;
    while (k < wordEnd && (aw[k] | bw[k]) === 0) k++;
    t = k << 2;
  }
  while (t < end && (a[t] | b[t]) === 0) t++;
  return t;
}

/** Writes a constant value over out[from, to): a plain loop for short runs, fill() (memset speed) for long ones. */
function constant(out: Float64Array, value: number, from: number, to: number): void {
  if (to - from > 24) out.fill(value, from, to);
  else for (let i = from; i < to; i++) out[i] = value;
}

/**
 * Long position: scans bars t.. < end on which nothing can happen (no exit/reversal signal, the bar's open and
 * range strictly inside the stop and target levels), writing equity and moving the trailing extreme exactly as
 * the full step would. Returns the first bar that needs the full step.
 */
function skipLong(
  book: Book,
  t: number,
  end: number,
  hasStops: boolean,
  hasTrail: boolean,
  open: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  x1: Uint8Array,
  x2: Uint8Array,
  w1: Uint32Array | null,
  w2: Uint32Array | null,
  equity: Float64Array,
): number {
  const pos = book.pos;
  const cash = book.cash;
  const target = book.target;
  let stop = book.stop;
  if (!hasStops) {
    // Nothing but a signal ends the stretch: find it, then write equity without reading the signals again.
    const s = nextSignal(t, end, x1, x2, w1, w2);
    for (; t < s; t++) equity[t] = cash + pos * close[t];
    return t;
  }
  if (!hasTrail) {
    while (t < end && x1[t] === 0 && x2[t] === 0 && low[t] > stop && high[t] < target && open[t] > stop && open[t] < target) {
      equity[t] = cash + pos * close[t];
      t++;
    }
    return t;
  }
  const pct = book.trailPct;
  const dist = book.trailDist;
  let ext = book.extreme;
  while (t < end && x1[t] === 0 && x2[t] === 0) {
    const level = pct > 0 ? ext * (1 - pct) : ext - dist;
    stop = level > book.stop ? level : book.stop;
    const h = high[t];
    if (!(low[t] > stop && h < target && open[t] > stop && open[t] < target)) break;
    equity[t] = cash + pos * close[t];
    if (h > ext) ext = h;
    t++;
  }
  book.extreme = ext;
  return t;
}

/** The mirror of skipLong() for a short position. */
function skipShort(
  book: Book,
  t: number,
  end: number,
  hasStops: boolean,
  hasTrail: boolean,
  open: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  x1: Uint8Array,
  x2: Uint8Array,
  w1: Uint32Array | null,
  w2: Uint32Array | null,
  equity: Float64Array,
): number {
  const pos = book.pos;
  const cash = book.cash;
  const target = book.target;
  let stop = book.stop;
  if (!hasStops) {
    // Nothing but a signal ends the stretch: find it, then write equity without reading the signals again.
    const s = nextSignal(t, end, x1, x2, w1, w2);
    for (; t < s; t++) equity[t] = cash + pos * close[t];
    return t;
  }
  if (!hasTrail) {
    while (t < end && x1[t] === 0 && x2[t] === 0 && high[t] < stop && low[t] > target && open[t] < stop && open[t] > target) {
      equity[t] = cash + pos * close[t];
      t++;
    }
    return t;
  }
  const pct = book.trailPct;
  const dist = book.trailDist;
  let ext = book.extreme;
  while (t < end && x1[t] === 0 && x2[t] === 0) {
    const level = pct > 0 ? ext * (1 + pct) : ext + dist;
    stop = level < book.stop ? level : book.stop;
    const l = low[t];
    if (!(high[t] < stop && l > target && open[t] < stop && open[t] > target)) break;
    equity[t] = cash + pos * close[t];
    if (l < ext) ext = l;
    t++;
  }
  book.extreme = ext;
  return t;
}

interface LoopInput {
  book: Book;
  n: number;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  entries: Uint8Array;
  exits: Uint8Array;
  shortEntries: Uint8Array;
  shortExits: Uint8Array;
  flatA: Uint8Array;
  flatB: Uint8Array;
  longB: Uint8Array;
  shortB: Uint8Array;
  /** words() of the columns scanned for the next signal. */
  flatAw: Uint32Array | null;
  flatBw: Uint32Array | null;
  exitsW: Uint32Array | null;
  longBw: Uint32Array | null;
  shortExitsW: Uint32Array | null;
  shortBw: Uint32Array | null;
  equity: Float64Array;
  rules: StepRules;
}

/** The bar loop of simulate(), kept apart so V8 optimizes it as one stable function. Returns exposure bars. */
function runLoop(input: LoopInput): number {
  const { book, n, open, high, low, close, entries, exits, shortEntries, shortExits } = input;
  const { flatA, flatB, longB, shortB, rules } = input;
  const { fillOpen, hasStops, hasTrail, maxHold, closeAtEnd } = rules;
  const { flatAw, flatBw, exitsW, longBw, shortExitsW, shortBw } = input;
  const equityOut = input.equity;
  // closeAtEnd: the last bar always takes the full step, which closes what is still open at its fill.
  const last = closeAtEnd ? n - 1 : -1;
  const scanEnd = closeAtEnd ? n - 1 : n;
  const needOpen = fillOpen || hasStops;
  let pending = 0;
  let exposure = 0;

  let t = 0;
  while (t < n) {
    if (pending === 0) {
      // Quiet bars (nothing can fill) are scanned by tight loops.
      const pos0 = book.pos;
      const cash0 = book.cash;
      let s: number;
      if (pos0 === 0) {
        s = nextSignal(t, n, flatA, flatB, flatAw, flatBw);
        constant(equityOut, cash0, t, s);
      } else {
        const end = maxHold > 0 ? Math.min(scanEnd, book.entryBar + maxHold) : scanEnd;
        s =
          pos0 > 0
            ? skipLong(book, t, end, hasStops, hasTrail, open, high, low, close, exits, longB, exitsW, longBw, equityOut)
            : skipShort(book, t, end, hasStops, hasTrail, open, high, low, close, shortExits, shortB, shortExitsW, shortBw, equityOut);
        exposure += s - t;
      }
      t = s;
      if (t >= n) break;
    }

    // The full step of bar t (src/engine/step.ts, shared with the live runner's paper broker). The bar's
    // prices are loaded together up front: they are usually not in cache.
    const op = needOpen ? open[t] : NaN;
    const hi = hasStops ? high[t] : NaN;
    const lo = hasStops ? low[t] : NaN;
    const cl = close[t];
    fillPhase(book, rules, t, last, pending, op, hi, lo, cl);
    const action = decideAction(book.pos, rules, entries[t], exits[t], shortEntries[t], shortExits[t]);
    pending = actOnSignal(book, rules, t, last, action, cl, t + 1 < n);

    const p = book.pos;
    equityOut[t] = book.cash + p * close[t];
    if (p !== 0) exposure++;
    t++;
  }

  return exposure;
}

/**
 * Simulates one asset: signals -> orders, fills, trades, positions, equity.
 * Order of operations within bar t (docs/simulation.md):
 *   1. fill 'open': the action decided at t-1 fills at open[t];
 *   2. fill 'open': max-hold exit at open[t] when the position has been held maxHold bars;
 *   3. stops (gap at the open, else the level; stop first when both are inside the range unless stopFirst
 *      is false), then the trailing extreme is updated with this bar's high (long) / low (short);
 *   4. fill 'close': max-hold exit at close[t];
 *   5. the signals of bar t are read against the resulting position: fill 'close' acts at close[t],
 *      fill 'open' schedules the action for open[t+1] (dropped on the last bar);
 *   6. cash, position and equity = cash + position x close[t] are recorded.
 * With closeAtEnd, the last bar's fill only closes (entries due there open nothing) and whatever is still
 * open is closed with exit costs: fill 'open' right after step 1 at open[n-1], fill 'close' after step 5.
 */
export function simulate(bars: Bars, signals: Signals, options: SimOptions = {}, buffers?: SimBuffers): SimResult {
  const o = resolveSimOptions(options);
  const n = bars.length;
  const { entries, exits, shortEntries, shortExits } = signalColumns(signals, n, o.direction);
  const equityOut = outputColumn(buffers?.equity, n, 'equity');
  // Initial log capacity: one trade per 64 bars (grown by doubling if more are needed).
  const book = new Book(o, bars, n >>> 6);
  const rules = stepRules(o);
  const { longOn, shortOn } = rules;
  const flatA = longOn ? entries : shortEntries;
  const flatB = shortOn ? shortEntries : entries;
  const longB = shortOn ? shortEntries : exits;
  const shortB = longOn ? entries : shortExits;
  const exposure = runLoop({
    book,
    n,
    open: bars.open,
    high: bars.high,
    low: bars.low,
    close: bars.close,
    entries,
    exits,
    shortEntries,
    shortExits,
    // Interrupt columns for the quiet-bar scans: a bar where either is set goes through the full step.
    flatA,
    flatB,
    longB,
    shortB,
    flatAw: words(flatA),
    flatBw: words(flatB),
    exitsW: words(exits),
    longBw: words(longB),
    shortExitsW: words(shortExits),
    shortBw: words(shortB),
    equity: equityOut,
    rules,
  });
  const close = bars.close;

  if (n > 0) book.finish(n - 1, close[n - 1]);
  const orders = trimOrderLog(book.orders);
  // Cash and position only change at fills, so they are rebuilt from the order log when first read (or
  // written into the caller's buffers now): a backtest that needs only equity never allocates them.
  const account = (): { cash: Float64Array; position: Float64Array } =>
    (rebuilt ??= accountFromOrders(orders, n, o.cash, outputColumn(buffers?.cash, n, 'cash'), outputColumn(buffers?.position, n, 'position')));
  let rebuilt: { cash: Float64Array; position: Float64Array } | undefined;
  if (buffers?.cash !== undefined || buffers?.position !== undefined) account();
  return {
    equity: equityOut,
    get cash() {
      return account().cash;
    },
    get position() {
      return account().position;
    },
    orders,
    trades: trimTradeLog(book.trades),
    feesPaid: book.feesPaid,
    slippagePaid: book.slippagePaid,
    exposureBars: exposure,
    finalEquity: n > 0 ? equityOut[n - 1] : o.cash,
    options: o,
  };
}

/**
 * Cash and position at each bar's close from the order log, with the same arithmetic and order of operations
 * as the book (buys pay units x price + fee, sells receive units x price - fee), so the values are identical.
 */
function accountFromOrders(orders: OrderLog, n: number, cash0: number, cashOut: Float64Array, positionOut: Float64Array): { cash: Float64Array; position: Float64Array } {
  let cash = cash0;
  let pos = 0;
  let t = 0;
  for (let k = 0; k < orders.count; k++) {
    const bar = orders.bar[k];
    if (bar > t) {
      constant(cashOut, cash, t, bar);
      constant(positionOut, pos, t, bar);
      t = bar;
    }
    const side = orders.side[k];
    const units = orders.size[k];
    const notional = units * orders.price[k];
    if (side > 0) cash -= notional + orders.fee[k];
    else cash += notional - orders.fee[k];
    pos += side * units;
  }
  constant(cashOut, cash, t, n);
  constant(positionOut, pos, t, n);
  return { cash: cashOut, position: positionOut };
}
