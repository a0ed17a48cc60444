import { SIM_DEFAULTS } from '../engine/options.js';
import type { AccountSnapshot, DriftEntry, Fill, JournalEntry, LiveBar, OrderRequest, OrderState, RiskDecision, RiskState, RunConfig } from './types.js';

/**
 * What `rrr status` shows of a run, folded from its journal entries. The running runner folds each entry as it
 * journals it (and serves the result on its endpoint); a stopped run's journal file is folded the same way.
 */

export const ORDER_STATES: readonly OrderState[] = ['new', 'submitted', 'partially-filled', 'filled', 'pending-cancel', 'cancelled', 'rejected', 'expired'];
const TERMINAL = new Set<OrderState>(['filled', 'cancelled', 'rejected', 'expired']);
/** How many of the latest risk decisions a status carries. */
export const LAST_DECISIONS = 20;

export interface StatusOrder {
  readonly clientOrderId: string;
  readonly exchangeOrderId?: string;
  readonly symbol: string;
  readonly side: OrderRequest['side'];
  readonly type: OrderRequest['type'];
  readonly amount: number;
  readonly price?: number;
  readonly stopPrice?: number;
  readonly reduceOnly: boolean;
  readonly reason: string;
  readonly state: OrderState;
  readonly filled: number;
  readonly remaining: number;
  readonly averagePrice?: number;
  /** The venue's sentence for a rejection. */
  readonly rejection?: string;
  readonly time: number;
}

export interface StatusPosition {
  readonly symbol: string;
  /** Signed base units. */
  readonly amount: number;
  /** Average entry price of the open amount (average cost), null when flat. */
  readonly averagePrice: number | null;
  readonly markPrice: number | null;
  /** amount x markPrice. */
  readonly value: number;
  readonly unrealizedPnl: number;
}

export interface RunStatus {
  readonly runId: string | null;
  readonly mode: RunConfig['mode'] | null;
  /** 'running' until a stop entry; a run whose process died without one is 'running' in its journal too:
   * the caller that knows whether the process lives (rrr status) tells 'crashed' from 'running'. */
  readonly state: 'running' | 'stopped' | 'crashed';
  readonly startedAt: number | null;
  readonly resumedAt: readonly number[];
  readonly stoppedAt: number | null;
  readonly stopReason: string | null;
  /** The run's settings with anything secret-looking removed. */
  readonly config: RunConfig | null;
  readonly initialCash: number;
  /** From the fills, average-cost accounting: equity - initialCash = realizedPnl + unrealizedPnl - fees. */
  readonly cash: number;
  readonly equity: number;
  readonly realizedPnl: number;
  readonly unrealizedPnl: number;
  readonly fees: number;
  readonly positions: readonly StatusPosition[];
  /** The account as the runner last journaled it (for live runs, as the venue reported it). */
  readonly account: AccountSnapshot | null;
  readonly openOrders: readonly StatusOrder[];
  /** Count of orders in each state (every state present, 0 included). */
  readonly ordersByState: Readonly<Record<OrderState, number>>;
  readonly orders: number;
  readonly fills: number;
  readonly bars: number;
  readonly lastBar: { readonly index: number; readonly bar: LiveBar; readonly receivedAt: number } | null;
  readonly riskState: RiskState;
  readonly riskDecisions: { readonly allowed: number; readonly refused: number };
  /** The latest decisions, oldest first. */
  readonly lastDecisions: readonly RiskDecision[];
  /** The latest drift check of each model the strategy runs, in the order the models were first run. */
  readonly drift: readonly DriftEntry[];
  /** Warn and error notes, the latest 20, oldest first. */
  readonly notes: readonly { readonly time: number; readonly level: 'warn' | 'error'; readonly message: string }[];
  /** Time of the last journal entry. */
  readonly updatedAt: number | null;
}

const SECRET_KEY = /secret|password|passphrase|token|api[-_]?key|private/i;

