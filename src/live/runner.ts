import { signalColumns } from '../engine/simulate.js';
import { ACT_CLOSE, ACT_LONG, ACT_NONE, ACT_REVERSE_TO_LONG, ACT_REVERSE_TO_SHORT, ACT_SHORT, decideAction } from '../engine/step.js';
import type { ResolvedSimOptions } from '../engine/types.js';
import type { AnyStrategy, StrategyContext } from '../strategies/define.js';
import type { ParamValues } from '../strategies/params.js';
import { forDirection, strategySignals } from '../strategies/backtest.js';
import { BarHistory } from './history.js';
import type { Execution } from './execution.js';
import type { BarMonitor } from './model-monitor.js';
import type { RiskGuard, RiskUpdate } from './risk-guard.js';
import type { AccountSnapshot, Feed, JournalEntry, LiveBar, OrderRequest, OrderSide, OrderStatus } from './types.js';

/** Where the runner writes what it does, before it acts on it. */
export interface JournalSink {
  append(entry: JournalEntry): void;
  /** Writes what was appended to the file: before each order or cancel, and at the end of each bar. */
  flush?(): void;
  /** Writes it and waits until it is on disk: before each order or cancel sent to a venue. */
  sync?(): void;
}

export interface RunnerOptions {
  runId: string;
  strategy: AnyStrategy;
  source?: string;
  params: ParamValues<any>;
  context: StrategyContext;
  sim: ResolvedSimOptions;
  symbol: string;
  timeframe: string;
  feed: Feed;
  broker: Execution;
  journal: JournalSink;
  /** Every order passes it; its clock should be `now`'s. */
  guard: RiskGuard;
  /** The clock of journal entries and of the risk guard (the bar's time in a replay, the wall clock live). */
  now?: (bar: LiveBar) => number;
  /** Called after each bar with its index (progress). */
  onBar?: (index: number, bar: LiveBar) => void;
  /** Bars that were history when the run started (a live feed's backfill): kept, not traded on. */
  isWarmup?: (bar: LiveBar) => boolean;
  /** Checks the models the strategy ran (age, drift) after its signals on each bar. */
  monitor?: BarMonitor;
}

export interface RunSummary {
  bars: number;
  orders: number;
  fills: number;
  account: AccountSnapshot;
  stoppedBy: 'end-of-feed' | 'stop';
}

/**
 * The live runner: keeps the bar history, calls the strategy's own `signals` on each closed bar and acts on the
 * last value with the engine's decision rule (decideAction, shared with simulate()), sizes orders with the
 * engine's sizing and sends them through the risk guard to the broker. Every order, fill, position change and
 * risk decision is journaled before the next thing is done with it; order ids are `${runId}-o${n}` in decision
 * order, so replaying the journaled bars after a crash makes the same ids and nothing is sent or counted twice.
 */
export class Runner {
  readonly history: BarHistory;
  private seq = 0;
  private orders = 0;
  private fills = 0;
  private stopping = false;
  private directionChecked = false;
  private lastAccount: AccountSnapshot | undefined;
  /** Every order this run knows (its own and the broker's), for the guard's view of fills. */
  private readonly requests = new Map<string, OrderRequest>();
  private time = 0;
  /** What was last journaled of each order and of the account, so a state reported twice is written once. */
  private readonly journaledStates = new Map<string, string>();
  private journaledAccount: AccountSnapshot | undefined;

  constructor(private readonly o: RunnerOptions) {
    this.history = new BarHistory(o.symbol, o.timeframe);
  }

  /** Asks the loop to stop after the bar in hand. */
  stop(): void {
    this.stopping = true;
  }

  get stopped(): boolean {
    return this.stopping;
  }

  async run(): Promise<RunSummary> {
    let stoppedBy: RunSummary['stoppedBy'] = 'stop';
    while (!this.stopping) {
      const bar = await this.o.feed.next();
      if (bar === null) {
        if (!this.stopping) stoppedBy = 'end-of-feed';
        break;
      }
      if (this.o.isWarmup?.(bar)) this.warm(bar);
      else await this.step(bar);
    }
    return { bars: this.history.length, orders: this.orders, fills: this.fills, account: this.account(), stoppedBy };
  }

