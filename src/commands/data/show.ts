import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';
import { rangeFlags, timeframeFlag } from '../_flags.js';

/** Bars shown at each end when neither --all, --head nor --tail is given. */
const DEFAULT_ENDS = 5;

export default class DataShow extends RrrCommand {
  static override summary = 'Print the bars of a stored series: by default its first and last 5.';
  static override description =
    'Without --all, --head or --tail, the first 5 and the last 5 bars are printed, with a line saying how many are not shown. ' +
    '--head N and --tail N print the first and the last N (both together: the first N and the last N). --all prints every bar. ' +
    '--json returns the bars that were printed (every bar with --all), with the series\' total.';
  static override examples = [
    '<%= config.bin %> data show BTC-USD --timeframe 1h',
    '<%= config.bin %> data show BTC-USD --timeframe 1h --from 2018-01-01 --to 2018-02-01 --all',
    '<%= config.bin %> data show BTC-USD --timeframe 1h --tail 5 --json',
  ];
  static override args = { symbol: Args.string({ description: 'stored symbol', required: true }) };
  static override flags = {
    timeframe: timeframeFlag(),
    ...rangeFlags,
    head: Flags.integer({ description: 'print the first N bars', min: 0 }),
    tail: Flags.integer({ description: 'print the last N bars', min: 0 }),
    all: Flags.boolean({ description: 'print every bar (and return every bar with --json)' }),
  };

  async run() {
    const { args, flags } = await this.parse(DataShow);
    const { parseRange, formatTime } = await import('../../data/time.js');
    const { loadBars } = await import('../../data/load.js');
    const { renderTable } = await import('../../report/table.js');
    const { UserError } = await import('../../errors.js');
    if (flags.all && (flags.head !== undefined || flags.tail !== undefined)) {
      throw new UserError(`--all prints every bar, so it cannot be combined with --${flags.head !== undefined ? 'head' : 'tail'}: give one or the other.`);
    }
    const range = parseRange(flags.from, flags.to);
    const bars = await loadBars({ symbol: args.symbol, timeframe: flags.timeframe, db: this.dbPath(flags.db), ...range });
    const n = bars.length;
    const ends = flags.all ? [n, 0] : flags.head === undefined && flags.tail === undefined ? [DEFAULT_ENDS, DEFAULT_ENDS] : [flags.head ?? 0, flags.tail ?? 0];
    // The head and the tail overlap on a short series: then every bar is printed once.
    const head = Math.min(ends[0], n);
    const tail = Math.min(ends[1], n - head);
    const indices = [...Array.from({ length: head }, (_, i) => i), ...Array.from({ length: tail }, (_, i) => n - tail + i)];
    const row = (i: number) => ({ time: formatTime(bars.time[i]), open: bars.open[i], high: bars.high[i], low: bars.low[i], close: bars.close[i], volume: Number.isNaN(bars.volume[i]) ? null : bars.volume[i] });
    const shown = indices.map(row);
    const omitted = n - shown.length;
    const table = shown.map((r) => Object.values(r));
    const lines = renderTable(['time', 'open', 'high', 'low', 'close', 'volume'], table).split('\n');
    if (omitted > 0 && head > 0 && tail > 0) {
      // header + rule lines come first; the gap goes after the head rows.
      const headerLines = lines.length - table.length;
      lines.splice(headerLines + head, 0, `... ${omitted} bars not shown (--all, --head, --tail)`);
    } else if (omitted > 0) {
      lines.push(`... ${omitted} bars not shown (--all, --head, --tail)`);
    }
    this.log(lines.join('\n'));
    this.log(`${shown.length} of ${n} bars of ${args.symbol} ${bars.timeframe}.`);
    return { symbol: args.symbol, timeframe: bars.timeframe, total: n, shown: shown.length, omitted, bars: shown };
  }
}
