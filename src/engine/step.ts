import type { Book } from './book.js';
import {
  REASON_CLOSE_AT_END,
  REASON_MAX_HOLD,
  REASON_REVERSE,
  REASON_SIGNAL,
  REASON_STOP_LOSS,
  REASON_TAKE_PROFIT,
  REASON_TRAILING_STOP,
} from './reasons.js';
import type { ResolvedSimOptions } from './types.js';

/**
 * The full step of one bar, shared by simulate()'s loop and the live runner's paper broker: one implementation
 * of when orders fill, when stops trigger and what a signal does to the position, so a replay through the
 * runner produces the backtest's fills by construction (and `rrr parity` checks that it does).
 */

export const ACT_NONE = 0;
export const ACT_LONG = 1;
export const ACT_SHORT = 2;
export const ACT_CLOSE = 3;
export const ACT_REVERSE_TO_LONG = 4;
export const ACT_REVERSE_TO_SHORT = 5;

/** The settings the step reads, resolved once. */
export interface StepRules {
  readonly fillOpen: boolean;
  readonly longOn: boolean;
  readonly shortOn: boolean;
  readonly hasStops: boolean;
  readonly hasTrail: boolean;
  readonly maxHold: number;
  readonly stopFirst: boolean;
  readonly closeAtEnd: boolean;
}

export function stepRules(o: ResolvedSimOptions): StepRules {
  return {
    fillOpen: o.fill === 'open',
    longOn: o.direction !== 'short',
    shortOn: o.direction !== 'long',
    hasStops: o.stopLoss !== null || o.takeProfit !== null || o.trailingStop !== null,
    hasTrail: o.trailingStop !== null,
    maxHold: o.maxHold,
    stopFirst: o.stopFirst,
    closeAtEnd: o.closeAtEnd,
  };
}

/** Carries out a decided action at bar t and `price` (before slippage); signalBar sizes and sets ATR stops. */
export function act(book: Book, action: number, t: number, signalBar: number, price: number): void {
  switch (action) {
    case ACT_LONG:
      book.open(t, signalBar, 1, price);
      break;
    case ACT_SHORT:
      book.open(t, signalBar, -1, price);
      break;
    case ACT_CLOSE:
      book.closeAt(t, price, REASON_SIGNAL);
      break;
    case ACT_REVERSE_TO_LONG:
      book.closeAt(t, price, REASON_REVERSE);
      book.open(t, signalBar, 1, price);
      break;
    case ACT_REVERSE_TO_SHORT:
      book.closeAt(t, price, REASON_REVERSE);
      book.open(t, signalBar, -1, price);
      break;
  }
}

/** What an action does at the closing fill of closeAtEnd: only its closing part (a new position would be closed at once). */
export function closingPart(action: number): number {
  if (action === ACT_REVERSE_TO_LONG || action === ACT_REVERSE_TO_SHORT) return ACT_CLOSE;
  return action === ACT_CLOSE ? ACT_CLOSE : ACT_NONE;
}

/** The price of the exit stopExit() found (valid right after it returned a reason). */
export let stopExitPrice = NaN;

/**
 * Which level an open position's bar hits, if any: a bar opening beyond a level fills at the open; otherwise a
 * level inside the range fills at the level (stop first when both are inside, unless stopFirst is false).
 * Returns the exit's reason code (its price in stopExitPrice), or -1. The live runner of an exchange run asks
 * it to emulate stops the venue does not hold.
 */
export function stopExit(book: Book, pos: number, hasTrail: boolean, stopFirst: boolean, op: number, hi: number, lo: number): number {
  let stop = book.stop;
  let stopReason = REASON_STOP_LOSS;
  const target = book.target;
  if (pos > 0) {
    if (hasTrail) {
      const level = book.trailPct > 0 ? book.extreme * (1 - book.trailPct) : book.extreme - book.trailDist;
      if (level > stop) (stop = level), (stopReason = REASON_TRAILING_STOP);
    }
    if (op <= stop) return (stopExitPrice = op), stopReason;
    if (op >= target) return (stopExitPrice = op), REASON_TAKE_PROFIT;
    const stopHit = lo <= stop;
    const targetHit = hi >= target;
    if (stopHit && (stopFirst || !targetHit)) return (stopExitPrice = stop), stopReason;
    if (targetHit) return (stopExitPrice = target), REASON_TAKE_PROFIT;
    return -1;
  }
  if (hasTrail) {
    const level = book.trailPct > 0 ? book.extreme * (1 + book.trailPct) : book.extreme + book.trailDist;
    if (level < stop) (stop = level), (stopReason = REASON_TRAILING_STOP);
  }
  if (op >= stop) return (stopExitPrice = op), stopReason;
  if (op <= target) return (stopExitPrice = op), REASON_TAKE_PROFIT;
  const stopHit = hi >= stop;
  const targetHit = lo <= target;
  if (stopHit && (stopFirst || !targetHit)) return (stopExitPrice = stop), stopReason;
  if (targetHit) return (stopExitPrice = target), REASON_TAKE_PROFIT;
  return -1;
}

