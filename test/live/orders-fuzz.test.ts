/**
 * 10,000 seeded random event sequences through the order state machine, each event judged by an independent
 * reference: the allowed transitions written out as explicit `from event to` lines, and amounts counted in
 * whole tenths (exact integers), while the module sees the same amounts as float tenths (0.1, 0.3, ...).
 */
import { describe, expect, it } from 'vitest';
import { applyOrderEvent, isTerminal, OrderEventError, trackOrder, type OrderEvent, type TrackedOrder } from '../../src/live/orders.js';
import { Mulberry32 } from '../../src/stats/mulberry32.js';

const ALLOWED = `
new submit submitted
new cancelled cancelled
new reject rejected
submitted accept submitted
submitted partial-fill partially-filled
submitted fill filled
submitted cancel-request pending-cancel
submitted cancelled cancelled
submitted reject rejected
submitted expire expired
partially-filled accept partially-filled
partially-filled partial-fill partially-filled
partially-filled fill filled
partially-filled cancel-request pending-cancel
partially-filled cancelled cancelled
partially-filled expire expired
pending-cancel accept pending-cancel
pending-cancel partial-fill pending-cancel
pending-cancel fill filled
pending-cancel cancelled cancelled
pending-cancel expire expired
`;
const NEXT = new Map<string, string>();
for (const line of ALLOWED.trim().split('\n')) {
  const [from, event, to] = line.split(' ');
  NEXT.set(`${from} ${event}`, to);
}
const FINAL = ['filled', 'cancelled', 'rejected', 'expired'];
const EVENTS = ['submit', 'accept', 'partial-fill', 'fill', 'cancel-request', 'cancelled', 'reject', 'expire'] as const;

/** The reference's verdict: the next state and filled tenths, or null when the event is illegal. */
function reference(state: string, filledTenths: number, amountTenths: number, type: string, tenths: number): { state: string; filled: number } | null {
  const to = NEXT.get(`${state} ${type}`);
  if (to === undefined) return null;
  if (type === 'partial-fill') return tenths >= 1 && filledTenths + tenths < amountTenths ? { state: to, filled: filledTenths + tenths } : null;
  if (type === 'fill') return tenths >= 1 && filledTenths + tenths === amountTenths ? { state: to, filled: amountTenths } : null;
  return { state: to, filled: filledTenths };
}

describe('order state machine: fuzz against an independent reference', () => {
  it('agrees on every event of 10,000 random sequences, and the invariants hold', () => {
    const rng = new Mulberry32(20261206);
    const int = (lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));
    const seen = new Set<string>();
    let legal = 0;
    let illegal = 0;
    for (let sequence = 0; sequence < 10_000; sequence++) {
      const amountTenths = int(1, 40);
      let order: TrackedOrder = trackOrder({ clientOrderId: `fuzz-${sequence}`, amount: amountTenths / 10 });
      let refState = 'new';
      let refFilled = 0;
      const length = int(1, 14);
      for (let step = 0; step < length; step++) {
        const type = EVENTS[int(0, EVENTS.length - 1)];
        // Half the fills take exactly what is left (so `fill` is often legal), the rest anything up to an overfill.
        const left = amountTenths - refFilled;
        const tenths = rng.next() < 0.5 && left > 0 ? (type === 'partial-fill' ? int(0, left) : left) : int(0, amountTenths + 2);
        const event = (type === 'partial-fill' || type === 'fill' ? { type, amount: tenths / 10 } : type === 'reject' ? { type, reason: 'no' } : { type }) as OrderEvent;
        const verdict = reference(refState, refFilled, amountTenths, type, tenths);
        const before = order;
        seen.add(`${refState} ${type} ${verdict ? 'ok' : 'refused'}`);
        const where = `sequence ${sequence}, ${refState} + ${type} ${tenths} tenths`;
        // Plain checks, not expect(), inside the loop: 60,000 events must stay fast on a busy machine.
        if (verdict === null) {
          illegal++;
          let thrown: unknown;
          try {
            applyOrderEvent(before, event);
          } catch (error) {
            thrown = error;
          }
          if (!(thrown instanceof OrderEventError)) throw new Error(`${where}: the reference refuses it, the module did not throw an OrderEventError`);
          continue;
        }
        legal++;
        order = applyOrderEvent(before, event);
        const problems = [
          order.state !== verdict.state && `state ${order.state}, reference ${verdict.state}`,
          Math.abs(order.filled - verdict.filled / 10) > 1e-12 && `filled ${order.filled}, reference ${verdict.filled / 10}`,
          Math.abs(order.filled + order.remaining - order.amount) > 1e-12 && `filled + remaining = ${order.filled + order.remaining}, amount ${order.amount}`,
          order.filled < before.filled && `filled went down from ${before.filled} to ${order.filled}`,
          order.filled > order.amount && `filled ${order.filled} exceeds the amount ${order.amount}`,
          isTerminal(before.state) && `a terminal state (${before.state}) took an event`,
          order.state === 'filled' && order.filled !== order.amount && `filled state with filled ${order.filled} of ${order.amount}`,
        ].filter(Boolean);
        if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
        refState = verdict.state;
        refFilled = verdict.filled;
      }
      if (isTerminal(order.state) !== FINAL.includes(refState)) throw new Error(`sequence ${sequence}: ended ${order.state}, reference ${refState}`);
    }
    // Not vacuous: every allowed pair was taken, and every state saw refusals.
    for (const pair of NEXT.keys()) expect(seen.has(`${pair} ok`), pair).toBe(true);
    for (const state of ['new', 'submitted', 'partially-filled', 'pending-cancel', ...FINAL]) {
      expect([...seen].some((s) => s.startsWith(`${state} `) && s.endsWith('refused')), state).toBe(true);
    }
    expect(legal).toBeGreaterThan(10_000);
    expect(illegal).toBeGreaterThan(10_000);
  });
});
