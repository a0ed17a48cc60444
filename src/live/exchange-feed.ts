/**
 * Closed bars from an exchange through ccxt, by polling fetchOHLCV.
 *
 * A bar is closed once the venue serves a later bar, or its close time has passed the venue's clock
 * (fetchTime, read before the candles so a bar closed by then has its final values). The feed keeps a cursor,
 * the open time of the next bar it owes: every poll asks for candles from the cursor, so after a dropped
 * connection, a 5xx, a 429 or a restart (`since` = the last bar seen + one timeframe) the missing bars come
 * first, in order, and a bar already given is never given again. Errors the venue may get over are retried
 * with backoff (src/exchange/retry.ts); the others end next() with their sentence.
 *
 * Websockets (ccxt.pro watchOHLCV, when the client was created with `websocket: true` and the venue has it)
 * only wake the poll as soon as a later candle opens: the bars themselves always come from the REST path
 * above, so closing, backfill and dedupe are one implementation. When the socket fails (the REST-only
 * emulator, a proxy), the feed says so once and keeps polling every pollMs.
 */
import type { Exchange } from '../exchange/client.js';
import { callExchange, errorContextOf } from '../exchange/client.js';
import { abortableSleep, type RetryOptions } from '../exchange/retry.js';
import { addTimeframe, parseTimeframe, type Timeframe } from '../data/timeframe.js';
import { formatTime } from '../data/time.js';
import type { Feed, LiveBar } from './types.js';

export interface ExchangeFeedOptions {
  readonly exchange: Exchange;
  /** The venue's unified symbol, e.g. "BTC/USDT" (checked with findMarket beforehand). */
  readonly symbol: string;
  /** The venue's timeframe (as checkTimeframe returns it). */
  readonly timeframe: string;
  /**
   * Open time of the first bar next() returns: on a resume, the last journaled bar's time + one timeframe.
   * Without it the feed starts after the last bar closed when it first polls.
   */
  readonly since?: number;
  /** Longest wait between polls while no bar is due (default: a quarter of the timeframe, at most 5 s). */
  readonly pollMs?: number;
  /** Candles per request (default 1000, binance's maximum; at most what the venue allows; 2 or more). */
  readonly pageLimit?: number;
  /** Backoff for failed polls (default: up to 20 tries, 250 ms doubling to 30 s, Retry-After honoured). */
  readonly retry?: RetryOptions;
  /** Told of retries, of holes in the venue's own data and of a failed websocket. */
  readonly onNote?: (level: 'info' | 'warn', message: string) => void;
  /** Wake on the venue's websocket candles where the client has watchOHLCV (default true). */
  readonly websocket?: boolean;
  /**
   * The venue's clock, epoch ms (default: ccxt's fetchTime where the venue has it, else this machine's clock).
   */
  readonly clock?: () => Promise<number>;
}

export class ExchangeFeed implements Feed {
  private readonly exchange: Exchange;
  private readonly symbol: string;
  private readonly timeframe: string;
  private readonly tf: Timeframe;
  private readonly pollMs: number;
  private readonly pageLimit: number;
  private readonly retry: RetryOptions;
  private readonly onNote: (level: 'info' | 'warn', message: string) => void;
  private readonly abort = new AbortController();
  private readonly queue: LiveBar[] = [];
  /** Open time of the next bar owed (undefined until the first poll when no `since` was given). */
  private cursor: number | undefined;
  private busy = false;
  private closed = false;
  /** Ends the current wait between polls early (set while next() waits). */
  private wake: (() => void) | undefined;
  /** A new candle was seen while no wait was going on: the next wait is skipped. */
  private woke = false;
  private watching = false;
  private readonly useSocket: boolean;
  private readonly clock: () => Promise<number>;

  constructor(options: ExchangeFeedOptions) {
    this.exchange = options.exchange;
    this.symbol = options.symbol;
    this.timeframe = options.timeframe;
    this.tf = parseTimeframe(options.timeframe === '1M' ? '1mo' : options.timeframe);
    this.cursor = options.since;
    this.pollMs = options.pollMs ?? Math.min(5_000, Math.max(250, Math.floor(this.tf.ms / 4)));
    this.pageLimit = options.pageLimit ?? 1000;
    this.onNote = options.onNote ?? (() => {});
    const name = errorContextOf(this.exchange).exchange;
    this.retry = {
      attempts: 20,
      ...options.retry,
      signal: this.abort.signal,
      onRetry: (event) => {
        this.onNote('warn', `${event.failure.message.replace(/\.$/, '')}; retrying in ${(event.delayMs / 1000).toFixed(1)} s (try ${event.attempt + 1}).`);
        options.retry?.onRetry?.(event);
      },
    };
    this.useSocket = options.websocket ?? true;
    const hasTime = ((this.exchange.has ?? {}) as Record<string, unknown>).fetchTime;
    this.clock =
      options.clock ??
      (hasTime === false
        ? async () => Date.now()
        : async () => Number(await callExchange(this.exchange, 'reading its clock', () => this.exchange.fetchTime(), this.retry)));
    if (!(this.pollMs > 0)) throw new RangeError(`pollMs must be positive for the ${name} feed.`);
    // Two at least: the last candle of a page is shown closed by the next one.
    if (!(Number.isInteger(this.pageLimit) && this.pageLimit >= 2)) throw new RangeError(`pageLimit must be a whole number of candles, 2 or more, for the ${name} feed.`);
  }

