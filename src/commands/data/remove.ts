import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';
import { timeframeFlag } from '../_flags.js';
import { UserError } from '../../errors.js';

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
    const removed = await withStore(this.dbPath(flags.db), { create: false }, async (store) => {
      await assertSeries(store, args.symbol, timeframe);
      if (!flags.yes) {
        if (!process.stdin.isTTY) {
          throw new UserError(`Refusing to remove ${args.symbol} ${timeframe} without confirmation: pass --yes when not at a terminal.`);
        }
        const { createInterface } = await import('node:readline/promises');
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        const answer = await rl.question(`Remove all ${timeframe} bars of ${args.symbol} from ${store.path}? [y/N] `);
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) return 0;
      }
      return removeSeries(store, args.symbol, timeframe);
    });
    this.log(removed > 0 ? `Removed ${removed} bars of ${args.symbol} ${timeframe}.` : 'Nothing removed.');
    return { symbol: args.symbol, timeframe, removed };
  }
}
