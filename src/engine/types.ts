/**
 * Types of the simulation engine: signals in, options, and the columnar results out.
 * The exact semantics are documented in docs/simulation.md.
 */

/** Signal columns, each of bars.length; 1 at bar t = the signal was computed with bar t's close. */
export interface Signals {
  /** Open a long position (direction 'long' or 'both'). */
  readonly entries?: Uint8Array;
  /** Close a long position. */
  readonly exits?: Uint8Array;
  /** Open a short position (direction 'short' or 'both'). */
  readonly shortEntries?: Uint8Array;
  /** Close a short position. */
  readonly shortExits?: Uint8Array;
}

/** 'open': a signal at bar t fills at bar t+1's open. 'close': it fills at bar t's own close. */
export type FillMode = 'open' | 'close';
export type Direction = 'long' | 'short' | 'both';

/** How many units a new position gets. Every kind is capped by `leverage` x equity. */
export type SizeSpec =
  /** fraction of equity committed, fees included (1 = all equity). */
  | { readonly kind: 'percent'; readonly fraction: number }
  /** a fixed amount of cash committed, fees included. */
  | { readonly kind: 'cash'; readonly amount: number }
  /** a fixed number of units. */
  | { readonly kind: 'units'; readonly units: number }
  /** fraction = min(leverage, annualVol / realized annualized volatility over `lookback` returns). */
  | { readonly kind: 'vol-target'; readonly annualVol: number; readonly lookback: number; readonly periodsPerYear: number }
  /**
   * fraction = clamp(fraction x (W - (1 - W) / R), 0, leverage) from the trades closed so far;
   * `fallbackFraction` (default 1) until `minTrades` trades have closed.
   */
  | { readonly kind: 'kelly'; readonly fraction: number; readonly minTrades: number; readonly fallbackFraction?: number };

/** A stop/target distance: a fraction of the fill price, or a multiple of ATR(period, Wilder) at the signal bar. */
export type StopSpec =
  | { readonly kind: 'pct'; readonly value: number }
  | { readonly kind: 'atr'; readonly multiple: number; readonly period: number };

/** Costs shared by simulate() and simulatePortfolio(); all adverse. */
export interface CostOptions {
  /** Proportional fee on the notional of every fill (0.001 = 0.1%). Default 0. */
  readonly feeRate?: number;
  /** Fixed fee charged on every order, in cash. Default 0. */
  readonly fixedFee?: number;
  /** Slippage in basis points: buys fill at price x (1 + bps/1e4), sells at price x (1 - bps/1e4). Default 0. */
  readonly slippageBps?: number;
}

export interface SimOptions extends CostOptions {
  /** Initial cash. Default 10_000. */
  readonly cash?: number;
  /** Default 'open'. */
  readonly fill?: FillMode;
  /** Default 'long'. */
  readonly direction?: Direction;
  /** Default { kind: 'percent', fraction: 1 }. */
  readonly size?: SizeSpec;
  /** Units are rounded down to a multiple of this (0 = fractional units). Default 0. */
  readonly lotSize?: number;
  /** Notional of a new position (fees included) <= leverage x equity. Default 1. */
  readonly leverage?: number;
  readonly stopLoss?: StopSpec;
  readonly takeProfit?: StopSpec;
  readonly trailingStop?: StopSpec;
  /** Exit after this many bars held (integer >= 1). Default: none. */
  readonly maxHold?: number;
  /** When stop and target are both inside one bar's range, assume the stop came first. Default true. */
  readonly stopFirst?: boolean;
  /**
   * Close a position still open at the end with exit costs, as a closed trade (reason 'close-at-end'): at the
   * last bar's open with fill 'open' (where an exit signal of the bar before fills), at its close with fill
   * 'close'. Entries due at that last fill open nothing. Default false: the position stays open, marked to
   * the last close, and is reported apart from the closed-trade statistics.
   */
  readonly closeAtEnd?: boolean;
}

/** SimOptions with every default applied; stops absent are null, maxHold absent is 0. */
export interface ResolvedSimOptions {
  readonly cash: number;
  readonly fill: FillMode;
  readonly feeRate: number;
  readonly fixedFee: number;
  readonly slippageBps: number;
  readonly direction: Direction;
  readonly size: SizeSpec;
  readonly lotSize: number;
  readonly leverage: number;
  readonly stopLoss: StopSpec | null;
  readonly takeProfit: StopSpec | null;
  readonly trailingStop: StopSpec | null;
  readonly maxHold: number;
  readonly stopFirst: boolean;
  readonly closeAtEnd: boolean;
}

