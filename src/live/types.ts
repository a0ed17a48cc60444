/**
 * The shared vocabulary of paper and live trading: orders, fills, account snapshots and journal entries.
 * Feed -> runner -> strategy -> risk guard -> broker; every entry below is journaled before it is acted on.
 */

export type OrderSide = 'buy' | 'sell';
export type OrderType = 'market' | 'limit' | 'stop-market' | 'take-profit-market';

/** Order states; `src/live/orders.ts` allows only the legal transitions between them. */
export type OrderState =
  | 'new'
  | 'submitted'
  | 'partially-filled'
  | 'filled'
  | 'pending-cancel'
  | 'cancelled'
  | 'rejected'
  | 'expired';

/** What the runner asks a broker to do. `amount` is in base units (already sized by the engine's rules). */
export interface OrderRequest {
  /** Unique per run, stable across restarts (the journal's key for the order): `${runId}-${seq}`. */
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly amount: number;
  /** Limit price (type 'limit'). */
  readonly price?: number;
  /** Trigger price (types 'stop-market' and 'take-profit-market'). */
  readonly stopPrice?: number;
  /** Only reduces the position (exits, stops); the risk guard lets these through when reducing-only. */
  readonly reduceOnly: boolean;
  /** Why: 'entry', 'signal', 'reverse', 'stop-loss', 'take-profit', 'trailing-stop', 'max-hold', 'flatten'. */
  readonly reason: string;
  /** Index of the bar whose close decided the order (the signal bar). */
  readonly signalBar: number;
  /** Epoch ms when the order was decided. */
  readonly time: number;
}

export interface Fill {
  readonly clientOrderId: string;
  /** The venue's trade id (paper: `${clientOrderId}-${k}`), so a fill reconciled twice is counted once. */
  readonly fillId: string;
  readonly side: OrderSide;
  readonly amount: number;
  readonly price: number;
  /** Fee in quote currency. */
  readonly fee: number;
  /** Index of the bar the fill happened in (paper: the bar whose open or close it took). */
  readonly bar: number;
  readonly time: number;
}

/** An order as a broker reports it. */
export interface OrderStatus {
  readonly clientOrderId: string;
  readonly exchangeOrderId?: string;
  readonly state: OrderState;
  readonly filled: number;
  readonly remaining: number;
  readonly averagePrice?: number;
  /** The venue's sentence when rejected. */
  readonly reason?: string;
  /** The order itself when the broker created it (protective orders, a venue-side exit), for the journal. */
  readonly request?: OrderRequest;
}

/** What the risk guard and `rrr status` see of the account, in quote currency. */
export interface AccountSnapshot {
  readonly time: number;
  readonly cash: number;
  /** Signed base units. */
  readonly position: number;
  readonly markPrice: number;
  readonly equity: number;
}

export type RiskState = 'active' | 'reducing-only' | 'halted';

/** One decision of the risk guard, journaled with its reason whether it allows or refuses. */
export interface RiskDecision {
  readonly time: number;
  readonly clientOrderId?: string;
  readonly allowed: boolean;
  /** Which rule: 'max-position', 'max-position-notional', 'max-order-notional', 'orders-per-minute',
   * 'daily-loss', 'max-drawdown', 'cooldown', 'stops-per-period', 'kill-switch', 'min-size', 'precision',
   * 'balance', or 'ok'. */
  readonly rule: string;
  /** One sentence for the user. */
  readonly reason: string;
  /** The guard's state after this decision. */
  readonly state: RiskState;
}

