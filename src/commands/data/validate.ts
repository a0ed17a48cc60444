import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';
import { columnFlags, optionalTimeframeFlag, readOptionsFrom } from '../_flags.js';

export default class DataValidate extends RrrCommand {
  static override summary = 'Check bars for unsorted or duplicate times, gaps, OHLC violations, bad prices, outliers and repeated blocks.';
  static override description =
    'Errors (exit code 1): invalid, unsorted or duplicate timestamps; NaN or non-positive prices; OHLC violations; negative volume. ' +
    'Exit code 3: the check could not run (no store, unknown symbol, unreadable file, damaged or busy store); 2: a usage error. ' +
    'Warnings: gaps against the timeframe, off-grid times, NaN or zero volume, flat bars, outlier returns (robust z-score), repeated blocks of bars. ' +
    'A target that is a file is read as is; a symbol is read from the store; no target checks every stored series.';
  static override examples = [
    '<%= config.bin %> data validate',
    '<%= config.bin %> data validate BTC-USD --timeframe 1h',
    '<%= config.bin %> data validate ./eurusd.csv --timeframe 1h --json',
    '<%= config.bin %> data validate SPY --timeframe 1d --calendar weekdays',
  ];
  static override args = { target: Args.string({ description: 'a stored symbol or a bar file; all stored series when omitted' }) };
  static override flags = {
    timeframe: optionalTimeframeFlag(),
    calendar: Flags.string({ description: 'which slots count as missing when looking for gaps', options: ['24/7', 'weekdays'], default: '24/7' }),
    'outlier-threshold': Flags.string({ description: 'flag returns whose robust z-score exceeds this [default: 100; 25 suits daily data]' }),
    ...columnFlags,
  };

  async run() {
    const { args, flags } = await this.parse(DataValidate);
    const { validateTarget } = await import('../../data/validate.js');
    const { UserError } = await import('../../errors.js');
    const threshold = flags['outlier-threshold'] === undefined ? undefined : Number(flags['outlier-threshold']);
    if (threshold !== undefined && !(threshold > 0)) {
      throw new UserError(`--outlier-threshold "${flags['outlier-threshold']}" is not valid: give a number above 0, e.g. 25.`);
    }
    let reports: Awaited<ReturnType<typeof validateTarget>>;
    try {
      reports = await validateTarget(args.target, {
        db: this.dbPath(flags.db),
        timeframe: flags.timeframe,
        calendar: flags.calendar as '24/7' | 'weekdays',
        outlierThreshold: threshold,
        ...readOptionsFrom(flags),
      });
    } catch (error) {
      // CI tells "the data has errors" (1) from "the check could not run" (3): no store, unknown symbol,
      // unreadable file, a damaged or busy store. Usage errors keep 2.
      if (error instanceof UserError && error.exitCode === 1) throw new UserError(error.message, { exitCode: 3, code: error.code, cause: error });
      throw error;
    }
    for (const report of reports) {
      this.log(`${report.symbol} ${report.timeframe}: ${report.rows} bars, ${report.first} .. ${report.last} — ${report.ok ? 'no errors' : `${report.errors} error check(s) failed`}, ${report.warnings} warning(s).`);
      for (const c of report.checks) if (c.count > 0) this.log(`  ${c.severity.padEnd(7)} ${c.check.padEnd(18)} ${c.message}`);
    }
    if (reports.length === 0) this.log('The store holds no series to validate.');
    const ok = reports.every((r) => r.ok);
    // Errors in the data fail the command (for CI) after the report is printed.
    if (!ok) process.exitCode = 1;
    return { ok, reports };
  }
}
