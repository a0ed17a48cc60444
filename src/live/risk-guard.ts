/**
 * The risk guard: between the strategy and the broker, it allows or refuses each order and says why in one
 * sentence (every decision is journaled, allowed or not).
 *
 * States and their transitions:
 * - active: every rule below applies to entries; exits (orders that only reduce the position) always pass.
 * - active -> reducing-only: the equity fell by the daily loss limit since the UTC day began. Only exits
 *   pass; open entry orders are to be cancelled (action `cancel-entries`). -> active again when the next UTC
 *   day begins.
 * - active <-> reducing-only while entries are paused from outside the guard (a model's features drifted from
 *   its training data, with --on-drift halt): rule `model-drift`, until the runner resumes them.
 * - active or reducing-only -> halted: the drawdown from peak equity reached --max-drawdown, or the kill
 *   switch. Halted is final for the run: nothing passes but the `flatten` order that closes the position.
 *   Both halts ask the runner to cancel every open order and flatten (a halted run could not manage a
 *   position: its exits would be refused); the kill switch also asks it to stop.
 *
 * Rules for entries (any order that opens, grows or reverses the position), in the order they are checked:
 * daily loss (reducing-only), cooldown after a stop-loss, stop-losses per period, orders per minute, max order
 * notional, max position (units), max position notional. Exits pass every rule: a limit must never keep a
 * position from being closed. An order marked reduce-only that would not reduce the position is refused.
 *
 * Bars and time: the guard counts the bars reported through `onBar`; a cooldown of N bars refuses entries at
 * the next N bar closes after a stop-loss fill (the close of the bar the stop filled in is the first when
 * fills are reported before `onBar`). Durations are measured on the clock given to the constructor (the
 * runner's bar time in a replay) and on fill times. UTC days are taken from the account snapshots' times.
 *
 * Rebuilding after a crash: `RiskGuard.restore(config, journal)` replays the journal, which therefore must
 * hold what the guard was shown, in the order it was shown: a `bar` entry for each `onBar` call and a
 * `position` entry with the very account passed to it (and to `observe` for any other snapshot), the `order`
 * and `fill` entries of every `onFill`, and every decision returned (`risk` entries). `snapshot()` and
 * `RiskGuard.fromSnapshot` give the same state as plain JSON.
 */
import type { AccountSnapshot, Fill, JournalEntry, OrderRequest, RiskDecision, RiskState } from './types.js';
import { describeRiskLength, type RiskConfig } from './risk-config.js';

/** What the runner must do after a decision that changed the state. */
export type RiskAction = 'cancel-entries' | 'cancel-all' | 'flatten' | 'stop';

export interface RiskUpdate {
  /** State changes (journal them), empty when nothing changed. */
  readonly decisions: readonly RiskDecision[];
  readonly actions: readonly RiskAction[];
}

export interface RiskCheckContext {
  /** Reference price for notional values (the last close or the best quote); default the account's mark price. */
  readonly price?: number;
  /**
   * Signed base units of the symbol's open orders not filled yet (buys +, sells -): an entry's position limits
   * count them, so resting orders cannot add up beyond the limit. Default 0.
   */
  readonly pending?: number;
}

