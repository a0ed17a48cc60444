import { existsSync } from 'node:fs';
import type { Bars } from '../data/bars.js';
import { upsertSeries } from '../data/import.js';
import { assertSpacing } from '../data/import.js';
import { summarizeQuality, type QualitySummary } from '../data/series.js';
import { withStore } from '../data/store.js';
import { formatTime, parseTimeBound } from '../data/time.js';
import { addTimeframe, parseTimeframe, type Timeframe } from '../data/timeframe.js';
import { UserError } from '../errors.js';
import { ExchangeFailure } from '../exchange/errors.js';
import { emptyRefused, keepValidBars, type RefusedBars } from './chunk.js';
import { provenanceOf, recordFetchedSeries, recordProvenance, type SourceRef, type SourceSpan } from './provenance.js';
import type { BarSource } from './types.js';

/**
 * Bars written per transaction by default. Each write opens the store (other processes wait meanwhile) and
 * refreshes the series' quality report, so a chunk is large; what an interruption loses is re-fetched.
 */
export const DEFAULT_CHUNK_BARS = 20_000;

export interface FetchOptions {
  /** The store file; created by the first chunk written, so a fetch that fails at once leaves none. */
  db: string;
  /** The series the bars are stored as. */
  symbol: string;
  /** The symbol as the sources spell it (default: symbol). */
  sourceSymbol?: string;
  timeframe: string;
  /** Epoch ms of the first bar wanted; default: the bar after the last stored one (an update). */
  since?: number;
  /** Epoch ms of the last bar wanted (inclusive); default and at most: the last closed bar. */
  until?: number;
  /** Asked in order: when one fails, the next fills in from where it stopped. */
  sources: readonly BarSource[];
  /** Bars gathered before they are written in one transaction (default 20,000)... */
  flushBars?: number;
  /** ...or what was gathered in this many ms, whichever comes first (default 10 s), so a slow venue's progress is kept too. */
  flushMs?: number;
  onProgress?: (progress: FetchProgress) => void;
  /** One-line news: a failover, a retry. */
  onNotice?: (message: string) => void;
}

export interface FetchProgress {
  source: string;
  /** Time (epoch ms) of the last bar fetched, between from and to. */
  at: number;
  from: number;
  to: number;
  fetched: number;
  stored: number;
}

export interface Failover {
  source: string;
  /** The time (ISO-8601) from which the next source took over. */
  at: string;
  error: string;
}

export interface FetchResult {
  symbol: string;
  timeframe: string;
  sourceSymbol: string;
  sources: SourceRef[];
  /** The windows asked for (ISO-8601 UTC); empty when the series was up to date. */
  windows: Array<{ from: string; to: string }>;
  /** Bars received and kept; refused ones are not counted. */
  fetched: number;
  added: number;
  replaced: number;
  /** Bars the series holds now. */
  total: number;
  refused: RefusedBars;
  failovers: Failover[];
  /** Where the stored bars of the fetched windows came from. */
  provenance: SourceSpan[];
  quality: QualitySummary | null;
}

/**
 * --since / --until as epoch ms, checked against each other and the clock: one sentence for a --since after
 * --until or in the future. --until beyond now is allowed (it means "up to the last closed bar").
 */
export function fetchRange(since: string | undefined, until: string | undefined, now = Date.now()): { since?: number; until?: number } {
  const s = since === undefined ? undefined : parseTimeBound(since, 'from', '--since');
  const u = until === undefined ? undefined : parseTimeBound(until, 'to', '--until');
  if (s !== undefined && u !== undefined && s > u) throw new UserError(`--since ${since} is after --until ${until}: give a --since on or before --until.`, { code: 'RRR_BAD_RANGE' });
  if (s !== undefined && s > now) throw new UserError(`--since ${since} is in the future (now is ${formatTime(now)}): give a time in the past.`, { code: 'RRR_BAD_RANGE' });
  return { since: s, until: u };
}

interface Stored {
  first: number;
  last: number;
}

async function storedRange(db: string, symbol: string, timeframe: string): Promise<Stored | undefined> {
  if (!existsSync(db)) return undefined;
  return withStore(db, { readOnly: true }, async (store) => {
    const [row] = await store.rows('SELECT first_time::DOUBLE AS f, last_time::DOUBLE AS l FROM series WHERE symbol = ? AND timeframe = ?', [symbol, timeframe]);
    return row ? { first: Number(row.f), last: Number(row.l) } : undefined;
  });
}

