import type { Bars } from '../data/bars.js';
import { orderFee, slippageFraction } from './costs.js';
import { allocateOrderLog, allocateTradeLog, pushOrder, pushTrade } from './logs.js';
import { REASON_END_OF_DATA, REASON_ENTRY } from './reasons.js';
import { atrInto } from '../indicators/volatility.js';
import { kellyFraction, realizedAnnualVol, roundToLot, unitsForBudget, volTargetFraction } from './sizing.js';
import type { OrderLog, ResolvedSimOptions, StopSpec, TradeLog } from './types.js';

const SIZE_PERCENT = 0;
const SIZE_CASH = 1;
const SIZE_UNITS = 2;
const SIZE_VOL = 3;
const SIZE_KELLY = 4;

/** ATR column for an 'atr' stop, or null; shares one column between stops with the same period. */
function atrFor(spec: StopSpec | null, bars: Bars, cache: Map<number, Float64Array>): Float64Array | null {
  if (spec === null || spec.kind !== 'atr') return null;
  let a = cache.get(spec.period);
  if (a === undefined) {
    a = atrInto(new Float64Array(bars.length), bars.high, bars.low, bars.close, spec.period);
    cache.set(spec.period, a);
  }
  return a;
}

/**
 * The account of simulate(): cash, the one position, its stop levels, and the order/trade logs.
 * Called only when something fills, so it may be plain and readable; the per-bar loop lives in simulate.ts.
 * Stop levels use +-Infinity for "none" so the loop compares without NaN checks.
 */
export class Book {
  cash: number;
  /** Signed units. */
  pos = 0;
  entryBar = -1;
  entryPrice = 0;
  entryFee = 0;
  /** Stop-loss level: long -Infinity / short +Infinity when none. */
  stop = -Infinity;
  /** Take-profit level: long +Infinity / short -Infinity when none. */
  target = Infinity;
  /** Trailing stop: the extreme since the fill (starts at the fill price) and the distance as pct or absolute. */
  extreme = 0;
  trailPct = 0;
  trailDist = 0;
  feesPaid = 0;
  slippagePaid = 0;
  /** Fee of the latest fill. */
  private lastFee = 0;
  orders: OrderLog;
  trades: TradeLog;
  // closed-trade statistics for Kelly sizing
  closed = 0;
  wins = 0;
  losses = 0;
  sumWin = 0;
  sumLoss = 0;

  private readonly feeRate: number;
  private readonly fixedFee: number;
  private readonly slip: number;
  private readonly leverage: number;
  private readonly lotSize: number;
  private readonly sizeKind: number;
  private readonly sizeA: number;
  private readonly sizeB: number;
  private readonly sizeC: number;
  private close: Float64Array;
  private readonly sl: StopSpec | null;
  private readonly tp: StopSpec | null;
  private readonly tr: StopSpec | null;
  private atrSl: Float64Array | null;
  private atrTp: Float64Array | null;
  private atrTr: Float64Array | null;

  constructor(o: ResolvedSimOptions, bars: Bars, expectedEntries = 64) {
    this.cash = o.cash;
    this.feeRate = o.feeRate;
    this.fixedFee = o.fixedFee;
    this.slip = slippageFraction(o.slippageBps);
    this.leverage = o.leverage;
    this.lotSize = o.lotSize;
    this.close = bars.close;
    const s = o.size;
    let kind = SIZE_PERCENT;
    let a = 0;
    let b = 0;
    let c = 0;
    if (s.kind === 'percent') a = s.fraction;
    else if (s.kind === 'cash') (kind = SIZE_CASH), (a = s.amount);
    else if (s.kind === 'units') (kind = SIZE_UNITS), (a = s.units);
    else if (s.kind === 'vol-target') (kind = SIZE_VOL), (a = s.annualVol), (b = s.lookback), (c = s.periodsPerYear);
    else (kind = SIZE_KELLY), (a = s.fraction), (b = s.minTrades), (c = s.fallbackFraction ?? 1);
    this.sizeKind = kind;
    this.sizeA = a;
    this.sizeB = b;
    this.sizeC = c;
    this.sl = o.stopLoss;
    this.tp = o.takeProfit;
    this.tr = o.trailingStop;
    const cache = new Map<number, Float64Array>();
    this.atrSl = atrFor(o.stopLoss, bars, cache);
    this.atrTp = atrFor(o.takeProfit, bars, cache);
    this.atrTr = atrFor(o.trailingStop, bars, cache);
    this.orders = allocateOrderLog(2 * expectedEntries + 2);
    this.trades = allocateTradeLog(expectedEntries + 1);
  }

