import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';
import { timeframeFlag } from '../_flags.js';
import { sourceUrlFlags } from './fetch.js';

export default class DataCrosscheck extends RrrCommand {
  static override summary = 'Compare the bars two sources give for a symbol and report those that differ beyond a tolerance.';
  static override description =
    'Both sources are asked for the closed bars from --since to --until (default: the range of the stored series SYMBOL --timeframe TF); bars at times both have are compared: ' +
    'a price (open, high, low, close) differs when it is more than --price-bps basis points from the first source\'s, a volume when it is more than --volume-pct percent from it, or missing on one side. ' +
    'Nothing is stored. Exit 0 whether or not bars differ (see differingBars in --json).';
  static override examples = [
    '<%= config.bin %> data crosscheck BTC/USDT --timeframe 1h --sources binance,kraken --since 2024-01-01 --until 2024-02-01',
    '<%= config.bin %> data crosscheck BTC/USDT --timeframe 1d --sources binance,bitstamp --price-bps 25 --volume-pct 50 --json',
  ];
  static override args = { symbol: Args.string({ description: 'symbol as both sources spell it (BTC/USDT)', required: true }) };
  static override flags = {
    timeframe: timeframeFlag(),
    sources: Flags.string({ description: 'the two sources to compare, comma-separated (exchanges ccxt knows, or polygon)', required: true }),
    since: Flags.string({ description: 'first bar [default: the first stored bar of SYMBOL TF]' }),
    until: Flags.string({ description: 'last bar, inclusive [default: the last stored bar of SYMBOL TF]' }),
    'price-bps': Flags.string({ description: 'price tolerance in basis points', default: '10' }),
    'volume-pct': Flags.string({ description: 'volume tolerance in percent', default: '5' }),
    ...sourceUrlFlags,
  };

  async run() {
    const { args, flags } = await this.parse(DataCrosscheck);
    const { UserError } = await import('../../errors.js');
    const { fetchRange } = await import('../../fetch/pipeline.js');
    const { createSources, parseSourceList, parseExchangeUrls } = await import('../../fetch/sources.js');
    const { collectBars, compareBars } = await import('../../fetch/crosscheck.js');
    const { parseTimeframe } = await import('../../data/timeframe.js');
    const { formatTime } = await import('../../data/time.js');
    const { existsSync } = await import('node:fs');
    const { withStore } = await import('../../data/store.js');

    const tolerance = (flag: 'price-bps' | 'volume-pct') => {
      const value = Number(flags[flag]);
      if (flags[flag].trim() === '' || !(value >= 0) || !Number.isFinite(value)) throw new UserError(`--${flag} "${flags[flag]}" is not valid: give a number, 0 or more.`);
      return value;
    };
    const priceBps = tolerance('price-bps');
    const volumePct = tolerance('volume-pct');
    const names = parseSourceList(flags.sources, '--sources');
    if (names.length !== 2) throw new UserError(`--sources "${flags.sources}" names ${names.length} source${names.length === 1 ? '' : 's'}: give exactly two, such as binance,kraken.`);
    const tf = parseTimeframe(flags.timeframe);
    let { since, until } = fetchRange(flags.since, flags.until);
    if (since === undefined || until === undefined) {
      const db = this.dbPath(flags.db);
      const row = existsSync(db)
        ? await withStore(db, { readOnly: true }, async (store) => (await store.rows('SELECT first_time::DOUBLE AS f, last_time::DOUBLE AS l FROM series WHERE symbol = ? AND timeframe = ?', [args.symbol, tf.label]))[0])
        : undefined;
      if (!row) throw new UserError(`${args.symbol} ${tf.label} is not in the store ${db}, so there is no range to compare: pass --since and --until.`, { code: 'RRR_NO_RANGE' });
      since ??= Number(row.f);
      until ??= Number(row.l);
    }
    const urls = parseExchangeUrls(flags['exchange-url'] ?? [], names);
    const refs = names.map((name) => {
      const url = name === 'polygon' ? flags['vendor-url'] : urls.get(name);
      return url === undefined ? { name } : { name, url };
    });
    const sources = await createSources(refs, { pageLimit: flags['page-size'] });
    try {
      for (const source of sources) await source.check?.(args.symbol, tf);
      const now = (await sources[0].now?.()) ?? Date.now();
      this.progress(`Fetching ${args.symbol} ${tf.label} from ${names.join(' and ')}, ${formatTime(since)} .. ${formatTime(until)}...`);
      const a = await collectBars(sources[0], args.symbol, tf, since, until, now);
      const b = await collectBars(sources[1], args.symbol, tf, since, until, now);
      const report = compareBars(a, b, [names[0], names[1]], { priceBps, volumePct });
      this.log(`${args.symbol} ${tf.label}, ${names[0]} vs ${names[1]}, ${formatTime(since)} .. ${formatTime(until)}: ${report.compared} bars compared (${report.onlyA} only on ${names[0]}, ${report.onlyB} only on ${names[1]}); ${report.differingBars} differ beyond ${priceBps} bps in price or ${volumePct}% in volume.`);
      if (report.differences.length > 0) {
        const { renderTable, formatNumber } = await import('../../report/table.js');
        const shown = report.differences.slice(0, 20);
        const cell = (x: number | null) => (x === null ? '-' : formatNumber(x));
        this.log(renderTable(['time', 'field', names[0], names[1], 'difference'], shown.map((d) => [d.time, d.field, cell(d.a), cell(d.b), d.difference === null ? '-' : `${formatNumber(d.difference)}${d.field === 'volume' ? '%' : ' bps'}`])));
        if (report.differences.length > shown.length) this.log(`... and ${report.differences.length - shown.length} more (all of them with --json).`);
      }
      return { symbol: args.symbol, timeframe: tf.label, from: formatTime(since), to: formatTime(until), ...report };
    } finally {
      for (const source of sources) await source.close?.().catch(() => undefined);
    }
  }
}
