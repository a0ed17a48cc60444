/**
 * A guard rebuilt from the journal after a crash decides exactly as the uninterrupted one. A small seeded
 * runner drives the guard and journals what it shows it (the contract in src/live/risk-guard.ts); the same run
 * is repeated with a "crash" at many points, where the guard is replaced by RiskGuard.restore(journal so far).
 */
import { describe, expect, it } from 'vitest';
import { RiskGuard, type RiskGuardSnapshot } from '../../src/live/risk-guard.js';
import type { RiskConfig } from '../../src/live/risk-config.js';
import type { AccountSnapshot, Fill, JournalEntry, OrderRequest, RiskDecision } from '../../src/live/types.js';
import { Mulberry32 } from '../../src/stats/mulberry32.js';

const T0 = Date.UTC(2026, 11, 1);
const BAR_MS = 5 * 60_000;
const BARS = 900; // a little over three UTC days
const KILL_AT = 820;

const CONFIG: RiskConfig = {
  maxPosition: 4,
  maxPositionNotional: 420,
  maxOrderNotional: 230,
  maxOrdersPerMinute: 3,
  dailyLossLimit: { kind: 'fraction', fraction: 0.012 },
  maxDrawdown: 0.2,
  cooldown: { kind: 'bars', bars: 3 },
  maxStops: { count: 2, period: { kind: 'duration', ms: 2 * 3_600_000, text: '2h' } },
};

interface Run {
  journal: JournalEntry[];
  /** Journal length and guard snapshot after each complete step. */
  checkpoints: { length: number; snapshot: RiskGuardSnapshot }[];
  /** Number of steps taken (a crash point is a step index). */
  steps: number;
}

function simulate(crashAtStep?: number): Run {
  const rng = new Mulberry32(99);
  let now = T0;
  const clock = () => now;
  let guard = new RiskGuard(CONFIG, clock);
  const journal: JournalEntry[] = [];
  const checkpoints: Run['checkpoints'] = [];
  let steps = 0;
  const step = () => {
    if (steps === crashAtStep) guard = RiskGuard.restore(CONFIG, JSON.parse(JSON.stringify(journal)) as JournalEntry[], clock);
    steps++;
  };
  const done = () => checkpoints.push({ length: journal.length, snapshot: guard.snapshot() });
  const write = (entry: JournalEntry) => journal.push(entry);
  const journalDecisions = (decisions: readonly RiskDecision[]) => decisions.forEach((decision) => write({ kind: 'risk', time: decision.time, decision }));

  let cash = 1000;
  let position = 0;
  let price = 100;
  let entryPrice = 0;
  let seq = 0;
  const account = (time: number): AccountSnapshot => ({ time, cash, position, markPrice: price, equity: cash + position * price });

  const send = (side: 'buy' | 'sell', amount: number, reason: string, reduceOnly: boolean, bar: number, fillPrice: number) => {
    step();
    const order: OrderRequest = { clientOrderId: `r-${++seq}`, symbol: 'BTC/USDT', side, type: 'market', amount, reduceOnly, reason, signalBar: bar, time: now };
    write({ kind: 'order', time: now, order });
    const decision = guard.check(order, account(now), { price });
    write({ kind: 'risk', time: now, decision });
    if (decision.allowed) {
      // Stops fill in two parts to show a stop counts once.
      const parts = reason === 'stop-loss' ? [amount / 2, amount / 2] : [amount];
      parts.forEach((part, k) => {
        const fill: Fill = { clientOrderId: order.clientOrderId, fillId: `${order.clientOrderId}-${k}`, side, amount: part, price: fillPrice, fee: part * fillPrice * 0.001, bar, time: now };
        write({ kind: 'fill', time: now, fill });
        guard.onFill(fill, order);
        cash -= (side === 'buy' ? 1 : -1) * part * fillPrice + fill.fee;
        position += side === 'buy' ? part : -part;
      });
      if (side === 'buy') entryPrice = fillPrice;
      const snapshot = account(now);
      write({ kind: 'position', time: now, account: snapshot });
      guard.observe(snapshot);
    }
    done();
  };

  for (let bar = 0; bar < BARS; bar++) {
    const open = price;
    const move = (rng.next() - 0.5) * 0.02;
    const close = open * (1 + move);
    const low = Math.min(open, close) * (1 - rng.next() * 0.01);
    now = T0 + bar * BAR_MS;
    // Intrabar stop-loss, reported before the bar's close.
    if (position > 0 && low < entryPrice * 0.99) send('sell', position, 'stop-loss', true, bar, Math.min(open, entryPrice * 0.99));
    price = close;
    now = T0 + (bar + 1) * BAR_MS;
    step();
    write({ kind: 'bar', time: now, index: bar, bar: { time: T0 + bar * BAR_MS, open, high: Math.max(open, close), low, close, volume: 1 } });
    const snapshot = account(now);
    write({ kind: 'position', time: now, account: snapshot });
    journalDecisions(guard.onBar(snapshot).decisions);
    done();
    if (bar === KILL_AT) {
      step();
      journalDecisions(guard.killSwitch('test').decisions);
      done();
    }
    // Signals at the close: 0-4 orders, seconds apart, so the per-minute window binds.
    const orders = Math.floor(rng.next() * 5);
    for (let k = 0; k < orders; k++) {
      now = T0 + (bar + 1) * BAR_MS + k * 5000;
      const r = rng.next();
      const amount = Math.round((0.5 + rng.next() * 2) * 100) / 100;
      if (r < 0.6) send('buy', amount, 'entry', false, bar, close);
      // An exit when flat is a stale reduce-only order the guard must refuse.
      else if (r < 0.8) send('sell', position > 0 ? position : amount, r < 0.7 ? 'signal' : 'flatten', true, bar, close);
      else send('sell', amount, 'reverse', false, bar, close);
    }
  }
  return { journal, checkpoints, steps };
}