  /**
   * Points sizing and ATR stops at a longer history of the same series (the live runner's, grown by one closed
   * bar): every value they read at a bar depends only on bars up to it, so earlier values do not change.
   */
  useBars(bars: Bars): void {
    this.close = bars.close;
    if (this.atrSl === null && this.atrTp === null && this.atrTr === null) return;
    const cache = new Map<number, Float64Array>();
    this.atrSl = atrFor(this.sl, bars, cache);
    this.atrTp = atrFor(this.tp, bars, cache);
    this.atrTr = atrFor(this.tr, bars, cache);
  }

  /** Fills one order at `price` before slippage; returns the fill price. side +1 buy, -1 sell; units > 0. */
  private fill(bar: number, side: number, price: number, units: number, reason: number): number {
    const px = this.slipped(side, price);
    const notional = units * px;
    const fee = orderFee(notional, this.feeRate, this.fixedFee);
    const slippage = units * Math.abs(px - price);
    if (side > 0) this.cash -= notional + fee;
    else this.cash += notional - fee;
    this.pos += side * units;
    this.feesPaid += fee;
    this.slippagePaid += slippage;
    pushOrder(this.orders, bar, 0, side, px, units, fee, slippage, reason);
    this.lastFee = fee;
    return px;
  }

  /** Fraction of equity a new position gets (NaN = not computable yet: no entry). */
  private fraction(signalBar: number): number {
    switch (this.sizeKind) {
      case SIZE_PERCENT:
        return this.sizeA;
      case SIZE_VOL:
        return volTargetFraction(
          realizedAnnualVol(this.close, signalBar, this.sizeB, this.sizeC),
          this.sizeA,
          this.leverage,
        );
      default:
        if (this.closed < this.sizeB) return this.sizeC;
        return kellyFraction(this.closed, this.wins, this.sumWin, this.losses, this.sumLoss, this.sizeA, this.leverage);
    }
  }

  /** Distance of an 'atr' level at the signal bar, or the pct value; NaN when ATR is not defined yet. */
  private static distance(spec: StopSpec, atr: Float64Array | null, signalBar: number): number {
    return spec.kind === 'pct' ? spec.value : spec.multiple * (atr as Float64Array)[signalBar];
  }

  /**
   * Units a new position from flat gets at fill price `px` (slippage included) by the sizing rule, rounded to
   * the lot: the live runner asks it too, with the last close and (before a reversal) the equity it expects
   * once flat, to size an order before it fills.
   */
  entryUnits(signalBar: number, px: number, equity = this.cash /* flat: equity = cash */): number {
    const maxBudget = this.leverage * equity;
    let units: number;
    if (this.sizeKind === SIZE_CASH) {
      units = unitsForBudget(Math.min(this.sizeA, maxBudget), px, this.feeRate, this.fixedFee);
    } else if (this.sizeKind === SIZE_UNITS) {
      units = Math.min(this.sizeA, unitsForBudget(maxBudget, px, this.feeRate, this.fixedFee));
    } else {
      const f = this.fraction(signalBar);
      units = unitsForBudget(Math.min(f, this.leverage) * equity, px, this.feeRate, this.fixedFee);
    }
    return roundToLot(units, this.lotSize);
  }

  /**
   * Units the sizing rule gives a new position at `price` (before slippage), asked before the order fills: from
   * flat, or before a reversal from the equity the exit at that price would leave (its costs included).
   */
  plannedUnits(signalBar: number, side: number, price: number): number {
    let equity = this.cash;
    if (this.pos !== 0) {
      const exit = this.slipped(this.pos > 0 ? -1 : 1, price);
      equity += this.pos * exit - orderFee(Math.abs(this.pos) * exit, this.feeRate, this.fixedFee);
    }
    return this.entryUnits(signalBar, this.slipped(side, price), equity);
  }

  /** The fill price of an order at `price` before slippage. */
  slipped(side: number, price: number): number {
    return side > 0 ? price * (1 + this.slip) : price * (1 - this.slip);
  }

  /**
   * Opens a position from flat at `price` (before slippage). Returns false when no units fit (sizing
   * gives <= 0 units, equity <= 0) or an ATR level is not defined yet at the signal bar.
   */
  open(bar: number, signalBar: number, dir: number, price: number): boolean {
    const px = this.slipped(dir, price);
    const units = this.entryUnits(signalBar, px);
    if (!(units > 0) || units === Infinity) return false;
    if (!this.levelsAt(signalBar, dir, px)) return false;
    this.fill(bar, dir, price, units, REASON_ENTRY);
    this.entered(bar, px);
    return true;
  }

