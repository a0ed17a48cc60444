import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';

export default class DataResample extends RrrCommand {
  static override summary = 'Aggregate a stored series to a coarser timeframe (first, max, min, last, sum on UTC boundaries).';
  static override description = 'Missing intervals stay missing (no bar is invented). A partial last bar is reported and left out unless --keep-partial.';
  static override examples = [
    '<%= config.bin %> data resample BTC-PERP --from-timeframe 1m --to 1h',
    '<%= config.bin %> data resample EURUSD --from-timeframe 1m --to 1d --as EURUSD-D --keep-partial',
  ];
  static override args = { symbol: Args.string({ description: 'stored symbol', required: true }) };
  static override flags = {
    'from-timeframe': Flags.string({ description: 'timeframe of the stored source bars', required: true }),
    to: Flags.string({ description: 'target timeframe, a whole multiple of the source', required: true }),
    as: Flags.string({ description: 'store the result under this symbol [default: the same symbol]' }),
    'keep-partial': Flags.boolean({ description: 'also store a last bar whose bucket is not complete' }),
  };

  async run() {
    const { args, flags } = await this.parse(DataResample);
    const { withStore } = await import('../../data/store.js');
    const { resampleSeries } = await import('../../data/resample-series.js');
    const result = await withStore(this.dbPath(flags.db), { create: false }, (store) =>
      resampleSeries(store, { symbol: args.symbol, fromTimeframe: flags['from-timeframe'], toTimeframe: flags.to, as: flags.as, keepPartial: flags['keep-partial'] }),
    );
    this.log(`${result.sourceBars} ${result.fromTimeframe} bars of ${args.symbol} -> ${result.symbol} ${result.timeframe}: ${result.added} bars added, ${result.replaced} replaced; ${result.total} stored.`);
    if (result.partialLast) this.log(`The last bar (${result.partialLast}) is partial: ${result.partialStored ? 'stored anyway (--keep-partial)' : 'not stored; pass --keep-partial to keep it'}.`);
    return result;
  }
}
