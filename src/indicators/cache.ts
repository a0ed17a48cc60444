/**
 * A memo of indicator outputs for the span of a parameter sweep. A sweep calls the same strategy hundreds of
 * times on the same bars, and most trials share indicators (sma(close, 40) for every slow window): with a
 * cache in scope, each allocating indicator (`sma`, `rsi`, `bollingerBands`...) is computed once per distinct
 * input and parameters, so user strategies gain this without extra code. Outside `withIndicatorCache` the
 * indicators compute afresh on every call, as before.
 *
 * Inputs are keyed by identity (the same Float64Array object), not content: hashing 100,000 values would cost
 * as much as computing most indicators. A key never holds its input alive (ids come from a WeakMap), and the
 * outputs held are bounded in bytes (eviction: see IndicatorCache).
 *
 * Outputs are shared between the callers that hit the same key: a caller must not write into them. With
 * `recycle` (a sweep's cache), an output is good only until the trial that got it ends (see recycleEvicted).
 */

/** What an indicator call is keyed on: its input columns (by identity) and its numeric parameters. */
export type IndicatorArg = Float64Array | number;

export interface IndicatorCacheStats {
  hits: number;
  misses: number;
  evictions: number;
  /** Bytes of the outputs held now. */
  bytes: number;
  entries: number;
}

/**
 * 16 MB per cache (one per worker): 20 indicator columns of 100,000 bars, all the distinct SMAs of the standard
 * 100-pair sweep, while two workers stay inside the 200 MB a sweep may use above its one copy of the data
 * (measured: 168 MB with 16 MB caches, 224 MB with 32 MB).
 */
export const DEFAULT_INDICATOR_CACHE_BYTES = 16 * 1024 * 1024;

let nextId = 1;
const ids = new WeakMap<object, number>();

function idOf(array: object): number {
  let id = ids.get(array);
  if (id === undefined) {
    id = nextId++;
    ids.set(array, id);
  }
  return id;
}

/** Bytes held by an indicator's output: one typed array, or an object of them (bands, MACD lines...). */
function sizeOf(value: unknown): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (typeof value !== 'object' || value === null) return 0;
  let bytes = 0;
  for (const v of Object.values(value)) if (ArrayBuffer.isView(v)) bytes += v.byteLength;
  return bytes;
}

interface Entry {
  value: unknown;
  bytes: number;
  /** Lookup count at its last use. */
  used: number;
  /** Lookups between its previous miss and the miss that computed it (Infinity: first seen). */
  reuse: number;
}

/** The window's share of the bytes; it always keeps its 2 newest entries (a trial's fast and slow lines). */
const WINDOW_SHARE = 1 / 8;
const WINDOW_MIN_ENTRIES = 2;
/** Keys of recent misses remembered (a few hundred kilobytes at most): longer cycles are not recognised. */
const MAX_GHOSTS = 4096;

/**
 * Eviction that does not collapse on a sweep's cyclic pattern. A grid sweep asks for the same slow lines in
 * the same order over and over (sma 110, 112, ... 308, then again for the next fast window): when they do not
 * all fit, least-recently-used evicts each one just before it is asked for again, and hits nothing. So:
 * - every new output goes to a small window, least recently used out: it keeps what is reused right away
 *   (the fast line shared by the next trials);
 * - an entry leaving the window moves on to the main part, least recently used out: plain LRU, while most
 *   misses are of keys never seen lately;
 * - but while most misses are of keys computed before and evicted since (the cache thrashes on a cycle), an
 *   entry leaving the window displaces a main entry only if that one has gone unused for longer than the
 *   newcomer took to come back (LIRS's rule): the main part then keeps the part of the cycle it holds, and
 *   hits on it every cycle. When the pattern changes (a new walk-forward window, another sweep), misses are
 *   of new keys again and the stale entries go first.
 */
export class IndicatorCache {
  readonly maxBytes: number;
  /** Map order is the order of use, least recent first. */
  private readonly window = new Map<string, Entry>();
  private readonly main = new Map<string, Entry>();
  /** Keys of recent misses and when they missed. */
  private readonly ghosts = new Map<string, number>();
  private windowHeld = 0;
  private mainHeld = 0;
  private lookups = 0;
  /** Moving share of misses that were of keys seen (and evicted) lately: above 1/2, the cache thrashes. */
  private repeatMisses = 0;
  private counts = { hits: 0, misses: 0, evictions: 0 };
  /**
   * Recycling (see recycleEvicted): the columns this cache handed out, how many entries hold each, the evicted
   * ones no entry holds (still in use until the trial ends), and those free for the next computation.
   */
  private readonly made = new WeakSet<Float64Array>();
  private readonly holders = new Map<Float64Array, number>();
  private evicted: Float64Array[] = [];
  private free: Float64Array[] = [];

  private readonly recycles: boolean;

