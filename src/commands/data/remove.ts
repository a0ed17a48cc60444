import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';
import { timeframeFlag } from '../_flags.js';

export default class DataRemove extends RrrCommand {
  static override summary = 'Delete a stored series (asks for confirmation unless --yes).';
  static override examples = ['<%= config.bin %> data remove BTC-USD --timeframe 1h', '<%= config.bin %> data remove BTC-USD --timeframe 1h --yes'];
  static override args = { symbol: Args.string({ description: 'stored symbol', required: true }) };
  static override flags = {
    timeframe: timeframeFlag(),
    yes: Flags.boolean({ char: 'y', description: 'do not ask for confirmation' }),
  };

  async run() {
    const { args, flags } = await this.parse(DataRemove);
    const { withStore } = await import('../../data/store.js');
    const { assertSeries, removeSeries } = await import('../../data/series.js');
    const { parseTimeframe } = await import('../../data/timeframe.js');
    const timeframe = parseTimeframe(flags.timeframe).label;
    const db = this.dbPath(flags.db);
    // Asking takes as long as the user does: the question is put with the store closed, not held.
    await withStore(db, { readOnly: true }, (store) => assertSeries(store, args.symbol, timeframe));
    if (!flags.yes) {
      this.requireTerminal(`remove ${args.symbol} ${timeframe}`);
      if (!(await this.confirm(`Remove all ${timeframe} bars of ${args.symbol} from ${db}?`))) {
        this.log('Nothing removed.');
        return { symbol: args.symbol, timeframe, removed: 0 };
      }
    }
    const { removed, freeBytes } = await withStore(db, { create: false }, async (store) => ({ removed: await removeSeries(store, args.symbol, timeframe), freeBytes: await store.freeBytes() }));
    this.log(removed > 0 ? `Removed ${removed} bars of ${args.symbol} ${timeframe}.` : 'Nothing removed.');
    // DuckDB gives space back to the file system only from the end of the file; the rest it reuses.
    if (freeBytes >= 1 << 20) this.log(`The store file keeps ${(freeBytes / 1e6).toFixed(1)} MB of free space for later writes; "rrr data compact" gives it back to the disk.`);
    return { symbol: args.symbol, timeframe, removed };
  }
}
