/**
 * An independent, deliberately plain reference simulator for the engine's tests: one bar at a time, one state
 * object, no fast paths. It implements the rules of docs/simulation.md directly from the text (percent sizing
 * and pct stops only), written with a side multiplier instead of separate long/short branches.
 */
import type { Bars } from '../../src/data/bars.js';

export interface RefOptions {
  cash?: number;
  fill?: 'open' | 'close';
  feeRate?: number;
  fixedFee?: number;
  slippageBps?: number;
  direction?: 'long' | 'short' | 'both';
  fraction?: number;
  lotSize?: number;
  stopLossPct?: number;
  takeProfitPct?: number;
  trailingPct?: number;
  maxHold?: number;
  stopFirst?: boolean;
}

export interface RefSignals {
  entries?: Uint8Array;
  exits?: Uint8Array;
  shortEntries?: Uint8Array;
  shortExits?: Uint8Array;
}

export interface RefResult {
  equity: number[];
  cash: number[];
  position: number[];
  closedTrades: number;
  orders: number;
  fees: number;
}

type Intent = 'none' | 'openLong' | 'openShort' | 'close' | 'toLong' | 'toShort';

export function referenceSimulate(bars: Bars, sig: RefSignals, opt: RefOptions = {}): RefResult {
  const cfg = {
    cash: opt.cash ?? 10_000,
    fill: opt.fill ?? 'open',
    feeRate: opt.feeRate ?? 0,
    fixedFee: opt.fixedFee ?? 0,
    slip: (opt.slippageBps ?? 0) / 10_000,
    direction: opt.direction ?? 'long',
    fraction: opt.fraction ?? 1,
    lotSize: opt.lotSize ?? 0,
    stopFirst: opt.stopFirst ?? true,
  };
  const n = bars.length;
  const flag = (a: Uint8Array | undefined, i: number) => a !== undefined && a[i] === 1;
  const st = {
    cash: cfg.cash,
    side: 0, // +1 long, -1 short, 0 flat
    units: 0, // always >= 0
    entryPrice: 0,
    entryBar: -1,
    best: 0, // highest high (long) / lowest low (short) since the fill, starting at the fill price
    closedTrades: 0,
    orders: 0,
    fees: 0,
  };
  const out: RefResult = { equity: [], cash: [], position: [], closedTrades: 0, orders: 0, fees: 0 };

  const trade = (buy: boolean, rawPrice: number, units: number): number => {
    const price = buy ? rawPrice * (1 + cfg.slip) : rawPrice * (1 - cfg.slip);
    const fee = units * price * cfg.feeRate + cfg.fixedFee;
    st.cash = buy ? st.cash - units * price - fee : st.cash + units * price - fee;
    st.fees += fee;
    st.orders += 1;
    return price;
  };
  const exit = (rawPrice: number) => {
    trade(st.side < 0, rawPrice, st.units);
    st.side = 0;
    st.units = 0;
    st.closedTrades += 1;
  };
  const enter = (side: number, rawPrice: number, bar: number) => {
    const price = side > 0 ? rawPrice * (1 + cfg.slip) : rawPrice * (1 - cfg.slip);
    let units = (cfg.fraction * st.cash - cfg.fixedFee) / price / (1 + cfg.feeRate);
    if (cfg.lotSize > 0) units = Math.floor(units / cfg.lotSize) * cfg.lotSize;
    if (!(units > 0)) return;
    st.entryPrice = trade(side > 0, rawPrice, units);
    st.side = side;
    st.units = units;
    st.entryBar = bar;
    st.best = st.entryPrice;
  };
  const perform = (what: Intent, rawPrice: number, bar: number) => {
    if (what === 'close') exit(rawPrice);
    if (what === 'toLong' || what === 'toShort') exit(rawPrice);
    if (what === 'openLong' || what === 'toLong') enter(1, rawPrice, bar);
    if (what === 'openShort' || what === 'toShort') enter(-1, rawPrice, bar);
  };
  const decide = (i: number): Intent => {
    const longOk = cfg.direction !== 'short';
    const shortOk = cfg.direction !== 'long';
    const goLong = longOk && flag(sig.entries, i) && !flag(sig.exits, i);
    const goShort = shortOk && flag(sig.shortEntries, i) && !flag(sig.shortExits, i);
    if (goLong && goShort) return 'none'; // conflicting entries cancel
    if (st.side === 0) return goLong ? 'openLong' : goShort ? 'openShort' : 'none';
    if (st.side > 0) return goShort ? 'toShort' : flag(sig.exits, i) ? 'close' : 'none';
    return goLong ? 'toLong' : flag(sig.shortExits, i) ? 'close' : 'none';
  };

  let pending: Intent = 'none';
  for (let i = 0; i < n; i++) {
    const o = bars.open[i];
    const h = bars.high[i];
    const l = bars.low[i];
    const c = bars.close[i];
    if (pending !== 'none') {
      perform(pending, o, i);
      pending = 'none';
    }
    if (st.side !== 0) {
      const s = st.side;
      const heldLongEnough = opt.maxHold !== undefined && i - st.entryBar >= opt.maxHold;
      if (cfg.fill === 'open' && heldLongEnough) {
        exit(o);
      } else {
        // levels
        let stop = NaN;
        if (opt.stopLossPct !== undefined) stop = st.entryPrice * (1 - s * opt.stopLossPct);
        if (opt.trailingPct !== undefined) {
          const trail = st.best * (1 - s * opt.trailingPct);
          if (Number.isNaN(stop) || s * (trail - stop) > 0) stop = trail;
        }
        const target = opt.takeProfitPct !== undefined ? st.entryPrice * (1 + s * opt.takeProfitPct) : NaN;
        const worst = s > 0 ? l : h;
        const best = s > 0 ? h : l;
        const stopGap = !Number.isNaN(stop) && s * (o - stop) <= 0;
        const targetGap = !Number.isNaN(target) && s * (o - target) >= 0;
        const stopIn = !Number.isNaN(stop) && s * (worst - stop) <= 0;
        const targetIn = !Number.isNaN(target) && s * (best - target) >= 0;
        if (stopGap) exit(o);
        else if (targetGap) exit(o);
        else if (stopIn && targetIn) exit(cfg.stopFirst ? stop : target);
        else if (stopIn) exit(stop);
        else if (targetIn) exit(target);
        else if (s * (best - st.best) > 0) st.best = best;
      }
      if (st.side !== 0 && cfg.fill === 'close' && opt.maxHold !== undefined && i - st.entryBar >= opt.maxHold) exit(c);
    }
    const intent = decide(i);
    if (cfg.fill === 'close') perform(intent, c, i);
    else if (i < n - 1) pending = intent;
    out.cash.push(st.cash);
    out.position.push(st.side * st.units);
    out.equity.push(st.cash + st.side * st.units * c);
  }
  out.closedTrades = st.closedTrades;
  out.orders = st.orders;
  out.fees = st.fees;
  return out;
}