  /**
   * `recycle`: reuse the memory of evicted outputs for new ones, after recycleEvicted() says nothing reads them
   * any more (a sweep's cache: withTrialScratch calls it as each trial ends); off by default.
   */
  constructor(maxBytes = DEFAULT_INDICATOR_CACHE_BYTES, options: { recycle?: boolean } = {}) {
    if (!(Number.isFinite(maxBytes) && maxBytes >= 0)) throw new RangeError(`maxBytes must be a number of bytes, 0 or more, not ${maxBytes}.`);
    this.maxBytes = maxBytes;
    this.recycles = options.recycle === true;
  }

  /**
   * A zeroed column of n values for an indicator computed in this cache's scope: with `recycle`, the memory of
   * an evicted output when one of that length is free, else new. Reuse spares a sweep what a new 800 KB array
   * costs beyond its computation (zeroing, page faults on memory the allocator had returned to the system, the
   * collections of its garbage): measured 2-3x the computation of an SMA at 100,000 bars.
   */
  column(n: number): Float64Array {
    let column: Float64Array | undefined;
    for (let i = this.free.length - 1; i >= 0; i--) {
      if (this.free[i].length !== n) continue;
      column = this.free[i];
      this.free[i] = this.free[this.free.length - 1];
      this.free.pop();
      column.fill(0);
      break;
    }
    column ??= new Float64Array(n);
    if (this.recycles) this.made.add(column);
    return column;
  }

  /**
   * Makes the outputs evicted so far free for reuse by column(). Call it only when nothing that got them may
   * still read them: withTrialScratch calls it as a trial ends, whose outputs live no longer than the trial.
   * Until it is called, evicted outputs are only dropped, so a cache it is never called for never reuses memory.
   */
  recycleEvicted(): void {
    if (this.evicted.length === 0) return;
    this.free = keepNewest([...this.free, ...this.evicted], this.maxBytes / 4);
    this.evicted = [];
  }

  get stats(): IndicatorCacheStats {
    return { ...this.counts, bytes: this.windowHeld + this.mainHeld, entries: this.window.size + this.main.size };
  }

  /** `compute()`'s value for this call, computed at most once while it stays in the cache. */
  get<T>(name: string, args: readonly IndicatorArg[], compute: () => T): T {
    let key = name;
    for (const a of args) key += typeof a === 'number' ? `|${a}` : `|#${idOf(a)}`;
    const now = ++this.lookups;
    const found = this.main.get(key) ?? this.window.get(key);
    if (found) {
      this.counts.hits++;
      found.used = now;
      const part = this.main.has(key) ? this.main : this.window;
      part.delete(key);
      part.set(key, found);
      return found.value as T;
    }
    this.counts.misses++;
    const value = compute();
    const seen = this.ghosts.get(key);
    this.repeatMisses += ((seen === undefined ? 0 : 1) - this.repeatMisses) / 16;
    if (seen !== undefined) this.ghosts.delete(key);
    else if (this.ghosts.size >= MAX_GHOSTS) this.ghosts.delete(this.ghosts.keys().next().value!);
    this.ghosts.set(key, now);
    const bytes = sizeOf(value);
    if (bytes > this.maxBytes) return value;
    this.window.set(key, { value, bytes, used: now, reuse: seen === undefined ? Infinity : now - seen });
    this.windowHeld += bytes;
    this.hold(value, 1);
    while (this.window.size > WINDOW_MIN_ENTRIES && this.windowHeld > this.maxBytes * WINDOW_SHARE) this.leaveWindow(now);
    // Still over: the window's newest entries alone fill the bound; the main part, then the window, gives way.
    while (this.windowHeld + this.mainHeld > this.maxBytes) this.drop(this.main.size > 0 ? this.main : this.window);
    return value;
  }

  clear(): void {
    this.window.clear();
    this.main.clear();
    this.holders.clear();
    this.evicted = [];
    this.free = [];
    this.ghosts.clear();
    this.windowHeld = 0;
    this.mainHeld = 0;
    this.repeatMisses = 0;
  }

  /** The window's least recent entry moves to the main part, or goes (see the class comment). */
  private leaveWindow(now: number): void {
    const [key, entry] = this.window.entries().next().value as [string, Entry];
    this.window.delete(key);
    this.windowHeld -= entry.bytes;
    // Main entries that may make room for it, least recent first: while thrashing, those unused for longer than
    // this one took to come back; else those used less recently than it (then the whole is least-recently-used).
    const idleFor = this.repeatMisses > 0.5 ? entry.reuse : now - entry.used;
    let freeable = this.maxBytes - this.windowHeld - this.mainHeld;
    for (const e of this.main.values()) {
      if (freeable >= entry.bytes || now - e.used <= idleFor) break;
      freeable += e.bytes;
    }
    if (freeable < entry.bytes) {
      this.counts.evictions++;
      this.hold(entry.value, -1);
      return;
    }
    while (this.maxBytes - this.windowHeld - this.mainHeld < entry.bytes) this.drop(this.main);
    this.main.set(key, entry);
    this.mainHeld += entry.bytes;
  }

  /** Evicts the least recently used entry of `part`. */
  private drop(part: Map<string, Entry>): void {
    const [key, entry] = part.entries().next().value as [string, Entry];
    part.delete(key);
    if (part === this.main) this.mainHeld -= entry.bytes;
    else this.windowHeld -= entry.bytes;
    this.counts.evictions++;
    this.hold(entry.value, -1);
  }

