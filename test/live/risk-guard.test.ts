import { describe, expect, it } from 'vitest';
import { RiskGuard } from '../../src/live/risk-guard.js';
import type { RiskConfig } from '../../src/live/risk-config.js';
import type { AccountSnapshot, Fill, OrderRequest, RiskDecision } from '../../src/live/types.js';

const T0 = Date.UTC(2026, 11, 1); // 2026-12-01T00:00:00Z
const MIN = 60_000;
const HOUR = 3_600_000;

function setup(config: RiskConfig) {
  const at = { now: T0 };
  const guard = new RiskGuard(config, () => at.now);
  return { guard, at };
}
const account = (position: number, equity: number, time = T0, markPrice = 100): AccountSnapshot => ({ time, cash: equity - position * markPrice, position, markPrice, equity });
let seq = 0;
const order = (side: 'buy' | 'sell', amount: number, o: Partial<OrderRequest> = {}): OrderRequest => ({
  clientOrderId: `o-${++seq}`,
  symbol: 'BTC/USDT',
  side,
  type: 'market',
  amount,
  reduceOnly: false,
  reason: 'entry',
  signalBar: 0,
  time: T0,
  ...o,
});
const fill = (o: OrderRequest, time: number): Fill => ({ clientOrderId: o.clientOrderId, fillId: `${o.clientOrderId}-1`, side: o.side, amount: o.amount, price: 100, fee: 0, bar: 0, time });
const oneSentence = (d: RiskDecision) => {
  expect(d.reason).toMatch(/^[A-Z][^\n]*\.$/);
  return d;
};

