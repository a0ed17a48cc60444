import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/data/synthetic.js';
import { ExchangeFailure } from '../../src/exchange/errors.js';
import { backoffDelay, withRetry } from '../../src/exchange/retry.js';

const retryable = (retryAfterMs?: number) => new ExchangeFailure('binance is not available.', { kind: 'unavailable', retryable: true, retryAfterMs });
const fatal = () => new ExchangeFailure('binance refused the order.', { kind: 'invalid-order', retryable: false });

/** Fails `failures` times with the given errors, then answers "ok". */
function flaky(errors: ExchangeFailure[]) {
  let calls = 0;
  return {
    fn: async () => {
      const error = errors[calls++];
      if (error) throw error;
      return 'ok';
    },
    calls: () => calls,
  };
}

describe('backoffDelay', () => {
  it('doubles from the base up to the cap, with the jitter part drawn from the seeded source', () => {
    // jitter 0: the exact exponential schedule.
    const exact = [1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffDelay(a, { baseDelayMs: 100, maxDelayMs: 5000, jitter: 0 }));
    expect(exact).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
    // jitter 0.5: each delay is full * (0.5 + 0.5 u) for the seeded u, computed here independently.
    const u = mulberry32(7);
    const expected = [1, 2, 3].map((a) => Math.round(Math.min(5000, 100 * 2 ** (a - 1)) * (0.5 + 0.5 * u())));
    const rng = mulberry32(7);
    expect([1, 2, 3].map((a) => backoffDelay(a, { baseDelayMs: 100, maxDelayMs: 5000, jitter: 0.5 }, rng))).toEqual(expected);
    for (const ratio of expected.map((d, i) => d / (100 * 2 ** i))) {
      expect(ratio).toBeGreaterThanOrEqual(0.5);
      expect(ratio).toBeLessThanOrEqual(1);
    }
  });
});

describe('withRetry', () => {
  const identity = (e: unknown) => {
    if (e instanceof ExchangeFailure) return e;
    throw e;
  };

  it('retries retryable failures with the backoff schedule, then answers', async () => {
    const slept: number[] = [];
    const { fn, calls } = flaky([retryable(), retryable(), retryable()]);
    const result = await withRetry(fn, identity, { baseDelayMs: 100, jitter: 0, sleep: async (ms) => void slept.push(ms) });
    expect(result).toBe('ok');
    expect(calls()).toBe(4);
    expect(slept).toEqual([100, 200, 400]);
  });

  it('never waits less than the venue\'s Retry-After', async () => {
    const slept: number[] = [];
    const { fn } = flaky([retryable(2000), retryable(50)]);
    await withRetry(fn, identity, { baseDelayMs: 100, jitter: 0, sleep: async (ms) => void slept.push(ms) });
    expect(slept).toEqual([2000, 200]);
  });

  it('stops at once on a failure that is not retryable', async () => {
    const slept: number[] = [];
    const { fn, calls } = flaky([retryable(), fatal()]);
    await expect(withRetry(fn, identity, { jitter: 0, sleep: async (ms) => void slept.push(ms) })).rejects.toThrow('binance refused the order.');
    expect(calls()).toBe(2);
    expect(slept).toHaveLength(1);
  });

  it('gives up after the tries allowed, saying how many', async () => {
    const { fn, calls } = flaky([retryable(), retryable(), retryable()]);
    await expect(withRetry(fn, identity, { attempts: 3, sleep: async () => {} })).rejects.toThrow('binance is not available (gave up after 3 tries).');
    expect(calls()).toBe(3);
  });

  it('a Retry-After beyond maxRetryAfterMs (a ban) ends the retries instead of sleeping through it', async () => {
    const slept: number[] = [];
    const { fn, calls } = flaky([retryable(3_600_000)]);
    await expect(withRetry(fn, identity, { maxRetryAfterMs: 60_000, sleep: async (ms) => void slept.push(ms) })).rejects.toBeInstanceOf(ExchangeFailure);
    expect(calls()).toBe(1);
    expect(slept).toEqual([]);
  });

  it('passes errors that are not the venue\'s through untouched, without retrying', async () => {
    let calls = 0;
    const bug = new TypeError('x is undefined');
    await expect(
      withRetry(async () => {
        calls++;
        throw bug;
      }, identity, { sleep: async () => {} }),
    ).rejects.toBe(bug);
    expect(calls).toBe(1);
  });

  it('an aborted signal stops a real wait', async () => {
    const controller = new AbortController();
    const { fn } = flaky([retryable(), retryable()]);
    const pending = withRetry(fn, identity, { baseDelayMs: 60_000, jitter: 0, signal: controller.signal });
    controller.abort(new Error('stopped'));
    await expect(pending).rejects.toThrow('stopped');
  });
});