  private nextStop = -Infinity;
  private nextTarget = Infinity;
  private nextTrailPct = 0;
  private nextTrailDist = 0;

  /** Stop levels relative to the actual fill price px, into the next* fields; false when an ATR is not defined yet. */
  private levelsAt(signalBar: number, dir: number, px: number): boolean {
    this.nextStop = dir > 0 ? -Infinity : Infinity;
    this.nextTarget = dir > 0 ? Infinity : -Infinity;
    this.nextTrailPct = 0;
    this.nextTrailDist = 0;
    if (this.sl !== null) {
      const d = Book.distance(this.sl, this.atrSl, signalBar);
      if (Number.isNaN(d)) return false;
      this.nextStop = this.sl.kind === 'pct' ? px * (1 - dir * d) : px - dir * d;
    }
    if (this.tp !== null) {
      const d = Book.distance(this.tp, this.atrTp, signalBar);
      if (Number.isNaN(d)) return false;
      this.nextTarget = this.tp.kind === 'pct' ? px * (1 + dir * d) : px + dir * d;
    }
    if (this.tr !== null) {
      const d = Book.distance(this.tr, this.atrTr, signalBar);
      if (Number.isNaN(d)) return false;
      if (this.tr.kind === 'pct') this.nextTrailPct = d;
      else this.nextTrailDist = d;
    }
    return true;
  }

  private entered(bar: number, px: number): void {
    this.entryFee = this.lastFee;
    this.entryBar = bar;
    this.entryPrice = px;
    this.stop = this.nextStop;
    this.target = this.nextTarget;
    this.trailPct = this.nextTrailPct;
    this.trailDist = this.nextTrailDist;
    this.extreme = px;
  }

  /** Closes the whole position at `price` (before slippage). */
  closeAt(bar: number, price: number, reason: number): void {
    const size = this.pos;
    const px = this.fill(bar, size > 0 ? -1 : 1, price, Math.abs(size), reason);
    this.closedTrade(bar, size, px, reason);
  }

  private closedTrade(bar: number, size: number, px: number, reason: number): void {
    const fees = this.entryFee + this.lastFee;
    this.pos = 0; // exact zero, whatever the float arithmetic of pos -= size gave
    const ret = pushTrade(this.trades, 0, this.entryBar, bar, this.entryPrice, px, size, fees, reason, false);
    this.closed++;
    if (ret > 0) (this.wins++, (this.sumWin += ret));
    else if (ret < 0) (this.losses++, (this.sumLoss -= ret));
    this.entryFee = 0;
    this.entryBar = -1;
  }

  /**
   * A fill as a venue reported it (the live runner's ledger of an exchange run): its price and fee as charged,
   * in parts when the order filled in parts. The first part of an entry sets the stop levels from its price
   * with the engine's rules (none when an ATR is not defined yet at the signal bar); the position's entry price
   * is the parts' average; the part that brings the position to zero closes the trade.
   */
  recordFill(bar: number, signalBar: number, side: number, px: number, units: number, fee: number, reason: number): void {
    const before = this.pos;
    const notional = units * px;
    if (side > 0) this.cash -= notional + fee;
    else this.cash += notional - fee;
    this.feesPaid += fee;
    pushOrder(this.orders, bar, 0, side, px, units, fee, 0, reason);
    this.lastFee = fee;
    const after = before + side * units;
    if (before === 0) {
      this.pos = after;
      if (!this.levelsAt(signalBar, side, px)) (this.nextStop = side > 0 ? -Infinity : Infinity), (this.nextTarget = side > 0 ? Infinity : -Infinity), (this.nextTrailPct = 0), (this.nextTrailDist = 0);
      this.entered(bar, px);
    } else if (Math.sign(side) === Math.sign(before)) {
      this.entryPrice = (this.entryPrice * Math.abs(before) + px * units) / Math.abs(after);
      this.entryFee += fee;
      this.pos = after;
    } else if (Math.abs(after) <= 1e-9 * Math.abs(before)) {
      this.closedTrade(bar, before, px, reason);
    } else {
      // A part of an exit: its fee joins the trade's, which closes with the last part.
      this.entryFee += fee;
      this.pos = after;
    }
  }

  /** Records a position still open after the last bar, marked to the last close. */
  finish(lastBar: number, lastClose: number): void {
    if (this.pos === 0) return;
    pushTrade(this.trades, 0, this.entryBar, lastBar, this.entryPrice, lastClose, this.pos, this.entryFee, REASON_END_OF_DATA, true);
  }
}