/** A closed bar as feeds deliver it (epoch ms of the bar's open). */
export interface LiveBar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Lines of a run's journal (`journal.jsonl` in the run's folder), in the order they were written. */
export type JournalEntry =
  | { readonly kind: 'start'; readonly time: number; readonly runId: string; readonly config: RunConfig }
  | { readonly kind: 'resume'; readonly time: number; readonly pid: number }
  | { readonly kind: 'bar'; readonly time: number; readonly index: number; readonly bar: LiveBar; /** History loaded at the start: the strategy sees it, nothing is traded on it. */ readonly warmup?: true }
  | { readonly kind: 'order'; readonly time: number; readonly order: OrderRequest }
  | { readonly kind: 'order-state'; readonly time: number; readonly status: OrderStatus }
  | { readonly kind: 'fill'; readonly time: number; readonly fill: Fill }
  | { readonly kind: 'position'; readonly time: number; readonly account: AccountSnapshot }
  | { readonly kind: 'risk'; readonly time: number; readonly decision: RiskDecision }
  | { readonly kind: 'note'; readonly time: number; readonly level: 'info' | 'warn' | 'error'; readonly message: string }
  | DriftEntry
  | { readonly kind: 'stop'; readonly time: number; readonly reason: string };

/** One feature's drift from a model's training data over the recent bars (see src/ml/drift.ts). */
export interface FeatureDriftEntry {
  readonly feature: string;
  readonly psi: number;
  readonly ks: number;
  readonly pValue: number;
  readonly drifted: boolean;
}

/**
 * A model's drift check, journaled when the set of drifted features changes and every `window` bars: the
 * features' PSI and KS over the last `window` bars against the model's training profile. `unchecked` says
 * why a model's drift cannot be checked (written once).
 */
export interface DriftEntry {
  readonly kind: 'drift';
  readonly time: number;
  readonly index: number;
  readonly model: string;
  readonly window: number;
  readonly drifted: readonly string[];
  readonly features: readonly FeatureDriftEntry[];
  readonly unchecked?: string;
}

/** What a run was started with; enough to resume it (no secrets: keys are read again from the environment). */
export interface RunConfig {
  readonly mode: 'paper' | 'live';
  readonly strategy: string;
  readonly params: Readonly<Record<string, number | string | boolean>>;
  readonly symbol: string;
  readonly timeframe: string;
  readonly feed: 'replay' | 'exchange';
  readonly broker: 'paper' | 'exchange';
  readonly exchange?: string;
  readonly exchangeUrl?: string;
  /** The engine's settings (SimOptions as JSON). */
  readonly sim: Readonly<Record<string, unknown>>;
  readonly risk: Readonly<Record<string, unknown>>;
  /** How the bars were chosen (store symbol or file, range), so a resumed replay loads the same bars. */
  readonly data?: Readonly<Record<string, unknown>>;
  /** Replay speed in bars per second (0 = as fast as possible). */
  readonly speed?: number;
}

/** A venue's rules for one symbol, used to round and check orders before sending them. */
export interface MarketInfo {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Price step (0 = none). */
  readonly tickSize: number;
  /** Amount step (0 = none). */
  readonly stepSize: number;
  readonly minQty: number;
  readonly minNotional: number;
  /** Whether stop-loss / take-profit can rest on the venue as orders (otherwise the runner emulates them). */
  readonly stopOrders: boolean;
}

/** Where orders go: the paper broker (the engine's own fills) or an exchange through ccxt. */
export interface Broker {
  readonly kind: 'paper' | 'exchange';
  /** Sends an order; resolves once the venue accepted or rejected it (a rejection is a status, not a throw). */
  submit(order: OrderRequest): Promise<OrderStatus>;
  cancel(clientOrderId: string): Promise<OrderStatus>;
  /** Fills and order states changed since the last call, reconciled from the venue; each fill reported once. */
  sync(): Promise<{ readonly fills: readonly Fill[]; readonly orders: readonly OrderStatus[] }>;
  /** Free balances by currency. */
  balances(): Promise<Readonly<Record<string, number>>>;
  openOrders(): Promise<readonly OrderStatus[]>;
  close(): Promise<void>;
}

/** Closed bars, in order, without duplicates or gaps. */
export interface Feed {
  /** The next closed bar, waiting for it; null when the feed ended (replay) or was stopped. */
  next(): Promise<LiveBar | null>;
  /** Closed bars with time in [since, until), for the history and for backfill after a restart. */
  history(since: number, until?: number): Promise<LiveBar[]>;
  close(): Promise<void>;
}
