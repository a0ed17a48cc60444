import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';
import { rangeFlags, timeframeFlag } from '../_flags.js';

export default class DataExport extends RrrCommand {
  static override summary = 'Write a stored series to a Parquet, CSV or Arrow IPC file.';
  static override description =
    'The file is written under a temporary name beside --out and renamed into place when complete, so a full disk or a crash leaves no partial file. ' +
    'An existing file is replaced only with --force; the store itself and any other DuckDB database are never overwritten.';
  static override examples = [
    '<%= config.bin %> data export BTC-USD --timeframe 1h --out btc.parquet',
    '<%= config.bin %> data export BTC-USD --timeframe 1h --from 2018-01-01 --to 2018-12-31 --out btc-2018.csv',
  ];
  static override args = { symbol: Args.string({ description: 'stored symbol', required: true }) };
  static override flags = {
    timeframe: timeframeFlag(),
    out: Flags.string({ char: 'o', description: 'output file: .parquet, .csv or .arrow', required: true }),
    force: Flags.boolean({ description: 'replace --out if it exists (never the store or another DuckDB database)' }),
    ...rangeFlags,
  };

  async run() {
    const { args, flags } = await this.parse(DataExport);
    const { parseRange } = await import('../../data/time.js');
    const { loadBars } = await import('../../data/load.js');
    const { writeColumns, assertOutputPath } = await import('../../data/write.js');
    const db = this.dbPath(flags.db);
    const format = assertOutputPath(flags.out, { db, force: flags.force });
    const bars = await loadBars({ symbol: args.symbol, timeframe: flags.timeframe, db, ...parseRange(flags.from, flags.to) });
    await writeColumns(flags.out, [
      { name: 'timestamp', values: bars.time, kind: 'time' },
      { name: 'open', values: bars.open },
      { name: 'high', values: bars.high },
      { name: 'low', values: bars.low },
      { name: 'close', values: bars.close },
      { name: 'volume', values: bars.volume },
    ], format);
    this.log(`Wrote ${bars.length} bars of ${args.symbol} ${bars.timeframe} to ${flags.out}.`);
    return { symbol: args.symbol, timeframe: bars.timeframe, rows: bars.length, out: flags.out, format };
  }
}