describe('RiskGuard: position and order limits', () => {
  it('max position in units: refuses a position beyond it on either side, never an exit', () => {
    const { guard } = setup({ maxPosition: 2 });
    const long = account(1.5, 10_000);
    expect(guard.check(order('buy', 0.5), long)).toMatchObject({ allowed: true, rule: 'ok', state: 'active' });
    const o = order('buy', 0.6);
    expect(oneSentence(guard.check(o, long))).toEqual({
      time: T0,
      clientOrderId: o.clientOrderId,
      allowed: false,
      rule: 'max-position',
      reason: `Order ${o.clientOrderId} (buy 0.6 BTC/USDT, entry) refused: the position would be 2.1 units, beyond the max position of 2.`,
      state: 'active',
    });
    expect(guard.check(order('sell', 3.5, { reason: 'reverse' }), long).allowed).toBe(true); // 1.5 -> -2
    expect(guard.check(order('sell', 4, { reason: 'reverse' }), long)).toMatchObject({ allowed: false, rule: 'max-position' }); // -> -2.5
    // Already beyond the limit (it was lowered): exits pass, entries do not.
    const big = account(3, 10_000);
    expect(guard.check(order('sell', 1, { reason: 'signal' }), big).allowed).toBe(true);
    expect(guard.check(order('buy', 0.1), big).allowed).toBe(false);
    // Open orders not filled yet count: 1.5 held + 0.4 resting + 0.2 = 2.1.
    expect(guard.check(order('buy', 0.2), long, { pending: 0.4 })).toMatchObject({ allowed: false, rule: 'max-position' });
    expect(guard.check(order('buy', 0.2), long, { pending: -0.4 }).allowed).toBe(true);
  });

  it('max position notional at the reference price (default the mark price)', () => {
    const { guard } = setup({ maxPositionNotional: 10_000 });
    const a = account(2, 20_000, T0, 4000); // 2 x 4000 = 8000
    expect(guard.check(order('buy', 0.5), a).allowed).toBe(true); // 2.5 x 4000 = 10000, not beyond
    const refused = guard.check(order('buy', 0.6), a); // 2.6 x 4000 = 10400
    expect(refused).toMatchObject({ allowed: false, rule: 'max-position-notional' });
    expect(refused.reason).toContain('the position would be worth 10400 at 4000, beyond the max position notional of 10000.');
    expect(guard.check(order('buy', 0.6), a, { price: 3800 }).allowed).toBe(true); // 2.6 x 3800 = 9880
  });

  it('max order notional: limit price, stop price or the reference price; exits of any size pass', () => {
    const { guard } = setup({ maxOrderNotional: 5000 });
    const flat = account(0, 20_000, T0, 4000);
    expect(guard.check(order('buy', 1), flat).allowed).toBe(true); // 4000
    expect(guard.check(order('buy', 1.5, { type: 'limit', price: 3500 }), flat)).toMatchObject({ allowed: false, rule: 'max-order-notional' }); // 5250
    expect(guard.check(order('buy', 1.3), flat).reason).toContain('its value 5200 at 4000 is above the max order notional 5000.');
    expect(guard.check(order('buy', 1.3), flat, { price: 3800 }).allowed).toBe(true); // 4940
    expect(guard.check(order('sell', 2, { reduceOnly: true, reason: 'stop-loss' }), account(2, 20_000, T0, 4000)).allowed).toBe(true); // 8000, an exit
  });

  it('max orders per minute: a sliding 60 s window of allowed orders; exits count but are never refused', () => {
    const { guard, at } = setup({ maxOrdersPerMinute: 3 });
    const flat = account(0, 10_000);
    const at_ = (seconds: number, o: OrderRequest, a = flat) => {
      at.now = T0 + seconds * 1000;
      return guard.check(o, a);
    };
    expect(at_(0, order('buy', 1)).allowed).toBe(true);
    expect(at_(10, order('buy', 1)).allowed).toBe(true);
    expect(at_(20, order('buy', 1)).allowed).toBe(true);
    const refused = at_(30, order('buy', 1));
    expect(refused).toMatchObject({ allowed: false, rule: 'orders-per-minute' });
    expect(refused.reason).toContain('3 orders were allowed within the last minute, the limit is 3.');
    expect(at_(35, order('sell', 1, { reason: 'signal' }), account(1, 10_000)).allowed).toBe(true); // exit: 4 in the window
    expect(at_(60, order('buy', 1)).allowed).toBe(false); // the order at 0 s left; 10, 20, 35 remain
    expect(at_(70, order('buy', 1)).allowed).toBe(true); // 10 s left too: 20, 35
  });

  it('refuses a reduce-only order that would not reduce, and a non-positive amount', () => {
    const { guard } = setup({});
    expect(guard.check(order('sell', 1, { reduceOnly: true, reason: 'stop-loss' }), account(0, 10_000))).toMatchObject({ allowed: false, rule: 'reduce-only' });
    expect(guard.check(order('sell', 2, { reduceOnly: true, reason: 'stop-loss' }), account(1, 10_000))).toMatchObject({ allowed: false, rule: 'reduce-only' });
    expect(guard.check(order('buy', 0), account(0, 10_000))).toMatchObject({ allowed: false, rule: 'min-size' });
    // No limits: everything is allowed, with a sentence.
    expect(oneSentence(guard.check(order('buy', 100), account(0, 10_000)))).toMatchObject({ allowed: true, rule: 'ok' });
  });
});