/** A config fit to show: secret-looking keys dropped, credentials in URLs removed. */
export function publicConfig(config: RunConfig): RunConfig {
  const clean = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(clean);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).filter(([k]) => !SECRET_KEY.test(k)).map(([k, v]) => [k, clean(v)]));
    }
    if (typeof value === 'string') return stripUrlCredentials(value);
    return value;
  };
  return clean(config) as RunConfig;
}

function stripUrlCredentials(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');
}

type MutableOrder = { -readonly [K in keyof StatusOrder]: StatusOrder[K] };

/** Folds journal entries, in order, into a RunStatus. */
export class RunStateBuilder {
  private runId: string | null = null;
  private config: RunConfig | null = null;
  private startedAt: number | null = null;
  private readonly resumedAt: number[] = [];
  private stoppedAt: number | null = null;
  private stopReason: string | null = null;
  private initialCash: number = SIM_DEFAULTS.cash;
  private cash: number = SIM_DEFAULTS.cash;
  private position = 0;
  private averagePrice = 0;
  private realized = 0;
  private fees = 0;
  private account: AccountSnapshot | null = null;
  private readonly orders = new Map<string, MutableOrder>();
  private readonly fillIds = new Set<string>();
  private bars = 0;
  private lastBar: RunStatus['lastBar'] = null;
  private riskState: RiskState = 'active';
  private allowed = 0;
  private refused = 0;
  private decisions: RiskDecision[] = [];
  private notes: { time: number; level: 'warn' | 'error'; message: string }[] = [];
  private readonly drift = new Map<string, DriftEntry>();
  private updatedAt: number | null = null;
  /** The latest price in journal order: a bar's close, the account's mark, or a fill's price. */
  private mark: number | null = null;

  static fold(entries: Iterable<JournalEntry>): RunStatus {
    const builder = new RunStateBuilder();
    for (const entry of entries) builder.apply(entry);
    return builder.status();
  }

  apply(entry: JournalEntry): void {
    this.updatedAt = entry.time;
    switch (entry.kind) {
      case 'start': {
        this.runId = entry.runId;
        this.config = publicConfig(entry.config);
        this.startedAt = entry.time;
        const cash = entry.config.sim?.cash;
        this.initialCash = typeof cash === 'number' && Number.isFinite(cash) ? cash : SIM_DEFAULTS.cash;
        this.cash = this.initialCash;
        break;
      }
      case 'resume':
        this.resumedAt.push(entry.time);
        this.stoppedAt = null;
        this.stopReason = null;
        break;
      case 'stop':
        this.stoppedAt = entry.time;
        this.stopReason = entry.reason;
        break;
      case 'bar':
        this.bars++;
        this.lastBar = { index: entry.index, bar: entry.bar, receivedAt: entry.time };
        this.mark = entry.bar.close;
        break;
      case 'order': {
        const o = entry.order;
        this.orders.set(o.clientOrderId, {
          clientOrderId: o.clientOrderId,
          symbol: o.symbol,
          side: o.side,
          type: o.type,
          amount: o.amount,
          ...(o.price !== undefined ? { price: o.price } : {}),
          ...(o.stopPrice !== undefined ? { stopPrice: o.stopPrice } : {}),
          reduceOnly: o.reduceOnly,
          reason: o.reason,
          state: 'new',
          filled: 0,
          remaining: o.amount,
          time: o.time,
        });
        break;
      }
      case 'order-state': {
        const s = entry.status;
        const order = this.orders.get(s.clientOrderId);
        // A state for an order the journal never placed (adopted from the venue after a restart) is still shown.
        const target: MutableOrder = order ?? {
          clientOrderId: s.clientOrderId, symbol: this.config?.symbol ?? '', side: 'buy', type: 'market', amount: s.filled + s.remaining,
          reduceOnly: false, reason: 'unknown', state: s.state, filled: s.filled, remaining: s.remaining, time: entry.time,
        };
        target.state = s.state;
        target.filled = s.filled;
        target.remaining = s.remaining;
        if (s.exchangeOrderId !== undefined) target.exchangeOrderId = s.exchangeOrderId;
        if (s.averagePrice !== undefined) target.averagePrice = s.averagePrice;
        if (s.reason !== undefined) target.rejection = s.reason;
        if (!order) this.orders.set(s.clientOrderId, target);
        break;
      }
      case 'fill':
        this.applyFill(entry.fill);
        break;
      case 'position':
        this.account = entry.account;
        if (entry.account.markPrice > 0) this.mark = entry.account.markPrice;
        break;
      case 'risk': {
        const d = entry.decision;
        if (d.allowed) this.allowed++;
        else this.refused++;
        this.riskState = d.state;
        this.decisions.push(d);
        if (this.decisions.length > 2 * LAST_DECISIONS) this.decisions = this.decisions.slice(-LAST_DECISIONS);
        break;
      }
      case 'drift':
        this.drift.set(entry.model, entry);
        break;
      case 'note':
        if (entry.level !== 'info') {
          this.notes.push({ time: entry.time, level: entry.level, message: entry.message });
          if (this.notes.length > 2 * LAST_DECISIONS) this.notes = this.notes.slice(-LAST_DECISIONS);
        }
        break;
    }
  }