describe('RiskGuard.restore and snapshots', () => {
  const baseline = simulate();
  const decisions = baseline.journal.flatMap((e) => (e.kind === 'risk' ? [e.decision] : []));

  it('the scenario exercises every rule and every state (so the comparison below means something)', () => {
    const rules = new Set(decisions.filter((d) => !d.allowed).map((d) => d.rule));
    for (const rule of ['max-position', 'max-position-notional', 'max-order-notional', 'orders-per-minute', 'daily-loss', 'cooldown', 'stops-per-period', 'kill-switch', 'reduce-only']) {
      expect(rules.has(rule), rule).toBe(true);
    }
    const states = new Set(decisions.map((d) => d.state));
    expect([...states].sort()).toEqual(['active', 'halted', 'reducing-only']);
    expect(decisions.filter((d) => d.allowed).length).toBeGreaterThan(200);
  });

  it('a guard restored from the journal at complete steps has the uninterrupted guard state', () => {
    // Every third step (and the last) keeps the quadratic replay short; the crash runs below cover other steps.
    for (const { length, snapshot } of baseline.checkpoints.filter((_, i) => i % 3 === 0 || i === baseline.checkpoints.length - 1)) {
      const restored = RiskGuard.restore(CONFIG, baseline.journal.slice(0, length));
      expect(restored.snapshot(), `after ${length} journal entries`).toEqual(snapshot);
    }
  });

  it('a run that crashes and restores its guard at any of 15 points journals the very same decisions', () => {
    const rng = new Mulberry32(5);
    for (let i = 0; i < 15; i++) {
      const crashAt = 1 + Math.floor(rng.next() * (baseline.steps - 1));
      const resumed = simulate(crashAt);
      expect(resumed.journal, `crash at step ${crashAt}`).toEqual(baseline.journal);
    }
  });

  it('snapshot -> JSON -> fromSnapshot gives a guard that decides the same', () => {
    const middle = baseline.checkpoints[Math.floor(baseline.checkpoints.length / 2)];
    const guard = RiskGuard.fromSnapshot(CONFIG, JSON.parse(JSON.stringify(middle.snapshot)) as RiskGuardSnapshot);
    expect(guard.snapshot()).toEqual(middle.snapshot);
  });
});
