import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';
import { rangeFlags } from '../_flags.js';

export default class DataResample extends RrrCommand {
  static override summary = 'Aggregate a stored series to a coarser timeframe (first, max, min, last, sum on UTC boundaries).';
  static override description =
    'Missing intervals stay missing (no bar is invented). A partial last bar is reported and left out unless --keep-partial. ' +
    '--from/--to restrict the source bars, as dates, like every other command. ' +
    'Under the same symbol the result is upserted, so resampling again refreshes it. --as stores it under another symbol; ' +
    'if that symbol already has bars at the target timeframe the resample is refused unless --replace, which deletes that whole series and stores the resample in its place.';
  static override examples = [
    '<%= config.bin %> data resample BTC-PERP --from-timeframe 1m --to-timeframe 1h',
    '<%= config.bin %> data resample EURUSD --from-timeframe 1m --to-timeframe 1d --from 2020-01-01 --to 2020-12-31 --as EURUSD-D --keep-partial',
  ];
  static override args = { symbol: Args.string({ description: 'stored symbol', required: true }) };
  static override flags = {
    'from-timeframe': Flags.string({ description: 'timeframe of the stored source bars', required: true }),
    // Checked in run(), so the old `--to 1h` gets a sentence pointing at --to-timeframe rather than oclif's list.
    'to-timeframe': Flags.string({ description: '(required) target timeframe, a whole multiple of the source' }),
    ...rangeFlags,
    as: Flags.string({ description: 'store the result under this symbol [default: the same symbol]' }),
    replace: Flags.boolean({ description: 'with --as: replace the whole existing series of that symbol at the target timeframe' }),
    'keep-partial': Flags.boolean({ description: 'also store a last bar whose bucket is not complete' }),
  };

  async run() {
    const { args, flags } = await this.parse(DataResample);
    const { withStore } = await import('../../data/store.js');
    const { parseRange } = await import('../../data/time.js');
    const { resampleSeries } = await import('../../data/resample-series.js');
    const { UserError } = await import('../../errors.js');
    const target = flags['to-timeframe'];
    if (target === undefined) {
      const to = flags.to?.trim() ?? '';
      throw new UserError(
        /^\d+\s*[a-zA-Z]+$/.test(to)
          ? `--to "${flags.to}" is a date here as in every command (the last source bar to resample): give the target timeframe as --to-timeframe ${to}.`
          : 'Missing --to-timeframe: give the target timeframe, e.g. --to-timeframe 1h.',
      );
    }
    const range = parseRange(flags.from, flags.to);
    const result = await withStore(this.dbPath(flags.db), { create: false }, (store) =>
      resampleSeries(store, {
        symbol: args.symbol,
        fromTimeframe: flags['from-timeframe'],
        toTimeframe: target,
        as: flags.as,
        replace: flags.replace,
        keepPartial: flags['keep-partial'],
        ...range,
      }),
    );
    if (result.replacedSeriesBars > 0) this.log(`Replaced the ${result.replacedSeriesBars} ${result.timeframe} bars ${result.symbol} held (--replace).`);
    this.log(`${result.sourceBars} ${result.fromTimeframe} bars of ${args.symbol} -> ${result.symbol} ${result.timeframe}: ${result.added} bars added, ${result.replaced} replaced; ${result.total} stored.`);
    if (result.partialLast) this.log(`The last bar (${result.partialLast}) is partial: ${result.partialStored ? 'stored anyway (--keep-partial)' : 'not stored; pass --keep-partial to keep it'}.`);
    return result;
  }
}
