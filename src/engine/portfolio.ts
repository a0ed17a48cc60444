import type { Bars } from '../data/bars.js';
import { orderFee, slippageFraction } from './costs.js';
import { allocateOrderLog, allocateTradeLog, pushOrder, pushTrade, trimOrderLog, trimTradeLog } from './logs.js';
import { resolvePortfolioOptions } from './options.js';
import { REASON_CLOSE_AT_END, REASON_END_OF_DATA, REASON_REBALANCE } from './reasons.js';
import type { OrderLog, PortfolioOptions, PortfolioResult, TradeLog } from './types.js';

function checkInputs(bars: readonly Bars[], weights: readonly Float64Array[], leverage: number): number {
  if (bars.length === 0) throw new RangeError('bars must hold at least one asset (got 0)');
  if (weights.length !== bars.length) {
    throw new RangeError(`weights must hold one column per asset (got ${weights.length} columns for ${bars.length} assets)`);
  }
  const n = bars[0].length;
  for (let a = 0; a < bars.length; a++) {
    if (bars[a].length !== n) {
      throw new RangeError(`bars must be aligned on one time index (asset ${a} has ${bars[a].length} bars, asset 0 has ${n})`);
    }
    if (weights[a].length !== n) {
      throw new RangeError(`weights[${a}] must have one value per bar (got ${weights[a].length} values for ${n} bars)`);
    }
  }
  // gross target exposure, with NaN = keep the previous target, must stay within leverage
  const m = bars.length;
  const target = new Float64Array(m);
  for (let t = 0; t < n; t++) {
    let gross = 0;
    for (let a = 0; a < m; a++) {
      const w = weights[a][t];
      if (w === Infinity || w === -Infinity) {
        throw new RangeError(`weights[${a}][${t}] must be a finite number or NaN (got ${w})`);
      }
      if (w === w) target[a] = w;
      gross += Math.abs(target[a]);
    }
    if (gross > leverage + 1e-12) {
      throw new RangeError(
        `weights at bar ${t} add up to ${gross} in absolute value, above leverage ${leverage}; scale them down or raise leverage`,
      );
    }
  }
  return n;
}

/** Per-asset round-trip accounting: a trade runs from a non-zero position to zero or a sign flip. */
class TradeBook {
  readonly entryBar: Int32Array;
  readonly dir: Int8Array;
  readonly inUnits: Float64Array;
  readonly inValue: Float64Array;
  readonly outUnits: Float64Array;
  readonly outValue: Float64Array;
  readonly fees: Float64Array;
  readonly log: TradeLog;

  constructor(m: number) {
    this.entryBar = new Int32Array(m);
    this.dir = new Int8Array(m);
    this.inUnits = new Float64Array(m);
    this.inValue = new Float64Array(m);
    this.outUnits = new Float64Array(m);
    this.outValue = new Float64Array(m);
    this.fees = new Float64Array(m);
    this.log = allocateTradeLog(64);
  }

  private start(a: number, bar: number, dir: number, units: number, px: number, fee: number): void {
    this.entryBar[a] = bar;
    this.dir[a] = dir;
    this.inUnits[a] = units;
    this.inValue[a] = units * px;
    this.outUnits[a] = 0;
    this.outValue[a] = 0;
    this.fees[a] = fee;
  }

  private finish(a: number, bar: number, reason: number): void {
    const units = this.inUnits[a];
    pushTrade(
      this.log,
      a,
      this.entryBar[a],
      bar,
      this.inValue[a] / units,
      this.outValue[a] / this.outUnits[a],
      this.dir[a] * units,
      this.fees[a],
      reason,
      reason === REASON_END_OF_DATA,
    );
    this.dir[a] = 0;
  }