describe('RiskGuard: daily loss limit -> reducing-only until the next UTC day', () => {
  it('trips at a cash loss from the day start, allows exits only, and lifts at 00:00 UTC', () => {
    const { guard, at } = setup({ dailyLossLimit: { kind: 'cash', amount: 500 } });
    expect(guard.onBar(account(1, 10_000, T0)).decisions).toEqual([]); // day start 10000
    expect(guard.onBar(account(1, 9600, T0 + 10 * HOUR)).decisions).toEqual([]); // lost 400
    const tripped = guard.onBar(account(1, 9500, T0 + 11 * HOUR)); // lost 500
    expect(tripped.actions).toEqual(['cancel-entries']);
    expect(tripped.decisions).toEqual([
      {
        time: T0 + 11 * HOUR,
        allowed: false,
        rule: 'daily-loss',
        reason: "Reducing only until 2026-12-02T00:00:00Z: the daily loss limit was reached (equity 9500 is 500 below the day's start 10000; the limit is 500); open entry orders are cancelled.",
        state: 'reducing-only',
      },
    ]);
    at.now = T0 + 11 * HOUR;
    expect(guard.state).toBe('reducing-only');
    const entry = guard.check(order('buy', 1), account(1, 9500));
    expect(entry).toMatchObject({ allowed: false, rule: 'daily-loss', state: 'reducing-only' });
    expect(entry.reason).toContain('so only exits are allowed until 2026-12-02T00:00:00Z.');
    expect(guard.check(order('sell', 1, { reduceOnly: true, reason: 'stop-loss' }), account(1, 9500))).toMatchObject({ allowed: true, state: 'reducing-only' });
    expect(guard.check(order('sell', 0.5, { reason: 'signal' }), account(1, 9500)).allowed).toBe(true);
    expect(guard.check(order('sell', 2, { reason: 'reverse' }), account(1, 9500)).allowed).toBe(false); // a reversal opens a short
    expect(guard.onBar(account(1, 9800, T0 + 20 * HOUR)).decisions).toEqual([]); // recovering does not lift it
    at.now = T0 + 23 * HOUR + 59 * MIN;
    expect(guard.check(order('buy', 1), account(1, 9800)).allowed).toBe(false);
    at.now = T0 + 24 * HOUR;
    expect(guard.state).toBe('active');
    expect(guard.check(order('buy', 1), account(1, 9800)).allowed).toBe(true);
    const nextDay = guard.onBar(account(1, 9700, T0 + 25 * HOUR));
    expect(nextDay.decisions).toMatchObject([{ allowed: true, rule: 'daily-loss', state: 'active', reason: 'A new UTC day began (2026-12-02T00:00:00Z): new entries are allowed again.' }]);
    // The new day starts from the last equity of the old one, 9800: a loss of 500 means 9300.
    expect(guard.onBar(account(1, 9301, T0 + 26 * HOUR)).decisions).toEqual([]);
    expect(guard.onBar(account(1, 9300, T0 + 27 * HOUR)).decisions[0]).toMatchObject({ rule: 'daily-loss', state: 'reducing-only' });
  });

  it('takes a percentage of the day start equity', () => {
    const { guard } = setup({ dailyLossLimit: { kind: 'fraction', fraction: 0.05 } });
    guard.onBar(account(0, 8000, T0));
    expect(guard.onBar(account(0, 7601, T0 + HOUR)).decisions).toEqual([]); // 399 < 5% of 8000 = 400
    expect(guard.onBar(account(0, 7600, T0 + 2 * HOUR)).decisions[0].reason).toContain("(equity 7600 is 400 below the day's start 8000; the limit is 5% of 8000)");
  });
});