  /**
   * Counts the entries holding each column this cache made in `value` (an output may hold another indicator's
   * output: a channel's middle line can be a cached moving average); one that no entry holds any more is evicted.
   */
  private hold(value: unknown, change: 1 | -1): void {
    const columns = value instanceof Float64Array ? [value] : typeof value === 'object' && value !== null ? Object.values(value) : [];
    for (const column of columns) {
      if (!(column instanceof Float64Array) || !this.made.has(column)) continue;
      const count = (this.holders.get(column) ?? 0) + change;
      if (count > 0) this.holders.set(column, count);
      else {
        this.holders.delete(column);
        // Those past the bound are left to the garbage collector.
        this.evicted = keepNewest([...this.evicted, column], this.maxBytes / 4);
      }
    }
  }
}

/**
 * The newest (last) of `columns` that fit in `bytes` together, and always the newest one: at most a quarter of
 * the cache waits to be reused, or one column when a column is larger.
 */
function keepNewest(columns: Float64Array[], bytes: number): Float64Array[] {
  let held = 0;
  for (let i = columns.length - 1; i >= 0; i--) {
    held += columns[i].byteLength;
    if (held > bytes && i < columns.length - 1) return columns.slice(i + 1);
  }
  return columns;
}

let active: IndicatorCache | undefined;

/** Runs `fn` with `cache` serving the allocating indicators it calls (synchronously); the previous scope after. */
export function withIndicatorCache<T>(cache: IndicatorCache, fn: () => T): T {
  const previous = active;
  active = cache;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

/** A new zeroed column of n values for an allocating indicator's output: from the cache in scope (see column()), else new. */
export function indicatorColumn(n: number): Float64Array {
  return active === undefined ? new Float64Array(n) : active.column(n);
}

/** What each allocating indicator calls: through the cache in scope, or straight to `compute`. */
export function cachedIndicator<T>(name: string, args: readonly IndicatorArg[], compute: () => T): T {
  return active === undefined ? compute() : active.get(name, args, compute);
}

/**
 * Columns and logs that live for one sweep trial only. A trial's signal flags and order and trade logs are
 * read once (into its metrics) and dropped, so allocating and zero-filling them again for every trial (a few
 * hundred kilobytes at 100,000 bars) is work and garbage for nothing: inside `withTrialScratch`, `crossSignals`
 * and the engine's logs take them from here instead, and hand the same memory to the next trial.
 *
 * What a trial got from here is valid until its scope ends: nothing made in the scope may be kept past it
 * (runTrial keeps only numbers). Outside a scope the same calls allocate afresh, as before.
 */
export class TrialScratch {
  private readonly kinds = new Map<string, { items: unknown[]; used: number }>();

  /**
   * The next object of `kind` this trial: one handed to an earlier trial when there is one (passed to
   * `reuse`, which must reset it), else `make()`.
   */
  take<T>(kind: string, make: () => T, reuse: (item: T) => T): T {
    let pool = this.kinds.get(kind);
    if (!pool) this.kinds.set(kind, (pool = { items: [], used: 0 }));
    const i = pool.used++;
    if (i < pool.items.length) return (pool.items[i] = reuse(pool.items[i] as T));
    const made = make();
    pool.items.push(made);
    return made;
  }

  /** Everything taken becomes free for the next trial. */
  release(): void {
    for (const pool of this.kinds.values()) pool.used = 0;
  }
}

let scratchInScope: TrialScratch | undefined;

/**
 * Runs one trial's `fn` with `scratch` serving its short-lived columns; releases them all when it returns, and
 * then, once no trial is in scope any more, lets the indicator cache in scope reuse what was evicted meanwhile
 * (recycleEvicted): a trial keeps only numbers.
 */
export function withTrialScratch<T>(scratch: TrialScratch, fn: () => T): T {
  // Nested in a scope of the same scratch (a trial run inside a trial): the outer scope releases.
  if (scratchInScope === scratch) return fn();
  const previous = scratchInScope;
  scratchInScope = scratch;
  try {
    return fn();
  } finally {
    scratchInScope = previous;
    scratch.release();
    if (previous === undefined) active?.recycleEvicted();
  }
}

/** The scratch of the trial in scope, if any: what allocators of per-trial columns ask first. */
export function trialScratch(): TrialScratch | undefined {
  return scratchInScope;
}

/**
 * n bytes whose values the caller will all overwrite: from the trial's scratch in scope (not zeroed), else a
 * new Uint8Array.
 */
export function scratchBytes(n: number): Uint8Array {
  const scratch = scratchInScope;
  if (scratch === undefined) return new Uint8Array(n);
  return scratch.take(
    'bytes',
    () => new Uint8Array(n),
    (b: Uint8Array) => (b.length === n ? b : b.buffer.byteLength >= n ? new Uint8Array(b.buffer, 0, n) : new Uint8Array(n)),
  );
}
