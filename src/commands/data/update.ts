import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';
import { optionalTimeframeFlag } from '../_flags.js';
import { progressWriter, sourceUrlFlags } from './fetch.js';

export default class DataUpdate extends RrrCommand {
  static override summary = 'Fetch the bars that closed since the last fetch, for every stored series that came from a source.';
  static override description =
    'Each series fetched with rrr data fetch is refreshed from the same sources, in the same failover order, up to the last closed bar; ' +
    'series imported from files are left alone. A series that fails is reported and the others are still updated (exit 1 when any failed). ' +
    '--exchange-url NAME=URL and --vendor-url replace the URL a series was fetched from.';
  static override examples = ['<%= config.bin %> data update', '<%= config.bin %> data update BTC/USDT --timeframe 1h'];
  static override args = { symbol: Args.string({ description: 'only this stored symbol' }) };
  static override flags = {
    timeframe: optionalTimeframeFlag(),
    ...sourceUrlFlags,
    'chunk-bars': Flags.integer({ description: 'bars written per transaction (or what 10 s gathered, whichever first)', default: 20_000, min: 1 }),
  };

  async run() {
    const { args, flags } = await this.parse(DataUpdate);
    const { UserError } = await import('../../errors.js');
    const { updateSeries } = await import('../../fetch/update.js');
    const { describeFetch } = await import('../../fetch/describe.js');
    const { parseTimeframe } = await import('../../data/timeframe.js');
    if (flags.timeframe !== undefined && args.symbol === undefined) throw new UserError('--timeframe selects a timeframe of SYMBOL: give the symbol too, e.g. rrr data update BTC/USDT --timeframe 1h.');
    const urls = new Map<string, string>();
    for (const value of flags['exchange-url'] ?? []) {
      const pair = /^([a-z0-9_.-]+)=(.+)$/i.exec(value);
      if (!pair || /^https?$/i.test(pair[1])) throw new UserError(`--exchange-url ${value} has no NAME=: rrr data update may refresh several sources, so give NAME=URL (e.g. binance=http://127.0.0.1:8765).`);
      urls.set(pair[1].toLowerCase(), pair[2]);
    }
    if (flags['vendor-url'] !== undefined) urls.set('polygon', flags['vendor-url']);
    const progress = progressWriter(process.stderr.isTTY === true && !this.jsonEnabled());
    const result = await updateSeries({
      db: this.dbPath(flags.db),
      symbol: args.symbol,
      timeframe: flags.timeframe === undefined ? undefined : parseTimeframe(flags.timeframe).label,
      urls,
      pageLimit: flags['page-size'],
      flushBars: flags['chunk-bars'],
      onSeries: (s) => this.progress(`Updating ${s.symbol} ${s.timeframe} from ${s.sources.map((r) => r.name).join(', ')}...`),
      onProgress: progress.update,
      onNotice: (message) => this.progress(message),
    }).finally(progress.done);
    if (result.updated.length === 0 && result.failed.length === 0) this.log('No stored series came from a source: rrr data fetch downloads one.');
    for (const r of result.updated) for (const line of describeFetch(r)) this.log(line);
    if (result.failed.length > 0) {
      const told = result.failed.map((f) => `${f.symbol} ${f.timeframe}: ${f.error.replace(/\.$/, '')}`).join('; ');
      throw new UserError(`${result.failed.length} of ${result.failed.length + result.updated.length} series could not be updated (${told}).`, { exitCode: 1, code: 'RRR_UPDATE_FAILED' });
    }
    return { ...result, db: this.dbPath(flags.db) };
  }
}