describe('RiskGuard: max drawdown and the kill switch -> halted', () => {
  it('halts at the drawdown from peak equity: nothing but the flatten order passes, for good', () => {
    const { guard, at } = setup({ maxDrawdown: 0.2 });
    guard.onBar(account(1, 10_000, T0));
    guard.onBar(account(1, 12_000, T0 + HOUR)); // peak
    expect(guard.onBar(account(1, 9700, T0 + 2 * HOUR)).decisions).toEqual([]); // 2300 / 12000 = 19.2%
    const halt = guard.onBar(account(1, 9600, T0 + 3 * HOUR)); // 2400 / 12000 = 20%
    expect(halt.actions).toEqual(['cancel-all', 'flatten']);
    expect(halt.decisions).toEqual([
      {
        time: T0 + 3 * HOUR,
        allowed: false,
        rule: 'max-drawdown',
        reason: 'Halted: equity 9600 is 20% below its peak 12000, at or beyond the max drawdown of 20%; cancelling open orders and flattening the position.',
        state: 'halted',
      },
    ]);
    at.now = T0 + 3 * HOUR;
    expect(guard.check(order('buy', 1), account(1, 9600))).toMatchObject({ allowed: false, rule: 'max-drawdown', state: 'halted' });
    expect(guard.check(order('sell', 1, { reduceOnly: true, reason: 'stop-loss' }), account(1, 9600))).toMatchObject({ allowed: false, rule: 'max-drawdown' });
    expect(guard.check(order('sell', 2, { reduceOnly: false, reason: 'flatten' }), account(1, 9600)).allowed).toBe(false); // would open a short
    expect(guard.check(order('sell', 1, { reduceOnly: true, reason: 'flatten' }), account(1, 9600))).toMatchObject({ allowed: true, rule: 'ok', state: 'halted' });
    guard.onBar(account(0, 13_000, T0 + 50 * HOUR));
    at.now = T0 + 50 * HOUR;
    expect(guard.state).toBe('halted');
    expect(guard.check(order('buy', 1), account(0, 13_000)).allowed).toBe(false);
  });

  it('the kill switch halts and asks the runner to cancel, flatten and stop', () => {
    const { guard } = setup({});
    const kill = guard.killSwitch('the file .rrr/live/paper-1/KILL appeared');
    expect(kill.actions).toEqual(['cancel-all', 'flatten', 'stop']);
    expect(kill.decisions).toEqual([
      { time: T0, allowed: false, rule: 'kill-switch', reason: 'Kill switch: the file .rrr/live/paper-1/KILL appeared; cancelling open orders, flattening the position and stopping.', state: 'halted' },
    ]);
    expect(guard.state).toBe('halted');
    const refused = guard.check(order('buy', 1), account(0, 10_000));
    expect(refused).toMatchObject({ allowed: false, rule: 'kill-switch' });
    expect(refused.reason).toContain('the run is halted (the file .rrr/live/paper-1/KILL appeared)');
    expect(guard.check(order('buy', 1, { reduceOnly: true, reason: 'flatten' }), account(-1, 10_000)).allowed).toBe(true);
    expect(guard.killSwitch().actions).toEqual(['cancel-all', 'flatten', 'stop']); // asking again repeats the actions
  });
});