/** The trailing extreme moves with the bar's high (long) / low (short), only after the bar's own check. */
export function trailExtreme(book: Book, pos: number, hi: number, lo: number): void {
  if (pos > 0 ? hi > book.extreme : lo < book.extreme) book.extreme = pos > 0 ? hi : lo;
}

/** Stops of bar t for an open position (stopExit), filled by the book; else the trailing extreme moves. */
export function checkStops(book: Book, t: number, pos: number, hasTrail: boolean, stopFirst: boolean, op: number, hi: number, lo: number): void {
  const reason = stopExit(book, pos, hasTrail, stopFirst, op, hi, lo);
  if (reason >= 0) book.closeAt(t, stopExitPrice, reason);
  else if (hasTrail) trailExtreme(book, pos, hi, lo);
}

/**
 * Steps 1-4 of bar t (docs/simulation.md): the action decided at t-1 fills at the open, then max-hold and the
 * stops; `last` is the bar where closeAtEnd closes (-1 for none). Prices the rules do not read may be NaN.
 */
export function fillPhase(book: Book, r: StepRules, t: number, last: number, pending: number, op: number, hi: number, lo: number, cl: number): void {
  if (pending !== ACT_NONE) act(book, t === last ? closingPart(pending) : pending, t, t - 1, op);
  const pos = book.pos;
  if (pos === 0) return;
  if (t === last && r.fillOpen) {
    book.closeAt(t, op, REASON_CLOSE_AT_END);
  } else if (r.maxHold > 0 && r.fillOpen && t - book.entryBar >= r.maxHold) {
    book.closeAt(t, op, REASON_MAX_HOLD);
  } else if (r.hasStops) {
    checkStops(book, t, pos, r.hasTrail, r.stopFirst, op, hi, lo);
  }
  if (r.maxHold > 0 && !r.fillOpen && book.pos !== 0 && t - book.entryBar >= r.maxHold) {
    book.closeAt(t, cl, REASON_MAX_HOLD);
  }
}

/** Step 5's decision: what bar t's signals do to position `pos` (0 = nothing). */
export function decideAction(pos: number, r: StepRules, entry: number, exit: number, shortEntry: number, shortExit: number): number {
  const wantLong = r.longOn && entry !== 0 && exit === 0;
  const wantShort = r.shortOn && shortEntry !== 0 && shortExit === 0;
  if (pos === 0) {
    if (wantLong) return wantShort ? ACT_NONE : ACT_LONG;
    return wantShort ? ACT_SHORT : ACT_NONE;
  }
  if (pos > 0) {
    if (wantShort && !wantLong) return ACT_REVERSE_TO_SHORT;
    return exit !== 0 ? ACT_CLOSE : ACT_NONE;
  }
  if (wantLong && !wantShort) return ACT_REVERSE_TO_LONG;
  return shortExit !== 0 ? ACT_CLOSE : ACT_NONE;
}

/**
 * Step 5's execution and closeAtEnd's close at a close: fill 'close' acts at bar t's close; fill 'open' returns
 * the action to fill at the next bar's open (or none when there is no next bar). Returns the pending action.
 */
export function actOnSignal(book: Book, r: StepRules, t: number, last: number, action: number, cl: number, hasNext: boolean): number {
  let pending = ACT_NONE;
  if (action !== ACT_NONE) {
    if (!r.fillOpen) act(book, t === last ? closingPart(action) : action, t, t, cl);
    else if (hasNext) pending = action;
  }
  if (t === last && !r.fillOpen && book.pos !== 0) book.closeAt(t, cl, REASON_CLOSE_AT_END);
  return pending;
}
