import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';
import { rangeFlags, timeframeFlag } from '../_flags.js';

export default class DataShow extends RrrCommand {
  static override summary = 'Print the bars of a stored series.';
  static override examples = [
    '<%= config.bin %> data show BTC-USD --timeframe 1h --from 2018-01-01 --to 2018-02-01',
    '<%= config.bin %> data show BTC-USD --timeframe 1h --tail 5 --json',
  ];
  static override args = { symbol: Args.string({ description: 'stored symbol', required: true }) };
  static override flags = {
    timeframe: timeframeFlag(),
    ...rangeFlags,
    head: Flags.integer({ description: 'print only the first N bars', min: 0 }),
    tail: Flags.integer({ description: 'print only the last N bars', min: 0 }),
  };

  async run() {
    const { args, flags } = await this.parse(DataShow);
    const { parseRange, formatTime } = await import('../../data/time.js');
    const { loadBars } = await import('../../data/load.js');
    const { renderTable } = await import('../../report/table.js');
    const range = parseRange(flags.from, flags.to);
    const bars = await loadBars({ symbol: args.symbol, timeframe: flags.timeframe, db: this.dbPath(flags.db), ...range });
    let start = 0;
    let end = bars.length;
    if (flags.head !== undefined) end = Math.min(end, flags.head);
    if (flags.tail !== undefined) start = Math.max(start, end - flags.tail);
    const rows = [];
    for (let i = start; i < end; i++) {
      rows.push({ time: formatTime(bars.time[i]), open: bars.open[i], high: bars.high[i], low: bars.low[i], close: bars.close[i], volume: Number.isNaN(bars.volume[i]) ? null : bars.volume[i] });
    }
    this.log(renderTable(['time', 'open', 'high', 'low', 'close', 'volume'], rows.map((r) => Object.values(r))));
    this.log(`${rows.length} of ${bars.length} bars of ${args.symbol} ${bars.timeframe}.`);
    return { symbol: args.symbol, timeframe: bars.timeframe, bars: rows };
  }
}