  /** A bar of history from before the run: the strategy will see it; no order is decided on it. */
  warm(bar: LiveBar): void {
    const t = this.history.append(bar);
    this.o.journal.append({ kind: 'bar', time: this.o.now?.(bar) ?? Date.now(), index: t, bar, warmup: true });
    this.o.onBar?.(t, bar);
  }

  /** One closed bar: fills due in it, then the strategy's signal on it, then the orders that signal asks for. */
  async step(bar: LiveBar): Promise<void> {
    const o = this.o;
    const t = this.history.append(bar);
    const time = (this.time = o.now?.(bar) ?? Date.now());
    o.journal.append({ kind: 'bar', time, index: t, bar });
    const bars = this.history.bars();
    const exits = (await o.broker.onBar(bars, t)) ?? [];
    await this.drain(time);
    const account = this.journalAccount(time);
    await this.apply(o.guard.onBar(account));
    if (this.stopping) return void o.journal.flush?.();
    for (const exit of exits) await this.send(exit, bar.close);

    const signals = forDirection(strategySignals(o.strategy, o.source, bars, o.params, o.context), o.sim.direction);
    const report = o.monitor?.afterSignals(t, time);
    if (report) {
      for (const entry of report.entries) o.journal.append(entry);
      if (report.pause !== undefined) await this.apply(o.guard.pauseEntries('model-drift', report.pause));
    }
    if (!this.directionChecked) {
      signalColumns(signals, bars.length, o.sim.direction);
      this.directionChecked = true;
    }
    const at = (col: Uint8Array | undefined) => (col === undefined ? 0 : col[t]);
    const action = o.broker.busy ? ACT_NONE : decideAction(o.broker.book.pos, o.broker.rules, at(signals.entries), at(signals.exits), at(signals.shortEntries), at(signals.shortExits));
    for (const request of this.ordersFor(action, t, bar, time)) await this.send(request, bar.close);
    o.journal.flush?.();
    o.onBar?.(t, bar);
  }

  /** The risk guard's decision is journaled, then an allowed order is journaled and sent. */
  private async send(request: OrderRequest, price: number): Promise<boolean> {
    const o = this.o;
    const decision = o.guard.check(request, this.account(), { price });
    o.journal.append({ kind: 'risk', time: this.time, decision });
    if (!decision.allowed) return false;
    o.journal.append({ kind: 'order', time: this.time, order: request });
    this.requests.set(request.clientOrderId, request);
    this.orders++;
    this.beforeActing();
    const status = await o.broker.submit(request);
    this.journalStatus(status, this.time);
    await this.drain(this.time);
    return true;
  }

  /** Carries out what the guard asks after a change of state: cancel, flatten, stop. */
  private async apply(update: RiskUpdate): Promise<void> {
    for (const decision of update.decisions) this.o.journal.append({ kind: 'risk', time: this.time, decision });
    for (const action of update.actions) {
      if (action === 'cancel-all' || action === 'cancel-entries') {
        for (const status of await this.o.broker.openOrders()) {
          const request = this.requests.get(status.clientOrderId);
          if (action === 'cancel-entries' && request?.reduceOnly !== false) continue;
          this.beforeActing();
          this.journalStatus(await this.o.broker.cancel(status.clientOrderId), this.time);
        }
      } else if (action === 'flatten') {
        const pos = this.o.broker.book.pos;
        if (pos !== 0) {
          const n = this.history.length;
          await this.send(this.order(pos > 0 ? 'sell' : 'buy', Math.abs(pos), true, 'flatten', n - 1, this.time), this.history.bars().close[n - 1]);
        }
      } else if (action === 'stop') {
        this.stop();
      }
    }
  }

  /**
   * The journal reaches the file before anything is sent, and the disk before anything goes to a venue (a paper
   * order has no effect outside this process: a replay of the journaled bars makes it again after any crash).
   */
  private beforeActing(): void {
    if (this.o.broker.kind === 'paper') this.o.journal.flush?.();
    else this.o.journal.sync?.();
  }