  /**
   * Records a fill of `delta` signed units at px with `fee`, the position going from `before` to `after`;
   * `reason` is the exit reason of a trade it closes.
   */
  onFill(a: number, bar: number, before: number, after: number, px: number, fee: number, reason: number): void {
    const delta = after - before;
    if (before === 0) return this.start(a, bar, delta > 0 ? 1 : -1, Math.abs(delta), px, fee);
    const d = before > 0 ? 1 : -1;
    if (after * d > Math.abs(before)) {
      // adding to the position
      this.inUnits[a] += Math.abs(delta);
      this.inValue[a] += Math.abs(delta) * px;
      this.fees[a] += fee;
      return;
    }
    if (after * d >= 0) {
      // reducing, possibly to zero
      this.outUnits[a] += Math.abs(delta);
      this.outValue[a] += Math.abs(delta) * px;
      this.fees[a] += fee;
      if (after === 0) this.finish(a, bar, reason);
      return;
    }
    // sign flip: the fee is split pro rata between the closing and the opening units
    const closing = Math.abs(before);
    const opening = Math.abs(after);
    const closeFee = (fee * closing) / (closing + opening);
    this.outUnits[a] += closing;
    this.outValue[a] += closing * px;
    this.fees[a] += closeFee;
    this.finish(a, bar, reason);
    this.start(a, bar, -d, opening, px, fee - closeFee);
  }

  /** Records a position still open after the last bar, its remaining units marked at `mark`. */
  markOpen(a: number, lastBar: number, position: number, mark: number): void {
    if (position === 0) return;
    this.outUnits[a] += Math.abs(position);
    this.outValue[a] += Math.abs(position) * mark;
    this.finish(a, lastBar, REASON_END_OF_DATA);
  }
}

/**
 * Multi-asset simulation with one shared cash account (docs/simulation.md, "Portfolio").
 * bars: one frame per asset, aligned on one time index (NaN where an asset has no bar).
 * weights[a][t]: target fraction of equity for asset a computed at bar t (negative = short; NaN = keep).
 * A bar whose weights change any target (with rebalanceOn 'every-weight': any bar with a weight) schedules a
 * rebalance of every asset with a non-NaN weight at that bar,
 * filled at the next bar's open (fill 'open') or this bar's close (fill 'close'): sells first, then buys scaled
 * down to the buying power; an asset without a price at the fill bar keeps its order pending to the next bar.
 * closeAtEnd: the last fill (the last bar's open, or its close) closes every position with a price there,
 * whatever target was due; buys that cover shorts there are not scaled down.
 */