  /** Average-cost accounting of one fill; a fill id seen before (reconciled twice) is not counted again. */
  private applyFill(fill: Fill): void {
    if (this.fillIds.has(fill.fillId)) return;
    this.fillIds.add(fill.fillId);
    this.mark = fill.price;
    const signed = fill.side === 'buy' ? fill.amount : -fill.amount;
    this.cash -= signed * fill.price + fill.fee;
    this.fees += fill.fee;
    const before = this.position;
    const after = before + signed;
    if (before !== 0 && Math.sign(signed) !== Math.sign(before)) {
      const closed = Math.min(Math.abs(signed), Math.abs(before));
      this.realized += closed * (fill.price - this.averagePrice) * Math.sign(before);
      // Closing through zero opens the rest at this fill's price.
      if (Math.abs(signed) > Math.abs(before)) this.averagePrice = fill.price;
    } else {
      this.averagePrice = (before * this.averagePrice + signed * fill.price) / after;
    }
    this.position = Math.abs(after) < 1e-12 * Math.max(1, Math.abs(before)) ? 0 : after;
    if (this.position === 0) this.averagePrice = 0;
  }

  status(): RunStatus {
    const mark = this.mark;
    const unrealized = this.position === 0 || mark === null ? 0 : this.position * (mark - this.averagePrice);
    const value = mark === null ? 0 : this.position * mark;
    const ordersByState = Object.fromEntries(ORDER_STATES.map((s) => [s, 0])) as Record<OrderState, number>;
    for (const o of this.orders.values()) ordersByState[o.state]++;
    const symbol = this.config?.symbol ?? '';
    const positions: StatusPosition[] =
      this.position === 0 ? [] : [{ symbol, amount: this.position, averagePrice: this.averagePrice, markPrice: mark, value, unrealizedPnl: unrealized }];
    return {
      runId: this.runId,
      mode: this.config?.mode ?? null,
      state: this.stoppedAt === null ? 'running' : 'stopped',
      startedAt: this.startedAt,
      resumedAt: [...this.resumedAt],
      stoppedAt: this.stoppedAt,
      stopReason: this.stopReason,
      config: this.config,
      initialCash: this.initialCash,
      cash: this.cash,
      equity: this.cash + value,
      realizedPnl: this.realized,
      unrealizedPnl: unrealized,
      fees: this.fees,
      positions,
      account: this.account,
      openOrders: [...this.orders.values()].filter((o) => !TERMINAL.has(o.state)).map((o) => ({ ...o })),
      ordersByState,
      orders: this.orders.size,
      fills: this.fillIds.size,
      bars: this.bars,
      lastBar: this.lastBar,
      riskState: this.riskState,
      riskDecisions: { allowed: this.allowed, refused: this.refused },
      lastDecisions: this.decisions.slice(-LAST_DECISIONS),
      drift: [...this.drift.values()],
      notes: this.notes.slice(-LAST_DECISIONS),
      updatedAt: this.updatedAt,
    };
  }
}