/**
 * The windows still to fetch: before the first stored bar (when --since is earlier) and after the last one.
 * Gaps inside the stored range are left alone: they may be the venue's own (a halt, a holiday).
 */
export function plannedWindows(stored: Stored | undefined, since: number, until: number, tf: Timeframe): Array<[number, number]> {
  if (!stored) return since <= until ? [[since, until]] : [];
  const windows: Array<[number, number]> = [];
  if (since < stored.first) windows.push([since, Math.min(until, stored.first - 1)]);
  const after = Math.max(since, addTimeframe(stored.last, tf));
  if (after <= until) windows.push([after, until]);
  return windows;
}

interface Part {
  source: string;
  bars: Bars;
}

/**
 * Downloads closed bars into the store: page by page from the first source that works, every page checked
 * with `data import`'s rules (refused bars are counted, never stored), written in chunks of `flushBars` in
 * one transaction each. A fetch that stops (Ctrl-C, kill -9, a dead network) keeps every chunk written;
 * run again, it starts after the last stored bar. The store is held only while a chunk is written.
 */
export async function fetchBars(options: FetchOptions): Promise<FetchResult> {
  const tf = parseTimeframe(options.timeframe);
  const symbol = options.symbol;
  const sourceSymbol = options.sourceSymbol ?? symbol;
  const sources = options.sources;
  if (sources.length === 0) throw new RangeError('fetchBars needs at least one source.');
  const flushBars = options.flushBars ?? DEFAULT_CHUNK_BARS;
  const flushMs = options.flushMs ?? 10_000;
  let flushedAt = Date.now();
  const refs: SourceRef[] = sources.map((s) => (s.url === undefined ? { name: s.name } : { name: s.name, url: s.url }));
  for (const source of sources) await source.check?.(sourceSymbol, tf);

  const now = (await sources[0].now?.()) ?? Date.now();
  const stored = await storedRange(options.db, symbol, tf.label);
  if (options.since === undefined && !stored) {
    throw new UserError(`${symbol} ${tf.label} is not in the store yet: pass --since with the first bar to fetch.`, { code: 'RRR_NO_SINCE' });
  }
  const since = options.since ?? addTimeframe(stored!.last, tf);
  const until = Math.min(options.until ?? now, now);
  const windows = plannedWindows(stored, since, until, tf);

  const refused = emptyRefused();
  const failovers: Failover[] = [];
  const failed = new Set<number>();
  let fetched = 0;
  let added = 0;
  let replaced = 0;
  let total = stored ? undefined : 0;
  let quality: QualitySummary | null = null;
  let buffer: Part[] = [];
  let buffered = 0;

  const flush = async () => {
    flushedAt = Date.now();
    if (buffered === 0) return;
    const parts = buffer;
    buffer = [];
    buffered = 0;
    const all = parts.flatMap((p) => (p.bars.length > 0 ? [p.bars] : []));
    // The rule data import applies to a file, applied to what is written together (a page may be too short).
    const joined = parts.reduce((n, p) => n + p.bars.length, 0);
    if (joined >= 20) assertSpacing(concatTimes(all), tf, `The bars ${parts.map((p) => p.source).filter((s, i, a) => a.indexOf(s) === i).join(' and ')} sent for ${sourceSymbol}`);
    const result = await withStore(options.db, { create: true }, async (store) => {
      // Provenance first: a crash before the bars leaves records that no stored bar matches (ignored, and
      // rewritten by the resumed fetch); the other order would leave stored bars without their source.
      await store.transaction(async () => {
        for (const p of parts) await recordProvenance(store, symbol, tf.label, p.source, p.bars.time);
        await recordFetchedSeries(store, { symbol, timeframe: tf.label, sourceSymbol, sources: refs });
      });
      return upsertSeries(store, symbol, tf, all);
    });
    added += result.added;
    replaced += result.replaced;
    total = result.total;
    quality = summarizeQuality(result.quality);
  };

  try {
    for (const [from, to] of windows) {
      let last = from - 1;
      let index = sources.findIndex((_, i) => !failed.has(i));
      while (index >= 0 && index < sources.length) {
        const source = sources[index];
        try {
          for await (const page of source.pages(sourceSymbol, tf, last + 1, to)) {
            const kept = keepValidBars(page.bars, tf, { after: last, until: to, now }, source.name, refused);
            if (kept.length > 0) {
              last = kept.time[kept.length - 1];
              buffer.push({ source: source.name, bars: kept });
              buffered += kept.length;
              fetched += kept.length;
            }
            if (buffered >= flushBars || (buffered > 0 && Date.now() - flushedAt >= flushMs)) await flush();
            options.onProgress?.({ source: source.name, at: Math.max(last, page.bars.length > 0 ? page.bars.time[page.bars.length - 1] : last), from, to, fetched, stored: fetched - buffered });
          }
          break;
        } catch (error) {
          // A source's failure (after its retries) hands the rest of the window to the next source; anything
          // else (bars contradicting the timeframe, a store problem) stops the fetch.
          if (!(error instanceof ExchangeFailure)) throw error;
          failed.add(index);
          const next = sources.findIndex((_, i) => !failed.has(i));
          const at = last < from ? from : addTimeframe(last, tf);
          failovers.push({ source: source.name, at: formatTime(at), error: error.message.replace(/\.$/, '') });
          if (next < 0) {
            await flush();
            const kept = fetched > 0 ? `; the ${fetched} bars fetched before are stored: run the same command again to resume` : '; nothing was stored';
            const told = failovers.length === 1 ? failovers[0].error : `every source failed (${failovers.map((f) => `${f.source} from ${f.at}: ${f.error}`).join('; ')})`;
            throw new UserError(`${told}${kept}.`, { exitCode: error.exitCode === 2 && fetched === 0 && failovers.length === 1 ? 2 : 1, code: failovers.length === 1 ? error.code : 'RRR_FETCH_FAILED', cause: error });
          }
          options.onNotice?.(`${source.name} failed at ${formatTime(at)} (${error.message.replace(/\.$/, '')}); ${sources[next].name} takes over from there.`);
          index = next;
        }
      }
    }
    await flush();
  } finally {
    for (const source of sources) await source.close?.().catch(() => undefined);
  }

  if (fetched === 0 && !stored && windows.length > 0) {
    const detail = refused.count > 0 ? `: all ${refused.count} bars they sent were refused (${Object.entries(refused.rules).map(([r, c]) => `${r} ${c}`).join(', ')})` : '';
    throw new UserError(`${sources.map((s) => s.name).join(', ')} had no closed ${tf.label} bars of ${sourceSymbol} from ${formatTime(since)} to ${formatTime(until)}${detail}; nothing was stored.`, { exitCode: 1, code: 'RRR_NO_BARS' });
  }
  const provenance =
    windows.length === 0 || !existsSync(options.db)
      ? []
      : await withStore(options.db, { readOnly: true }, async (store) => {
          const spans: SourceSpan[] = [];
          for (const [from, to] of windows) spans.push(...(await provenanceOf(store, symbol, tf.label, { from, to })));
          return spans;
        });
  return {
    symbol,
    timeframe: tf.label,
    sourceSymbol,
    sources: refs,
    windows: windows.map(([from, to]) => ({ from: formatTime(from), to: formatTime(to) })),
    fetched,
    added,
    replaced,
    total: total ?? (stored ? await countStored(options.db, symbol, tf.label) : 0),
    refused,
    failovers,
    provenance,
    quality,
  };
}

function concatTimes(parts: readonly Bars[]): Bars {
  const n = parts.reduce((sum, p) => sum + p.length, 0);
  const time = new Float64Array(n);
  let offset = 0;
  for (const p of parts) {
    time.set(p.time, offset);
    offset += p.length;
  }
  return { time, open: time, high: time, low: time, close: time, volume: time, length: n };
}

async function countStored(db: string, symbol: string, timeframe: string): Promise<number> {
  return withStore(db, { readOnly: true }, async (store) => {
    const [row] = await store.rows('SELECT rows::DOUBLE AS n FROM series WHERE symbol = ? AND timeframe = ?', [symbol, timeframe]);
    return Number(row?.n ?? 0);
  });
}