export function simulatePortfolio(
  bars: readonly Bars[],
  weights: readonly Float64Array[],
  options: PortfolioOptions = {},
): PortfolioResult {
  const o = resolvePortfolioOptions(options);
  const n = checkInputs(bars, weights, o.leverage);
  const m = bars.length;
  const fillOpen = o.fill === 'open';
  const slip = slippageFraction(o.slippageBps);
  const { feeRate, fixedFee, leverage, lotSize, closeAtEnd } = o;

  const equity = new Float64Array(n);
  const cashOut = new Float64Array(n);
  const positions: Float64Array[] = [];
  for (let a = 0; a < m; a++) positions.push(new Float64Array(n));
  const pos = new Float64Array(m);
  const mark = new Float64Array(m).fill(NaN); // last known price of each asset
  const target = new Float64Array(m); // last target weight scheduled
  const pending = new Float64Array(m).fill(NaN); // target weight waiting for a fill
  const delta = new Float64Array(m);
  const orders: OrderLog = allocateOrderLog(256);
  const trades = new TradeBook(m);
  let cash = o.cash;
  let feesPaid = 0;
  let slippagePaid = 0;
  let exposure = 0;
  let anyPending = false;

  const everyWeight = o.rebalanceOn === 'every-weight';
  const schedule = (t: number) => {
    let changed = false;
    for (let a = 0; a < m; a++) {
      const w = weights[a][t];
      if (w === w && (everyWeight || w !== target[a])) changed = true;
    }
    if (!changed) return;
    for (let a = 0; a < m; a++) {
      const w = weights[a][t];
      if (w === w) {
        target[a] = w;
        pending[a] = w;
        anyPending = true;
      }
    }
  };

  const fill = (t: number, a: number, units: number, price: number, reason: number) => {
    const side = units > 0 ? 1 : -1;
    const size = Math.abs(units);
    const px = side > 0 ? price * (1 + slip) : price * (1 - slip);
    const fee = orderFee(size * px, feeRate, fixedFee);
    const slippage = size * Math.abs(px - price);
    cash -= side * size * px + fee;
    feesPaid += fee;
    slippagePaid += slippage;
    const before = pos[a];
    const after = units === -before ? 0 : before + units;
    pos[a] = after;
    pushOrder(orders, t, a, side, px, size, fee, slippage, reason);
    trades.onFill(a, t, before, after, px, fee, reason);
  };

  const rebalance = (t: number, prices: Float64Array[], reason: number) => {
    const closing = reason === REASON_CLOSE_AT_END;
    let eq = cash;
    for (let a = 0; a < m; a++) {
      const p = prices[a][t];
      if (p === p) mark[a] = p;
      if (pos[a] !== 0) eq += pos[a] * mark[a];
    }
    anyPending = false;
    let buyCost = 0;
    let buys = 0;
    for (let a = 0; a < m; a++) {
      delta[a] = 0;
      if (pending[a] !== pending[a]) continue;
      const p = prices[a][t];
      if (!(p === p)) {
        anyPending = true; // no price at this bar: wait for the next
        continue;
      }
      let want = (pending[a] * eq) / p;
      if (lotSize > 0) want = Math.trunc(want / lotSize) * lotSize;
      pending[a] = NaN;
      const d = want - pos[a];
      delta[a] = d;
      if (d > 0) {
        buyCost += d * p * (1 + slip) * (1 + feeRate);
        buys++;
      }
    }
    for (let a = 0; a < m; a++) if (delta[a] < 0) fill(t, a, delta[a], prices[a][t], reason);
    if (buys === 0) return;
    const power = cash + (leverage - 1) * eq - buys * fixedFee;
    const scale = buyCost > power && !closing ? power / buyCost : 1;
    if (!(scale > 0)) return;
    for (let a = 0; a < m; a++) {
      if (!(delta[a] > 0)) continue;
      let units = scale < 1 ? delta[a] * scale : delta[a];
      if (lotSize > 0 && scale < 1) units = Math.floor(units / lotSize) * lotSize;
      if (units > 0) fill(t, a, units, prices[a][t], reason);
    }
  };

  const opens = bars.map((b) => b.open);
  const closes = bars.map((b) => b.close);
  const closeAll = (t: number, prices: Float64Array[]) => {
    pending.fill(0);
    rebalance(t, prices, REASON_CLOSE_AT_END);
  };
  for (let t = 0; t < n; t++) {
    if (closeAtEnd && t === n - 1) {
      closeAll(t, fillOpen ? opens : closes);
    } else if (fillOpen) {
      if (anyPending) rebalance(t, opens, REASON_REBALANCE);
      if (t + 1 < n) schedule(t);
    } else {
      schedule(t);
      if (anyPending) rebalance(t, closes, REASON_REBALANCE);
    }
    let eq = cash;
    let exposed = false;
    for (let a = 0; a < m; a++) {
      const c = closes[a][t];
      if (c === c) mark[a] = c;
      const p = pos[a];
      positions[a][t] = p;
      if (p !== 0) {
        eq += p * mark[a];
        exposed = true;
      }
    }
    cashOut[t] = cash;
    equity[t] = eq;
    if (exposed) exposure++;
  }
  for (let a = 0; a < m; a++) if (n > 0) trades.markOpen(a, n - 1, pos[a], mark[a]);

  return {
    equity,
    cash: cashOut,
    positions,
    orders: trimOrderLog(orders),
    trades: trimTradeLog(trades.log),
    feesPaid,
    slippagePaid,
    exposureBars: exposure,
    finalEquity: n > 0 ? equity[n - 1] : o.cash,
    options: o,
  };
}