export interface PortfolioOptions extends CostOptions {
  /** Initial cash. Default 10_000. */
  readonly cash?: number;
  /** Default 'open'. */
  readonly fill?: FillMode;
  /** Gross exposure (sum of |target weight|) <= leverage; buys are scaled to the buying power. Default 1. */
  readonly leverage?: number;
  /** Target units are rounded toward zero to a multiple of this (0 = fractional). Default 0. */
  readonly lotSize?: number;
  /**
   * Close every position at the last fill with exit costs (the last bar's open with fill 'open', its close with
   * fill 'close'), replacing any rebalance due there; an asset without a price at that bar stays open. Default false.
   */
  readonly closeAtEnd?: boolean;
  /**
   * When a bar's weights schedule a rebalance. 'change' (default): only when they change a target, so positions
   * drift with prices while a strategy's target holds. 'every-weight': every bar with a weight rebalances back
   * to its targets, changed or not, as a periodic rebalancing to fixed weights must.
   */
  readonly rebalanceOn?: 'change' | 'every-weight';
}

export interface ResolvedPortfolioOptions {
  readonly cash: number;
  readonly fill: FillMode;
  readonly feeRate: number;
  readonly fixedFee: number;
  readonly slippageBps: number;
  readonly leverage: number;
  readonly lotSize: number;
  readonly closeAtEnd: boolean;
  readonly rebalanceOn: 'change' | 'every-weight';
}

/**
 * Order log: one row per fill, columns of which only the first `count` rows are meaningful
 * (the arrays returned by simulate() are views trimmed to `count`).
 */
export interface OrderLog {
  /** Bar index of the fill. */
  bar: Int32Array;
  /** Asset index (always 0 for simulate()). */
  asset: Int32Array;
  /** +1 buy, -1 sell. */
  side: Int8Array;
  /** Fill price, slippage included. */
  price: Float64Array;
  /** Units, always > 0. */
  size: Float64Array;
  /** feeRate x size x price + fixedFee. */
  fee: Float64Array;
  /** Cost of slippage in cash: size x |price - unslipped price|. */
  slippage: Float64Array;
  /** A REASON_* code. */
  reason: Uint8Array;
  count: number;
}

/**
 * Trade log: one row per round trip. A position still open after the last bar is a row with
 * isOpen = 1, exitBar = last bar, exitPrice = last close (mark to market, no exit fee or slippage)
 * and exitReason = REASON_END_OF_DATA; trade statistics leave it out (closed trades only). With
 * closeAtEnd it is closed instead, a normal row with exitReason = REASON_CLOSE_AT_END.
 */
export interface TradeLog {
  /** Asset index (always 0 for simulate()). */
  asset: Int32Array;
  entryBar: Int32Array;
  exitBar: Int32Array;
  /** Fill price(s) including slippage; for portfolio trades built from several fills, the volume-weighted average. */
  entryPrice: Float64Array;
  exitPrice: Float64Array;
  /** Signed units: > 0 long, < 0 short (for portfolio trades, the total units entered). */
  size: Float64Array;
  /** Entry fee + exit fee. */
  fees: Float64Array;
  /** size x (exitPrice - entryPrice) - fees. */
  pnl: Float64Array;
  /** pnl / (|size| x entryPrice) x 100. */
  returnPct: Float64Array;
  /** +1 long, -1 short. */
  direction: Int8Array;
  /** A REASON_* code. */
  exitReason: Uint8Array;
  /** 1 when the trade was still open after the last bar. */
  isOpen: Uint8Array;
  count: number;
}

/**
 * Optional output columns for simulate() to write into instead of allocating (each >= bars.length values;
 * the result's columns are then these arrays or views of their first bars.length values). Reusing them across
 * runs of a parameter sweep avoids allocating and first-touching 8 bytes per bar per column per run. Cash and
 * position are otherwise rebuilt from the order log only when read; given here, they are filled at once.
 */
export interface SimBuffers {
  readonly equity: Float64Array;
  readonly cash?: Float64Array;
  readonly position?: Float64Array;
}

export interface SimResult {
  /** cash + position x close at every bar's close. */
  equity: Float64Array;
  cash: Float64Array;
  /** Signed units held at each bar's close. */
  position: Float64Array;
  orders: OrderLog;
  trades: TradeLog;
  /** Sum of all order fees. */
  feesPaid: number;
  /** Sum of all order slippage costs. */
  slippagePaid: number;
  /** Bars whose close found a non-zero position. */
  exposureBars: number;
  /** equity at the last bar (the initial cash when there are no bars). */
  finalEquity: number;
  options: ResolvedSimOptions;
}

export interface PortfolioResult {
  equity: Float64Array;
  cash: Float64Array;
  /** positions[a][t] = signed units of asset a at bar t's close. */
  positions: Float64Array[];
  orders: OrderLog;
  trades: TradeLog;
  feesPaid: number;
  slippagePaid: number;
  /** Bars whose close found any non-zero position. */
  exposureBars: number;
  finalEquity: number;
  options: ResolvedPortfolioOptions;
}