describe('RiskGuard: stop-losses', () => {
  it('cooldown of N bars: entries refused until N bar closes after the stop fill', () => {
    const { guard } = setup({ cooldown: { kind: 'bars', bars: 2 } });
    const flat = account(0, 10_000);
    for (let i = 0; i < 5; i++) guard.onBar(flat);
    const stop = order('sell', 1, { reduceOnly: true, reason: 'stop-loss' });
    guard.onFill(fill(stop, T0), stop);
    guard.onFill({ ...fill(stop, T0), fillId: 'second-part' }, stop); // a second partial fill of the same stop counts once
    const refused = guard.check(order('buy', 1), flat);
    expect(refused).toMatchObject({ allowed: false, rule: 'cooldown' });
    expect(refused.reason).toContain(`cooling down for 2 bars after stop-loss ${stop.clientOrderId}, until 3 more bar closes.`);
    guard.onBar(flat);
    expect(guard.check(order('buy', 1), flat).allowed).toBe(false);
    guard.onBar(flat);
    expect(guard.check(order('buy', 1), flat).allowed).toBe(false);
    guard.onBar(flat);
    expect(guard.check(order('buy', 1), flat).allowed).toBe(true);
    // A fill of an ordinary exit starts no cooldown.
    const exit = order('sell', 1, { reason: 'signal' });
    guard.onFill(fill(exit, T0), exit);
    expect(guard.check(order('buy', 1), flat).allowed).toBe(true);
  });

  it('cooldown as a duration, from the fill time; trailing stops count as stop-losses', () => {
    const { guard, at } = setup({ cooldown: { kind: 'duration', ms: 30 * MIN, text: '30m' } });
    const stop = order('sell', 1, { reduceOnly: true, reason: 'trailing-stop' });
    guard.onFill(fill(stop, T0 + HOUR), stop);
    at.now = T0 + HOUR + 30 * MIN - 1000;
    expect(guard.check(order('buy', 1), account(0, 10_000)).reason).toContain('until 2026-12-01T01:30:00Z.');
    at.now = T0 + HOUR + 30 * MIN;
    expect(guard.check(order('buy', 1), account(0, 10_000)).allowed).toBe(true);
  });

  it('max N stop-losses per period: refused while N stops filled within the sliding period', () => {
    const { guard, at } = setup({ maxStops: { count: 2, period: { kind: 'duration', ms: HOUR, text: '1h' } } });
    const s1 = order('sell', 1, { reduceOnly: true, reason: 'stop-loss' });
    const s2 = order('sell', 1, { reduceOnly: true, reason: 'stop-loss' });
    guard.onFill(fill(s1, T0), s1);
    at.now = T0 + 5 * MIN;
    expect(guard.check(order('buy', 1), account(0, 10_000)).allowed).toBe(true); // one stop so far
    guard.onFill(fill(s2, T0 + 10 * MIN), s2);
    at.now = T0 + 20 * MIN;
    const refused = guard.check(order('buy', 1), account(0, 10_000));
    expect(refused).toMatchObject({ allowed: false, rule: 'stops-per-period' });
    expect(refused.reason).toContain('2 stop-losses filled within the last 1h, the limit is 2.');
    at.now = T0 + HOUR - 1;
    expect(guard.check(order('buy', 1), account(0, 10_000)).allowed).toBe(false);
    at.now = T0 + HOUR; // the first stop is an hour old: out of the window
    expect(guard.check(order('buy', 1), account(0, 10_000)).allowed).toBe(true);
  });

  it('max N stop-losses per N bars', () => {
    const { guard } = setup({ maxStops: { count: 1, period: { kind: 'bars', bars: 3 } } });
    const flat = account(0, 10_000);
    const s = order('sell', 1, { reduceOnly: true, reason: 'stop-loss' });
    guard.onFill(fill(s, T0), s);
    for (let i = 0; i < 3; i++) {
      expect(guard.check(order('buy', 1), flat)).toMatchObject({ allowed: false, rule: 'stops-per-period' });
      guard.onBar(flat);
    }
    expect(guard.check(order('buy', 1), flat)).toMatchObject({ allowed: false, rule: 'stops-per-period' }); // 3 closes since: still within 3 bars
    guard.onBar(flat);
    expect(guard.check(order('buy', 1), flat).allowed).toBe(true);
  });
});

describe('RiskGuard: entries paused from outside (model drift)', () => {
  it('refuses entries and allows exits while paused, asks to cancel open entries, and resumes; the snapshot keeps it', () => {
    const { guard } = setup({});
    const pause = guard.pauseEntries('model-drift', 'the features of m.onnx (vol:20) drifted');
    expect(pause.actions).toEqual(['cancel-entries']);
    expect(pause.decisions).toEqual([{ time: T0, allowed: false, rule: 'model-drift', reason: 'New entries paused: the features of m.onnx (vol:20) drifted.', state: 'reducing-only' }]);
    // Pausing again changes nothing: one decision per change.
    expect(guard.pauseEntries('model-drift', 'the features of m.onnx (vol:20) drifted').decisions).toEqual([]);
    const entry = oneSentence(guard.check(order('buy', 1), account(0, 10_000)));
    expect(entry).toMatchObject({ allowed: false, rule: 'model-drift', state: 'reducing-only' });
    expect(entry.reason).toMatch(/refused: the features of m\.onnx \(vol:20\) drifted, so only exits are allowed until it clears\.$/);
    expect(guard.check(order('sell', 1), account(1, 10_000))).toMatchObject({ allowed: true, rule: 'ok' });
    const copy = RiskGuard.fromSnapshot({}, JSON.parse(JSON.stringify(guard.snapshot())), () => T0);
    expect(copy.state).toBe('reducing-only');
    const resume = guard.pauseEntries('model-drift', null);
    expect(resume).toEqual({ decisions: [{ time: T0, allowed: true, rule: 'model-drift', reason: 'New entries allowed again.', state: 'active' }], actions: [] });
    expect(guard.check(order('buy', 1), account(0, 10_000))).toMatchObject({ allowed: true, state: 'active' });
  });
});