/** Everything the guard remembers, as plain JSON. */
export interface RiskGuardSnapshot {
  readonly version: 1;
  readonly bars: number;
  readonly peakEquity: number | null;
  readonly lastEquity: number | null;
  /** UTC day number (epoch days) of the last snapshot seen. */
  readonly lastDay: number | null;
  readonly dayStartEquity: number | null;
  /** Reducing-only until this time (the next UTC midnight), or null. */
  readonly reducingUntil: number | null;
  readonly reducingReason: string | null;
  readonly halt: { readonly rule: string; readonly reason: string } | null;
  /** Entries paused from outside the guard (model drift), or null; absent in snapshots of older runs. */
  readonly paused?: { readonly rule: string; readonly reason: string } | null;
  /** Times of the orders allowed within the last minute. */
  readonly orderTimes: readonly number[];
  /** Stop-loss fills: the order, the fill time and the guard's bar count then. */
  readonly stops: readonly { readonly clientOrderId: string; readonly time: number; readonly bar: number }[];
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Order reasons that are stop-losses for the cooldown and the stops-per-period rule. */
const STOP_REASONS = new Set(['stop-loss', 'trailing-stop']);
/** Amounts within this fraction of the position count as equal (a float sum of fills closes it exactly). */
const TOLERANCE = 1e-9;

/** The kill switch's sentence around its cause, which `restore` reads back. */
const KILL_PREFIX = 'Kill switch: ';
const KILL_SUFFIX = '; cancelling open orders, flattening the position and stopping.';

/** The sentences of a pause and its end, which `restore` reads back. */
const PAUSE_PREFIX = 'New entries paused: ';
const PAUSE_END = 'New entries allowed again';

const num = (x: number) => String(Number(x.toPrecision(10)));
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export class RiskGuard {
  private bars = 0;
  private peakEquity: number | null = null;
  private lastEquity: number | null = null;
  private lastDay: number | null = null;
  private dayStartEquity: number | null = null;
  private reducingUntil: number | null = null;
  private reducingReason: string | null = null;
  private halt: { rule: string; reason: string } | null = null;
  private paused: { rule: string; reason: string } | null = null;
  private orderTimes: number[] = [];
  private stops: { clientOrderId: string; time: number; bar: number }[] = [];

  constructor(
    readonly config: RiskConfig,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The state now (reducing-only ends by itself when the next UTC day begins). */
  get state(): RiskState {
    return this.stateAt(this.clock());
  }

  private stateAt(time: number): RiskState {
    if (this.halt) return 'halted';
    if ((this.reducingUntil !== null && time < this.reducingUntil) || this.paused) return 'reducing-only';
    return 'active';
  }

  /** Allows or refuses one order, before it is sent; an allowed order counts toward the orders-per-minute window. */
  check(order: OrderRequest, account: AccountSnapshot, context: RiskCheckContext = {}): RiskDecision {
    const time = this.clock();
    const price = context.price ?? account.markPrice;
    const what = `Order ${order.clientOrderId} (${order.side} ${num(order.amount)} ${order.symbol}, ${order.reason})`;
    this.forgetOrdersBefore(time);
    const decide = (allowed: boolean, rule: string, reason: string): RiskDecision => {
      if (allowed) this.orderTimes.push(time);
      return { time, clientOrderId: order.clientOrderId, allowed, rule, reason, state: this.stateAt(time) };
    };
    if (!(order.amount > 0) || !Number.isFinite(order.amount)) return decide(false, 'min-size', `${what} refused: an order amount must be a number greater than 0.`);
    const position = account.position;
    const delta = order.side === 'buy' ? order.amount : -order.amount;
    const after = position + (context.pending ?? 0) + delta;
    const reduces = position !== 0 && Math.sign(delta) !== Math.sign(position) && order.amount <= Math.abs(position) * (1 + TOLERANCE);

    if (this.halt) {
      if (reduces && order.reason === 'flatten') return decide(true, 'ok', `${what} allowed while halted: it closes the position.`);
      return decide(false, this.halt.rule, `${what} refused: the run is halted (${this.halt.reason}), so only the order that flattens the position is allowed.`);
    }
    if (order.reduceOnly && !reduces) {
      return decide(false, 'reduce-only', `${what} refused: it is reduce-only but would not reduce the position of ${num(position)}.`);
    }
    if (reduces) return decide(true, 'ok', `${what} allowed: it reduces the position${this.stateAt(time) === 'reducing-only' ? ', as reducing-only allows' : ''}.`);

    if (this.paused) return decide(false, this.paused.rule, `${what} refused: ${this.paused.reason}, so only exits are allowed until it clears.`);
    if (this.stateAt(time) === 'reducing-only') {
      return decide(false, 'daily-loss', `${what} refused: ${this.reducingReason}, so only exits are allowed until ${iso(this.reducingUntil!)}.`);
    }
    const refusal = this.entryRefusal(order, time, price, after, what);
    if (refusal) return decide(false, refusal[0], refusal[1]);
    return decide(true, 'ok', `${what} allowed: within every risk limit.`);
  }

  private entryRefusal(order: OrderRequest, time: number, price: number, after: number, what: string): [rule: string, reason: string] | undefined {
    const c = this.config;
    const lastStop = this.stops[this.stops.length - 1];
    if (c.cooldown && lastStop) {
      const length = c.cooldown;
      const cooling = length.kind === 'bars' ? this.bars - lastStop.bar <= length.bars : time < lastStop.time + length.ms;
      if (cooling) {
        const closes = length.kind === 'bars' ? length.bars - (this.bars - lastStop.bar) + 1 : 0;
        const until = length.kind === 'bars' ? `${closes} more bar close${closes === 1 ? '' : 's'}` : iso(lastStop.time + length.ms);
        return ['cooldown', `${what} refused: cooling down for ${describeRiskLength(length)} after stop-loss ${lastStop.clientOrderId}, until ${until}.`];
      }
    }
    if (c.maxStops) {
      const period = c.maxStops.period;
      const recent = this.stops.filter((s) => (period.kind === 'bars' ? this.bars - s.bar <= period.bars : time - s.time < period.ms));
      if (recent.length >= c.maxStops.count) {
        return ['stops-per-period', `${what} refused: ${recent.length} stop-losses filled within the last ${describeRiskLength(period)}, the limit is ${c.maxStops.count}.`];
      }
    }
    if (c.maxOrdersPerMinute !== undefined && this.orderTimes.length >= c.maxOrdersPerMinute) {
      return ['orders-per-minute', `${what} refused: ${this.orderTimes.length} orders were allowed within the last minute, the limit is ${c.maxOrdersPerMinute}.`];
    }
    const orderPrice = order.price ?? order.stopPrice ?? price;
    if (c.maxOrderNotional !== undefined && order.amount * orderPrice > c.maxOrderNotional) {
      return ['max-order-notional', `${what} refused: its value ${num(order.amount * orderPrice)} at ${num(orderPrice)} is above the max order notional ${num(c.maxOrderNotional)}.`];
    }
    if (c.maxPosition !== undefined && Math.abs(after) > c.maxPosition * (1 + TOLERANCE)) {
      return ['max-position', `${what} refused: the position would be ${num(after)} units, beyond the max position of ${num(c.maxPosition)}.`];
    }
    if (c.maxPositionNotional !== undefined && Math.abs(after) * price > c.maxPositionNotional) {
      return ['max-position-notional', `${what} refused: the position would be worth ${num(Math.abs(after) * price)} at ${num(price)}, beyond the max position notional of ${num(c.maxPositionNotional)}.`];
    }
    return undefined;
  }

  /** Orders allowed a minute or more before `time` leave the sliding window. */
  private forgetOrdersBefore(time: number): void {
    if (this.orderTimes.length > 0 && this.orderTimes[0] <= time - MINUTE_MS) this.orderTimes = this.orderTimes.filter((t) => t > time - MINUTE_MS);
  }

  /** A fill reported by the broker; stop-loss fills (counted once per order) start a cooldown and count per period. */
  onFill(fill: Fill, order: Pick<OrderRequest, 'clientOrderId' | 'reason'>): void {
    if (!STOP_REASONS.has(order.reason)) return;
    if (this.stops.some((s) => s.clientOrderId === order.clientOrderId)) return;
    this.stops.push({ clientOrderId: order.clientOrderId, time: fill.time, bar: this.bars });
  }

  /** A bar closed: counts it and takes the account marked to its close. */
  onBar(account: AccountSnapshot): RiskUpdate {
    this.bars++;
    return this.observe(account);
  }

  /**
   * An account snapshot: tracks peak equity and the day's starting equity (the last equity seen before the UTC
   * day began), and trips the drawdown halt and the daily loss limit.
   */
  observe(account: AccountSnapshot): RiskUpdate {
    const { time, equity } = account;
    const day = Math.floor(time / DAY_MS);
    if (this.lastDay === null) this.dayStartEquity = equity;
    else if (day > this.lastDay) this.dayStartEquity = this.lastEquity;
    this.lastDay = day;
    this.lastEquity = equity;
    this.peakEquity = this.peakEquity === null ? equity : Math.max(this.peakEquity, equity);
    const decisions: RiskDecision[] = [];
    const actions: RiskAction[] = [];
    const decision = (allowed: boolean, rule: string, reason: string) => decisions.push({ time, allowed, rule, reason, state: this.stateAt(time) });
    if (this.halt) return { decisions, actions };

    if (this.reducingUntil !== null && time >= this.reducingUntil) {
      this.reducingUntil = null;
      this.reducingReason = null;
      decision(true, 'daily-loss', `A new UTC day began (${iso(day * DAY_MS)}): new entries are allowed again.`);
    }
    const c = this.config;
    const peak = this.peakEquity;
    if (c.maxDrawdown !== undefined && peak > 0 && (peak - equity) / peak >= c.maxDrawdown * (1 - TOLERANCE)) {
      const drawdown = (peak - equity) / peak;
      this.halt = { rule: 'max-drawdown', reason: `equity ${num(equity)} is ${num(drawdown * 100)}% below its peak ${num(peak)}, at or beyond the max drawdown of ${num(c.maxDrawdown * 100)}%` };
      decision(false, 'max-drawdown', `Halted: ${this.halt.reason}; cancelling open orders and flattening the position.`);
      return { decisions, actions: ['cancel-all', 'flatten'] };
    }
    const limit = c.dailyLossLimit;
    const start = this.dayStartEquity!;
    if (limit && this.reducingUntil === null) {
      const allowedLoss = limit.kind === 'cash' ? limit.amount : limit.fraction * start;
      const loss = start - equity;
      if (loss > 0 && loss >= allowedLoss * (1 - TOLERANCE)) {
        this.reducingUntil = (day + 1) * DAY_MS;
        const of = limit.kind === 'cash' ? `${num(limit.amount)}` : `${num(limit.fraction * 100)}% of ${num(start)}`;
        this.reducingReason = `the daily loss limit was reached (equity ${num(equity)} is ${num(loss)} below the day's start ${num(start)}; the limit is ${of})`;
        decision(false, 'daily-loss', `Reducing only until ${iso(this.reducingUntil)}: ${this.reducingReason}; open entry orders are cancelled.`);
        actions.push('cancel-entries');
      }
    }
    return { decisions, actions };
  }

  /** The kill switch: halted for good; the runner cancels every open order, flattens the position and stops. */
  killSwitch(why = 'the kill switch was used'): RiskUpdate {
    const time = this.clock();
    this.halt ??= { rule: 'kill-switch', reason: why };
    const decision: RiskDecision = { time, allowed: false, rule: 'kill-switch', reason: `${KILL_PREFIX}${why}${KILL_SUFFIX}`, state: 'halted' };
    return { decisions: [decision], actions: ['cancel-all', 'flatten', 'stop'] };
  }

  /**
   * Pauses new entries for a reason found outside the guard (rule `model-drift`: a model's inputs drifted), or
   * resumes them (`reason` null). Open entry orders are cancelled on a pause. Nothing changes after a halt.
   */
  pauseEntries(rule: string, reason: string | null): RiskUpdate {
    const time = this.clock();
    if (this.halt || (reason === null) === (this.paused === null)) return { decisions: [], actions: [] };
    this.paused = reason === null ? null : { rule, reason };
    const decision: RiskDecision = reason === null
      ? { time, allowed: true, rule, reason: `${PAUSE_END}.`, state: this.stateAt(time) }
      : { time, allowed: false, rule, reason: `${PAUSE_PREFIX}${reason}.`, state: this.stateAt(time) };
    return { decisions: [decision], actions: reason === null ? [] : ['cancel-entries'] };
  }

  snapshot(): RiskGuardSnapshot {
    return {
      version: 1,
      bars: this.bars,
      peakEquity: this.peakEquity,
      lastEquity: this.lastEquity,
      lastDay: this.lastDay,
      dayStartEquity: this.dayStartEquity,
      reducingUntil: this.reducingUntil,
      reducingReason: this.reducingReason,
      halt: this.halt && { ...this.halt },
      paused: this.paused && { ...this.paused },
      orderTimes: [...this.orderTimes],
      stops: this.stops.map((s) => ({ ...s })),
    };
  }

  static fromSnapshot(config: RiskConfig, snapshot: RiskGuardSnapshot, clock?: () => number): RiskGuard {
    const guard = new RiskGuard(config, clock);
    guard.bars = snapshot.bars;
    guard.peakEquity = snapshot.peakEquity;
    guard.lastEquity = snapshot.lastEquity;
    guard.lastDay = snapshot.lastDay;
    guard.dayStartEquity = snapshot.dayStartEquity;
    guard.reducingUntil = snapshot.reducingUntil;
    guard.reducingReason = snapshot.reducingReason;
    guard.halt = snapshot.halt && { ...snapshot.halt };
    guard.paused = snapshot.paused ? { ...snapshot.paused } : null;
    guard.orderTimes = [...snapshot.orderTimes];
    guard.stops = snapshot.stops.map((s) => ({ ...s }));
    return guard;
  }

  /**
   * The guard a run had when its journal ends, rebuilt by replaying what it was shown (see the module comment
   * for what the journal must hold). State changes found again by the replay are not returned: they are in the
   * journal already.
   */
  static restore(config: RiskConfig, entries: readonly JournalEntry[], clock?: () => number): RiskGuard {
    const guard = new RiskGuard(config, clock);
    const orders = new Map<string, OrderRequest>();
    for (const entry of entries) {
      switch (entry.kind) {
        case 'bar':
          guard.bars++;
          break;
        case 'position':
          guard.observe(entry.account);
          break;
        case 'order':
          orders.set(entry.order.clientOrderId, entry.order);
          break;
        case 'fill': {
          const order = orders.get(entry.fill.clientOrderId);
          if (order) guard.onFill(entry.fill, order);
          break;
        }
        case 'risk': {
          const d = entry.decision;
          if (d.clientOrderId !== undefined) {
            guard.forgetOrdersBefore(d.time);
            if (d.allowed) guard.orderTimes.push(d.time);
          } else if (d.reason.startsWith(PAUSE_PREFIX)) {
            guard.paused = { rule: d.rule, reason: d.reason.slice(PAUSE_PREFIX.length, -1) };
          } else if (d.reason.startsWith(PAUSE_END)) {
            guard.paused = null;
          } else if (d.rule === 'kill-switch') {
            guard.halt ??= { rule: 'kill-switch', reason: d.reason.slice(KILL_PREFIX.length, d.reason.length - KILL_SUFFIX.length) };
          }
          break;
        }
        default:
          break;
      }
    }
    return guard;
  }
}