  /** The next closed bar, waiting for it; null once close() was called. */
  async next(): Promise<LiveBar | null> {
    if (this.busy) throw new Error('ExchangeFeed.next() called again before the previous call returned.');
    this.busy = true;
    try {
      while (this.queue.length === 0) {
        if (this.closed) return null;
        let full: boolean;
        let venueNow: number;
        try {
          ({ full, venueNow } = await this.poll());
        } catch (error) {
          if (this.closed) return null;
          throw error;
        }
        if (this.queue.length > 0 || full) continue;
        this.startWatching();
        try {
          await this.sleep(this.waitMs(venueNow));
        } catch {
          return null;
        }
      }
      return this.closed ? null : this.queue.shift()!;
    } finally {
      this.busy = false;
    }
  }

  /** Closed bars with time in [since, until) (until defaults to the venue's clock), paged in order. */
  async history(since: number, until?: number): Promise<LiveBar[]> {
    const out: LiveBar[] = [];
    let from = since;
    for (;;) {
      const { bars, full } = await this.closedFrom(from);
      for (const bar of bars) {
        if (until !== undefined && bar.time >= until) return out;
        out.push(bar);
      }
      if (!full || bars.length === 0) return out;
      from = addTimeframe(bars[bars.length - 1].time, this.tf);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort(new Error('feed closed'));
    if (this.watching) {
      const unwatch = (this.exchange as unknown as { unWatchOHLCV?: (s: string, tf: string) => Promise<unknown> }).unWatchOHLCV;
      await unwatch?.call(this.exchange, this.symbol, this.timeframe).catch(() => undefined);
    }
  }

  /** Waits `ms`, or less when the websocket sees a new candle; rejects when the feed is closed. */
  private async sleep(ms: number): Promise<void> {
    if (this.woke) {
      this.woke = false;
      return;
    }
    const woken = new Promise<void>((resolve) => (this.wake = resolve));
    try {
      await Promise.race([abortableSleep(ms, this.abort.signal), woken]);
    } finally {
      this.wake = undefined;
    }
    if (this.closed) throw new Error('feed closed');
  }

  /** Starts the websocket wake-up once, where the client has watchOHLCV. */
  private startWatching(): void {
    const has = (this.exchange.has ?? {}) as Record<string, unknown>;
    if (this.watching || !this.useSocket || !has.watchOHLCV || typeof this.exchange.watchOHLCV !== 'function') return;
    this.watching = true;
    void this.watchLoop();
  }

  private async watchLoop(): Promise<void> {
    try {
      while (!this.closed) {
        const candles = await this.exchange.watchOHLCV(this.symbol, this.timeframe);
        const newest = candles.at(-1)?.[0];
        // A candle opened after the one owed: the owed one has closed, the poll can fetch it now.
        if (newest !== undefined && this.cursor !== undefined && Number(newest) > this.cursor) {
          if (this.wake) this.wake();
          else this.woke = true;
        }
      }
    } catch {
      // ccxt's reasons here are about its own transport (proxies, ws:// URLs), not something the user can act on.
      if (this.closed) return;
      const name = errorContextOf(this.exchange).exchange;
      this.onNote('warn', `${name} websocket for ${this.symbol} failed: polling every ${this.pollMs} ms instead.`);
    }
  }

  /** One poll from the cursor; queues the closed bars it got. `full` = the page was full, more may be waiting. */
  private async poll(): Promise<{ full: boolean; venueNow: number }> {
    if (this.cursor === undefined) {
      // No starting point: begin after the latest closed bar.
      const { bars, venueNow } = await this.closedFrom(undefined);
      this.cursor = bars.length > 0 ? addTimeframe(bars[bars.length - 1].time, this.tf) : undefined;
      return { full: false, venueNow };
    }
    const from = this.cursor;
    const { bars, full, venueNow } = await this.closedFrom(from);
    for (const bar of bars) {
      if (bar.time < this.cursor) continue; // given already
      if (bar.time > this.cursor) {
        this.onNote('warn', `${errorContextOf(this.exchange).exchange} has no ${this.symbol} ${this.timeframe} bar from ${formatTime(this.cursor)} to ${formatTime(bar.time)} (excluded): the feed goes on with the next bar it has.`);
      }
      this.queue.push(bar);
      this.cursor = addTimeframe(bar.time, this.tf);
    }
    return { full, venueNow };
  }

  /** The closed bars the venue has from `since` (or its latest when undefined), sorted and unique. */
  private async closedFrom(since: number | undefined): Promise<{ bars: LiveBar[]; full: boolean; venueNow: number }> {
    const { exchange, symbol, timeframe } = this;
    // The clock first: a bar closed before it was read has its final values in the candles read after.
    const venueNow = await this.clock();
    const rows = await callExchange(
      exchange,
      `fetching ${symbol} ${timeframe} candles`,
      () => exchange.fetchOHLCV(symbol, timeframe, since, this.pageLimit),
      this.retry,
    );
    const sorted = rows
      .filter((row) => row[0] !== undefined && (since === undefined || Number(row[0]) >= since))
      .map((row) => ({ time: Number(row[0]), open: Number(row[1]), high: Number(row[2]), low: Number(row[3]), close: Number(row[4]), volume: Number(row[5] ?? 0) }))
      .sort((a, b) => a.time - b.time)
      .filter((bar, i, all) => i === 0 || bar.time !== all[i - 1].time);
    const bars = sorted.filter((bar, i) => i < sorted.length - 1 || addTimeframe(bar.time, this.tf) <= venueNow);
    // A full page may end with a bar that only the next page shows closed: the caller reads on from there.
    return { bars, full: rows.length >= this.pageLimit, venueNow };
  }

  /** Until the owed bar should close on the venue's clock (a little after), but never longer than pollMs. */
  private waitMs(venueNow: number): number {
    if (this.cursor === undefined) return this.pollMs;
    const due = addTimeframe(this.cursor, this.tf) - venueNow;
    return due > 0 ? Math.min(this.pollMs, due + 100) : this.pollMs;
  }
}
