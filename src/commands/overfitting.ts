import { Flags } from '@oclif/core';
import { RrrCommand } from './_base.js';

export default class Overfitting extends RrrCommand {
  static override summary = 'How likely is the best of a sweep to be luck: PBO, and PSR, DSR and MinTRL of the best configuration.';
  static override description =
    'Reads a T x N matrix of per-period returns from a CSV file: one column per configuration (every column counts as a trial run), ' +
    'one row per period, an optional header line and an optional time column first (named time/timestamp/date or holding non-numbers). ' +
    'Prints the probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey, Borwein, López de Prado & Zhu), ' +
    'and for the column with the best per-period Sharpe ratio: the probabilistic Sharpe ratio against 0, the deflated Sharpe ratio ' +
    '(N = the number of columns, V = the sample variance of their Sharpe ratios; Pearson kurtosis) and the minimum track record length at 95%. ' +
    'Exit code 1: the file is missing or not a matrix of numbers; 2: a usage error.';
  static override examples = [
    '<%= config.bin %> overfitting --returns sweep.csv',
    '<%= config.bin %> overfitting --returns sweep.csv --splits 10 --json',
  ];
  static override flags = {
    // Checked in run() rather than `required`, so a missing flag is one sentence like every other error.
    returns: Flags.string({ char: 'r', description: '(required) CSV of per-period returns, one column per configuration' }),
    splits: Flags.string({ description: 'CSCV blocks S: an even number from 2 to 20 (each block needs 2 rows or more)', default: '16' }),
  };

  async run() {
    const { flags } = await this.parse(Overfitting);
    const { UserError } = await import('../errors.js');
    const { auditReturns, readReturnsCsv, MAX_SPLITS } = await import('../research/overfitting/index.js');
    const splits = Number(flags.splits);
    if (!(Number.isInteger(splits) && splits >= 2 && splits % 2 === 0 && splits <= MAX_SPLITS)) {
      throw new UserError(`--splits "${flags.splits}" is not valid: give an even whole number from 2 to ${MAX_SPLITS}, e.g. 16.`, { code: 'RRR_BAD_SPLITS' });
    }
    if (flags.returns === undefined) {
      throw new UserError('--returns is missing: give a CSV file of per-period returns, one column per configuration.', { code: 'RRR_MISSING_FLAG' });
    }
    const matrix = readReturnsCsv(flags.returns);
    if (matrix.rows < 2 * splits) {
      throw new UserError(
        `--splits ${splits} needs at least ${2 * splits} rows of returns (2 per block) but ${flags.returns} has ${matrix.rows}: give a smaller even --splits.`,
        { code: 'RRR_BAD_SPLITS' },
      );
    }
    const audit = auditReturns(matrix.columns, { splits, names: matrix.names });
    const { pbo, best } = audit;
    const timeNote = matrix.timeColumn ? ` (time column "${matrix.timeColumn}")` : '';
    this.log(`${flags.returns}: ${audit.configurations} configurations x ${audit.rows} rows${timeNote}.`);
    const dropped = pbo.droppedRows > 0 ? ` The first ${pbo.droppedRows} row(s) are left out so the blocks are equal.` : '';
    this.log(
      `PBO ${pbo.pbo.toFixed(4)}: in ${(pbo.pbo * 100).toFixed(1)}% of ${pbo.combinations} CSCV splits (${pbo.splits} blocks) the in-sample best ranks at or below the out-of-sample median.${dropped}`,
    );
    this.log(`Probability that the in-sample best loses out of sample: ${pbo.probabilityOfOosLoss.toFixed(4)}.`);
    this.log(
      `Best by Sharpe: "${best.name}" — per-period Sharpe ${best.sharpe.toFixed(4)}, skewness ${best.skewness.toFixed(3)}, kurtosis ${best.kurtosis.toFixed(3)} (Pearson, 3 for a normal).`,
    );
    const line = (label: string, value: string) => this.log(`  ${label.padEnd(20)} ${value}`);
    line('PSR (vs Sharpe 0)', best.psr.toFixed(4));
    line(
      `DSR (${audit.configurations} trials)`,
      `${best.dsr.toFixed(4)}  (SR0, the best Sharpe expected of luck alone: ${best.deflationBenchmark.toFixed(4)}; variance of the trials' Sharpe ratios ${audit.sharpeVariance.toPrecision(4)})`,
    );
    line(
      `MinTRL (${best.confidence * 100}%)`,
      best.minTrackRecordLength === null
        ? 'never: the best Sharpe ratio is not above 0'
        : `${Math.ceil(best.minTrackRecordLength)} rows (the file has ${audit.rows})`,
    );
    return { file: flags.returns, ...(matrix.timeColumn ? { timeColumn: matrix.timeColumn } : {}), ...audit };
  }
}