  /** The kill switch (a file in the run's folder or SIGUSR2): cancel every order, flatten, stop. */
  async kill(why: string): Promise<void> {
    await this.apply(this.o.guard.killSwitch(why));
    this.stop();
  }

  private order(side: OrderSide, amount: number, reduceOnly: boolean, reason: string, signalBar: number, time: number): OrderRequest {
    return { clientOrderId: `${this.o.runId}-o${++this.seq}`, symbol: this.o.symbol, side, type: 'market', amount, reduceOnly, reason, signalBar, time };
  }

  /** The orders an action needs: an exit of the whole position, an entry sized by the engine, or both (reverse). */
  private ordersFor(action: number, t: number, bar: LiveBar, time: number): OrderRequest[] {
    if (action === ACT_NONE) return [];
    const o = this.o;
    const pos = o.broker.book.pos;
    const out: OrderRequest[] = [];
    const make = (side: OrderSide, amount: number, reduceOnly: boolean, reason: string) => this.order(side, amount, reduceOnly, reason, t, time);
    const reverse = action === ACT_REVERSE_TO_LONG || action === ACT_REVERSE_TO_SHORT;
    if (action === ACT_CLOSE || reverse) out.push(make(pos > 0 ? 'sell' : 'buy', Math.abs(pos), true, reverse ? 'reverse' : 'signal'));
    if (action === ACT_LONG || action === ACT_SHORT || reverse) {
      const side: OrderSide = action === ACT_LONG || action === ACT_REVERSE_TO_LONG ? 'buy' : 'sell';
      // Sized at the last close by the engine's rule; the paper broker sizes again at its fill price, as the backtest does.
      out.push(make(side, o.broker.estimateEntry(t, side === 'buy' ? 1 : -1, bar.close), false, 'entry'));
    }
    return out;
  }

  /** Journals what the broker reports: its own orders first, then states and fills, then the new position. */
  private async drain(time: number): Promise<void> {
    const { fills, orders } = await this.o.broker.sync();
    for (const status of orders) this.journalStatus(status, time);
    for (const fill of fills) {
      this.o.journal.append({ kind: 'fill', time, fill });
      this.fills++;
      const request = this.requests.get(fill.clientOrderId);
      if (request !== undefined) this.o.guard.onFill(fill, request);
    }
    if (fills.length > 0) this.journalAccount(time);
    for (const message of this.o.broker.takeNotes?.() ?? []) this.o.journal.append({ kind: 'note', time, level: 'warn', message });
  }

  private journalAccount(time: number): AccountSnapshot {
    const account = this.account();
    if (account !== this.journaledAccount) this.o.journal.append({ kind: 'position', time, account });
    return (this.journaledAccount = account);
  }

  private journalStatus(status: OrderStatus, time: number): void {
    if (status.request !== undefined && status.state === 'submitted') {
      this.requests.set(status.clientOrderId, status.request);
      this.o.journal.append({ kind: 'order', time, order: status.request });
    }
    const { request: _request, ...plain } = status;
    const key = `${plain.state}:${plain.filled}`;
    if (this.journaledStates.get(plain.clientOrderId) === key) return;
    this.journaledStates.set(plain.clientOrderId, key);
    this.o.journal.append({ kind: 'order-state', time, status: plain });
  }

  /** Cash, position and equity marked to the last close. */
  account(): AccountSnapshot {
    const book = this.o.broker.book;
    const n = this.history.length;
    const mark = n > 0 ? this.history.bars().close[n - 1] : NaN;
    const time = n > 0 ? this.history.lastTime() : 0;
    const equity = book.cash + (book.pos === 0 ? 0 : book.pos * mark);
    const last = this.lastAccount;
    if (last !== undefined && last.time === time && last.cash === book.cash && last.position === book.pos) return last;
    return (this.lastAccount = { time, cash: book.cash, position: book.pos, markPrice: mark, equity });
  }
}
