import { Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';
import { timeframeFlag } from '../_flags.js';
import type { FetchProgress } from '../../fetch/pipeline.js';

/** Flags rrr data fetch, update and crosscheck share: where the sources are and how they are paged. */
export const sourceUrlFlags = {
  'exchange-url': Flags.string({ description: 'point the exchange at this URL (an emulator, a proxy); with several sources give NAME=URL, once per source', multiple: true }),
  'vendor-url': Flags.string({ description: 'point the vendor (polygon) at this URL instead of https://api.polygon.io' }),
  'page-size': Flags.integer({ description: 'bars asked per request [default: the source\'s maximum: 1000 for exchanges, 50000 for polygon]', min: 1 }),
};

/** Writes a progress line in place, at most twice a second, on a terminal without --json. */
export function progressWriter(enabled: boolean): { update: (p: FetchProgress) => void; done: () => void } {
  const started = Date.now();
  let shown = 0;
  let wrote = false;
  return {
    update: (p) => {
      if (!enabled || Date.now() - shown < 500) return;
      shown = Date.now();
      void import('../../fetch/describe.js').then(({ progressLine }) => {
        process.stderr.write(`\r${progressLine(p, started)}\u001b[K`);
        wrote = true;
      });
    },
    done: () => {
      if (wrote) process.stderr.write('\n');
    },
  };
}

export default class DataFetch extends RrrCommand {
  static override summary = 'Download closed bars from exchanges (through ccxt) or Polygon.io into the store, resumably.';
  static override description =
    'Pages through the venue from --since to --until (default: the last closed bar), within its rate limits, retrying timeouts, 5xx and 429 with backoff. ' +
    'Every page is checked with the rules of data import: bars with NaN, infinite, zero or negative prices, broken OHLC or negative volume are reported and never stored. ' +
    'The unfinished last bar is never stored. Bars are written in chunks (--chunk-bars), one transaction each: a fetch that stops (Ctrl-C, kill -9, a lost network) ' +
    'resumes after the last stored bar when run again. With --source a,b, when a source fails the next one fills in from where it stopped; ' +
    'which bars came from where is kept with the series (rrr data update refreshes from the same sources).';
  static override examples = [
    '<%= config.bin %> data fetch --exchange binance --symbol BTC/USDT --timeframe 1h --since 2018-01-01',
    '<%= config.bin %> data fetch --source binance,kraken --symbol BTC/USDT --timeframe 1d --since 2020 --until 2021',
    'POLYGON_API_KEY=... <%= config.bin %> data fetch --vendor polygon --symbol AAPL --timeframe 1d --since 2023-01-01',
    '<%= config.bin %> data fetch --exchange binance --exchange-url http://127.0.0.1:8765 --symbol BTC/USDT --timeframe 1h --since 2021',
  ];
  static override flags = {
    symbol: Flags.string({ char: 's', description: 'symbol as the source spells it (BTC/USDT, AAPL, C:EURUSD); the series is stored under it', required: true }),
    timeframe: timeframeFlag(),
    since: Flags.string({ description: 'first bar: YYYY, YYYY-MM, YYYY-MM-DD or ISO-8601 (UTC) [default, when the series is stored: after its last bar]' }),
    until: Flags.string({ description: 'last bar, inclusive (a date means its end) [default: the last closed bar]' }),
    exchange: Flags.string({ description: 'an exchange ccxt knows (binance, kraken, ...)', exclusive: ['source', 'vendor'] }),
    source: Flags.string({ description: 'sources in failover order, comma-separated: exchanges ccxt knows, or polygon', exclusive: ['exchange', 'vendor'] }),
    vendor: Flags.string({ description: 'a data vendor: polygon (key from POLYGON_API_KEY)', exclusive: ['exchange', 'source'] }),
    ...sourceUrlFlags,
    'chunk-bars': Flags.integer({ description: 'bars written per transaction (or what 10 s gathered, whichever first): what an interruption can lose at most', default: 20_000, min: 1 }),
  };

  async run() {
    const { flags } = await this.parse(DataFetch);
    const { UserError } = await import('../../errors.js');
    const { fetchBars, fetchRange } = await import('../../fetch/pipeline.js');
    const { createSources, parseSourceList, parseExchangeUrls, VENDORS } = await import('../../fetch/sources.js');
    const { describeFetch } = await import('../../fetch/describe.js');
    const { assertSymbol } = await import('../../data/import.js');
    const { parseTimeframe } = await import('../../data/timeframe.js');

    let names: string[];
    if (flags.vendor !== undefined) {
      const vendor = flags.vendor.trim().toLowerCase();
      if (!(VENDORS as readonly string[]).includes(vendor)) throw new UserError(`Unknown vendor "${flags.vendor}": rrr reads ${VENDORS.join(', ')} (exchanges go with --exchange).`, { code: 'RRR_UNKNOWN_SOURCE' });
      names = [vendor];
    } else if (flags.exchange !== undefined) names = parseSourceList(flags.exchange, '--exchange');
    else if (flags.source !== undefined) names = parseSourceList(flags.source, '--source');
    else throw new UserError('rrr data fetch needs a source: --exchange NAME, --source A,B or --vendor polygon.', { code: 'RRR_MISSING_FLAG' });
    if (flags.exchange !== undefined && names.length > 1) throw new UserError(`--exchange takes one exchange; for several in failover order use --source ${flags.exchange}.`);

    assertSymbol(flags.symbol);
    parseTimeframe(flags.timeframe);
    const range = fetchRange(flags.since, flags.until);
    const urls = parseExchangeUrls(flags['exchange-url'] ?? [], names);
    const refs = names.map((name) => {
      const url = name === 'polygon' ? flags['vendor-url'] : urls.get(name);
      return url === undefined ? { name } : { name, url };
    });
    if (flags['vendor-url'] !== undefined && !names.includes('polygon')) throw new UserError('--vendor-url points a vendor elsewhere, but no vendor is among the sources: add --vendor polygon, or drop --vendor-url.');
    const sources = await createSources(refs, { pageLimit: flags['page-size'] });
    const progress = progressWriter(process.stderr.isTTY === true && !this.jsonEnabled());
    const result = await fetchBars({
      db: this.dbPath(flags.db),
      symbol: flags.symbol,
      timeframe: flags.timeframe,
      since: range.since,
      until: range.until,
      sources,
      flushBars: flags['chunk-bars'],
      onProgress: progress.update,
      onNotice: (message) => this.progress(message),
    }).finally(progress.done);
    for (const line of describeFetch(result)) this.log(line);
    return { ...result, db: this.dbPath(flags.db) };
  }
}
