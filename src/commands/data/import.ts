import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';
import { columnFlags, readOptionsFrom, timeframeFlag } from '../_flags.js';

export default class DataImport extends RrrCommand {
  static override summary = 'Import OHLCV bars from CSV, Parquet or Arrow IPC files into the store.';
  static override description =
    'Overlapping bars are upserted by (symbol, timeframe, time): the imported values win. All files are read and checked before the store is opened, ' +
    'then written in one transaction: a failing file stores nothing, and the store is held only while writing. ' +
    'Refused always: empty or unparseable times, duplicate times, spacing that contradicts --timeframe, NaN or infinite prices or volume. ' +
    'Refused unless --keep-invalid: OHLC violations, zero or negative prices, negative volume.';
  static override examples = [
    '<%= config.bin %> data import btc-usd_1h.csv --symbol BTC-USD --timeframe 1h',
    '<%= config.bin %> data import part1.parquet part2.parquet --symbol ES --timeframe 1m --db ./futures.duckdb',
    '<%= config.bin %> data import quotes.csv --symbol EURUSD --timeframe 1h --time-column Date --volume-column Vol',
  ];
  static override strict = false;
  static override args = { file: Args.string({ description: 'bar files (.csv, .parquet, .arrow)', required: true }) };
  static override flags = {
    symbol: Flags.string({ char: 's', description: 'symbol to store the bars under, e.g. BTC-USD', required: true }),
    timeframe: timeframeFlag(),
    'keep-invalid': Flags.boolean({ description: 'store bars that break OHLC invariants, have zero or negative prices or negative volume instead of refusing the file (NaN or infinite values are never stored)' }),
    ...columnFlags,
  };

  async run() {
    const { argv, flags } = await this.parse(DataImport);
    const { withStore } = await import('../../data/store.js');
    const { readImportFiles, writeImport } = await import('../../data/import.js');
    const files = argv as string[];
    this.progress(`Reading ${files.length} file${files.length === 1 ? '' : 's'} as ${flags.symbol} ${flags.timeframe}...`);
    // Read and check everything first: the store (which blocks other rrr processes) is opened only to write.
    const prepared = await readImportFiles(files, { symbol: flags.symbol, timeframe: flags.timeframe, keepInvalid: flags['keep-invalid'], ...readOptionsFrom(flags) });
    this.progress(`Writing ${prepared.bars.length} bars...`);
    const result = await withStore(this.dbPath(flags.db), { create: true }, (store) => writeImport(store, prepared));
    const q = result.quality;
    this.log(`${result.symbol} ${result.timeframe}: ${result.added} bars added, ${result.replaced} replaced; ${result.total} bars stored (${q.first} .. ${q.last}).`);
    const fired = q.checks.filter((c) => c.count > 0 && c.severity !== 'info');
    if (fired.length > 0) this.log(`Quality: ${fired.map((c) => `${c.check} ${c.count}`).join(', ')} (details: rrr data validate ${result.symbol} --timeframe ${result.timeframe}).`);
    return { ...result, db: this.dbPath(flags.db) };
  }
}
