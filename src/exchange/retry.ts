/**
 * Retrying exchange calls: exponential backoff with jitter (so many clients cut off together do not come back
 * in step), never sooner than the venue's Retry-After. The random source is injectable so tests are seeded.
 */
import { ExchangeFailure } from './errors.js';

export interface RetryOptions {
  /** Tries in all, the first included (default 5; Infinity retries until `signal` aborts). */
  readonly attempts?: number;
  /** Delay before the first retry (default 250 ms), doubled for each further one. */
  readonly baseDelayMs?: number;
  /** Longest backoff (default 30 s); a Retry-After is honoured beyond it. */
  readonly maxDelayMs?: number;
  /**
   * A venue asking to wait longer than this (e.g. a 418 ban of hours) ends the retries with its sentence
   * rather than sleeping through it (default 5 minutes).
   */
  readonly maxRetryAfterMs?: number;
  /** Fraction of each delay that is random (default 0.5: the delay lies in [d/2, d]). */
  readonly jitter?: number;
  /** Uniform [0, 1) source (default Math.random; tests pass mulberry32(seed)). */
  readonly random?: () => number;
  /** Waits `ms` (tests replace it to record the delays instead of sleeping). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Stops the waiting: the pending call rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Told before each wait, e.g. to journal "binance rate limit, retrying in 2.1 s". */
  readonly onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  /** The retry about to be made (1 = the second try). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly failure: ExchangeFailure;
}

export const RETRY_DEFAULTS = { attempts: 5, baseDelayMs: 250, maxDelayMs: 30_000, maxRetryAfterMs: 300_000, jitter: 0.5 } as const;

/** The backoff before retry number `attempt` (1-based): min(max, base * 2^(attempt-1)), its `jitter` part random. */
export function backoffDelay(attempt: number, options: RetryOptions = {}, random: () => number = options.random ?? Math.random): number {
  const base = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const max = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? RETRY_DEFAULTS.jitter));
  const full = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(full * (1 - jitter + jitter * random()));
}

/** setTimeout as a promise that an AbortSignal cuts short (rejecting with the signal's reason). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `fn` until it succeeds, a failure is not retryable, or the tries are spent. `classify` turns what
 * `fn` threw into an ExchangeFailure, or rethrows it (errors that are not the venue's are never retried).
 * The last failure is thrown with the number of tries added to its sentence.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  classify: (error: unknown) => ExchangeFailure,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? RETRY_DEFAULTS.attempts;
  const maxRetryAfter = options.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw options.signal.reason;
    let failure: ExchangeFailure;
    try {
      return await fn(attempt);
    } catch (error) {
      failure = classify(error);
    }
    if (!failure.retryable) throw failure;
    if (failure.retryAfterMs !== undefined && failure.retryAfterMs > maxRetryAfter) throw failure;
    if (attempt + 1 >= attempts) throw gaveUp(failure, attempt + 1);
    const delayMs = Math.max(backoffDelay(attempt + 1, options, random), failure.retryAfterMs ?? 0);
    options.onRetry?.({ attempt: attempt + 1, delayMs, failure });
    await sleep(delayMs, options.signal);
  }
}

function gaveUp(failure: ExchangeFailure, tries: number): ExchangeFailure {
  if (tries <= 1) return failure;
  const message = `${failure.message.replace(/\.$/, '')} (gave up after ${tries} tries).`;
  return new ExchangeFailure(message, {
    kind: failure.kind,
    retryable: failure.retryable,
    retryAfterMs: failure.retryAfterMs,
    venueMessage: failure.venueMessage,
    exitCode: failure.exitCode === 2 ? 2 : 1,
    cause: failure.cause,
  });
}
